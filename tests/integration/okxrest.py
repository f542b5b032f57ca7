"""A small signed OKX REST client over aiohttp for integration tests, and the admin API call that
creates a funded user."""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp

from quintex.okx.signing import rest_prehash, sign


@dataclass(frozen=True)
class Account:
    name: str
    uid: str
    api_key: str
    secret_key: str
    passphrase: str


def create_user(server: str, token: str, name: str, fund: dict[str, str], withdraw: bool = False) -> Account:
    request = urllib.request.Request(
        f"{server}/admin/users", method="POST",
        data=json.dumps({"name": name, "fund": fund, "withdraw": withdraw}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        made = json.loads(response.read())
    return Account(name, made["uid"], made["apiKey"], made["secretKey"], made["passphrase"])


def _headers(account: Account, method: str, target: str, body: bytes) -> dict[str, str]:
    now = datetime.now(UTC)
    timestamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    return {"OK-ACCESS-KEY": account.api_key, "OK-ACCESS-PASSPHRASE": account.passphrase,
            "OK-ACCESS-TIMESTAMP": timestamp, "Content-Type": "application/json",
            "OK-ACCESS-SIGN": sign(account.secret_key, rest_prehash(timestamp, method, target.encode(), body))}


async def post(session: aiohttp.ClientSession, server: str, account: Account, path: str,
               payload: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps(payload).encode()
    async with session.post(server + path, data=body, headers=_headers(account, "POST", path, body)) as response:
        return await response.json()  # type: ignore[no-any-return]


async def get(session: aiohttp.ClientSession, server: str, account: Account, target: str) -> dict[str, Any]:
    async with session.get(server + target, headers=_headers(account, "GET", target, b"")) as response:
        answer: dict[str, Any] = await response.json()
    assert answer["code"] == "0", (target, answer)
    return answer


async def get_all(session: aiohttp.ClientSession, server: str, account: Account, path: str, cursor: str
                  ) -> list[dict[str, Any]]:
    """Every page of a newest-first list, following `after=<cursor of the last row>`."""
    rows: list[dict[str, Any]] = []
    after = ""
    while True:
        sep = "&" if "?" in path else "?"
        page = (await get(session, server, account, f"{path}{sep}limit=100{after}"))["data"]
        rows += page
        if len(page) < 100:
            return rows
        after = f"&after={page[-1][cursor]}"
