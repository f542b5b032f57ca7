"""A minimal signed-echo endpoint on the server stack Quintex uses (aiohttp on uvloop, the same
OKX signature check, orjson): the baseline for the REST benchmark.

    python bench/echo_server.py PORT API_KEY SECRET PASSPHRASE
"""
from __future__ import annotations

import sys
import time

import orjson
import uvloop
from aiohttp import web

from quintex.core.enums import Perm
from quintex.core.records import ApiKey
from quintex.gateway.auth import authenticate


class Keys:
    def __init__(self, key: ApiKey) -> None:
        self.key = key

    def api_key(self, api_key: str) -> ApiKey | None:
        return self.key if api_key == self.key.api_key else None


def main() -> None:
    port, api_key, secret, passphrase = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    keys = Keys(ApiKey(api_key, 1, secret, passphrase, (Perm.READ_ONLY, Perm.TRADE), (), "", 0))

    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        authenticate(request, body, keys, int(time.time() * 1000))
        payload = {"code": "0", "msg": "", "data": [orjson.loads(body)]}
        return web.Response(body=orjson.dumps(payload), content_type="application/json")

    app = web.Application()
    app.router.add_post("/api/v5/trade/order", echo)
    web.run_app(app, host="127.0.0.1", port=int(port), print=None, loop=uvloop.new_event_loop())


if __name__ == "__main__":
    main()
