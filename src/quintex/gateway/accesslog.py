"""The access log and the error counts.

`quintex serve --access-log FILE` (or `-` for stderr) writes one JSON line per REST request and per
WebSocket op answered (login, subscribe, unsubscribe, order ops, errors): time, remote address, uid
(when authenticated), method (the WebSocket op), path, HTTP status (101 for WebSocket), OKX code (and the
`sCode`s of failed items when the code is 1 or 2), latency in ms, and `fault` when the fault-injection
middleware set `request["fault"]`.

Whether or not a log is written, every answer with a non-zero OKX code is counted per path and code (a
failed item of a batch by its `sCode`); `GET /admin/status` and `quintex status` show the counts.
Paths are whatever clients send, so past `MAX_ERROR_KEYS` distinct (path, code) pairs a new pair is
counted under `OTHER_PATHS` with its code: the counts stay bounded however many paths are tried.
"""
from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import IO, Any

import orjson
from aiohttp import web
from aiohttp.typedefs import Middleware

V5_PREFIX = "/api/v5/"
UID_KEY = web.RequestKey("uid", int)
"""The authenticated uid of a signed REST request, set by `auth.private`."""
ITEM_FAILURE_CODES = ("1", "2")
MAX_ERROR_KEYS = 1_000
OTHER_PATHS = "(other paths)"
"""Top-level codes of a request whose items failed (all or some); their `sCode`s are what is counted."""


class AccessLog:
    """Counts errors and, with a `sink`, writes the log lines (flushed per line)."""

    def __init__(self, sink: IO[str] | None = None, wall: Callable[[], float] = time.time) -> None:
        self.sink = sink
        self.errors: Counter[tuple[str, str]] = Counter()
        self._wall = wall

    def count(self, path: str, codes: list[str]) -> None:
        errors = self.errors
        for code in codes:
            if code != "0":
                key = (path, code)
                if key not in errors and len(errors) >= MAX_ERROR_KEYS:
                    key = (OTHER_PATHS, code)
                errors[key] += 1

    def error_counts(self) -> list[dict[str, Any]]:
        """The counts, most frequent first: `{"path", "code", "count"}`."""
        return [{"path": path, "code": code, "count": n} for (path, code), n in self.errors.most_common()]

    def write(self, entry: dict[str, Any]) -> None:
        if self.sink is None:
            return
        stamp = dt.datetime.fromtimestamp(self._wall(), dt.UTC).isoformat(timespec="milliseconds")
        line = orjson.dumps({"time": stamp.replace("+00:00", "Z"), **entry}).decode()
        self.sink.write(line + "\n")
        self.sink.flush()

    # -- REST ----------------------------------------------------------------------------------------

    def rest(self, request: web.Request, response: web.StreamResponse | None, status: int,
             started: float) -> None:
        code, item_codes = _okx_codes(request.path, response)
        short = request.path.removeprefix(V5_PREFIX) if request.path.startswith(V5_PREFIX) else request.path
        if code is not None:
            self.count(short, item_codes if code in ITEM_FAILURE_CODES and item_codes else [code])
        if self.sink is None:
            return
        entry: dict[str, Any] = {
            "remote": request.remote, "uid": _uid(request.get(UID_KEY)), "method": request.method,
            "path": request.path_qs, "status": status, "code": code,
            "latency_ms": round((time.perf_counter() - started) * 1000, 3),
        }
        if code in ITEM_FAILURE_CODES:
            entry["sCodes"] = item_codes
        if "fault" in request:
            entry["fault"] = request["fault"]
        self.write(entry)

    # -- WebSocket -----------------------------------------------------------------------------------

    def ws(self, service: str, remote: str | None, uid: int | None, message: Any, started: float) -> None:
        """A reply sent on a WebSocket (pushes are not logged); `started` is the `time.monotonic()` when
        the connection's last message arrived."""
        if not isinstance(message, dict):
            return
        op = message.get("op") or message.get("event")
        if not isinstance(op, str):
            return
        code = str(message.get("code", "0"))
        items = [str(d.get("sCode")) for d in message.get("data") or () if isinstance(d, dict) and "sCode" in d]
        self.count(f"ws/{service}/{op}", items if code in ITEM_FAILURE_CODES and items else [code])
        if self.sink is None:
            return
        entry: dict[str, Any] = {
            "remote": remote, "uid": _uid(uid), "method": op, "path": f"/ws/v5/{service}", "status": 101,
            "code": code, "latency_ms": round((time.monotonic() - started) * 1000, 3),
        }
        if "arg" in message:
            entry["arg"] = message["arg"]
        if code in ITEM_FAILURE_CODES:
            entry["sCodes"] = items
        self.write(entry)


def _uid(uid: Any) -> str | None:
    return None if uid is None else str(uid)


def _okx_codes(path: str, response: web.StreamResponse | None) -> tuple[str | None, list[str]]:
    """The OKX code of a v5 answer (None elsewhere) and, for code 1 or 2, the items' sCodes."""
    if not path.startswith(V5_PREFIX) or not isinstance(response, web.Response):
        return None, []
    body = response.body
    if not isinstance(body, bytes) or not body.startswith(b'{"code":"'):
        return None, []
    end = body.find(b'"', 9)
    code = body[9:end].decode("ascii", "replace")
    if code not in ITEM_FAILURE_CODES:
        return code, []
    try:
        data = orjson.loads(body).get("data") or []
    except orjson.JSONDecodeError:
        return code, []
    return code, [str(d["sCode"]) for d in data if isinstance(d, dict) and d.get("sCode") not in (None, "0")]


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def access_middleware(log: AccessLog) -> Middleware:
    """The outermost middleware: times each request and hands the final answer to `log` (WebSocket
    upgrades are logged per op by the connection instead)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            log.rest(request, None, exc.status, started)
            raise
        except BaseException:
            log.rest(request, None, 500, started)
            raise
        if not isinstance(response, web.WebSocketResponse):
            log.rest(request, response, response.status, started)
        return response

    return middleware
