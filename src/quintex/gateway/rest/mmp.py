"""Market maker protection of option families: `account/mmp-config` (set and get) and `account/mmp-reset`
(the rules are `core.mmp`'s)."""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import Perm
from quintex.core.events import MmpConfigSet, MmpReset
from quintex.core.records import ApiKey
from quintex.okx import accountparse, mmp

from ..auth import private
from ..body import json_body
from ..responses import ok
from . import params
from .context import outcome, rate_limit, read, runtime


@private(Perm.TRADE)
async def set_config(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/mmp-config:set", key.uid), 2, 10.0)
    event = outcome(await runtime(request).submit(accountparse.set_mmp_config(key.uid, json_body(body))))
    assert isinstance(event, MmpConfigSet)
    return ok([mmp.config_set(event.config)])


@private(Perm.READ_ONLY)
async def get_config(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/mmp-config", key.uid), 5, 2.0)
    family = params.text(request, "instFamily")
    rows = await read(request, lambda state: [mmp.config(c, state.last_ts)
                                              for c in state.mmp_configs(key.uid, family)])
    return ok(rows)


@private(Perm.TRADE)
async def reset(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/mmp-reset", key.uid), 5, 2.0)
    event = outcome(await runtime(request).submit(accountparse.reset_mmp(key.uid, json_body(body))))
    assert isinstance(event, MmpReset)
    return ok([{"result": True}])


def register(app: web.Application) -> None:
    app.router.add_post("/api/v5/account/mmp-config", set_config)
    app.router.add_get("/api/v5/account/mmp-config", get_config, allow_head=False)
    app.router.add_post("/api/v5/account/mmp-reset", reset)
