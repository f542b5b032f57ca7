"""Place, cancel and amend: request items in, per-item OKX results out (shared by REST and WS).

An item that fails to parse gets its own `sCode` and never reaches the runtime; the rest are
submitted together, so one request is one contiguous run of commands in the sequencer.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from quintex.core.commands import Command
from quintex.okx.errors import OkxError
from quintex.okx.orderresults import Failure, Outcome
from quintex.runtime.sequencer import Runtime

Parser = Callable[[dict[str, Any]], Command]


async def run(runtime: Runtime, items: Sequence[Any], parse: Parser, outcome: Outcome,
              failure: Failure) -> list[dict[str, Any]]:
    now = runtime.now_ms()
    parsed: list[Command | OkxError] = []
    for item in items:
        try:
            parsed.append(parse(item))
        except OkxError as err:
            parsed.append(err)
    commands = [p for p in parsed if not isinstance(p, OkxError)]
    results = iter(await runtime.submit_many(commands))
    out = []
    for item, p in zip(items, parsed):
        raw = item if isinstance(item, dict) else {}
        out.append(failure(p, raw, now) if isinstance(p, OkxError) else outcome(next(results)[0], raw, now))
    return out
