"""`quintex user add|key|add-sub|freeze-sub|unfreeze-sub|set-level`: create users, sub-accounts and API keys,
freeze sub-accounts and set a user's fee level, through the running server's admin API."""
from __future__ import annotations

import argparse
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .admintoken import admin_token
from .client import admin_post
from .errors import CliError

CREDENTIALS = ("uid", "apiKey", "secretKey", "passphrase")
_FUND = re.compile(r"([A-Za-z0-9]+)=(\d+(?:\.\d+)?)")


def parse_funds(specs: list[str]) -> dict[str, str]:
    """`["USDT=100000", "BTC=10"]` -> `{"USDT": "100000", "BTC": "10"}` (currency upper-cased)."""
    funds: dict[str, str] = {}
    for spec in specs:
        match = _FUND.fullmatch(spec.strip())
        if match is None or Decimal(match[2]) <= 0:
            raise CliError(f"--fund {spec!r}: expected CCY=AMOUNT with a positive amount, e.g. USDT=100000")
        ccy = match[1].upper()
        if ccy in funds:
            raise CliError(f"--fund names {ccy} twice")
        funds[ccy] = match[2]
    return funds


def user_add(args: argparse.Namespace) -> int:
    funds = parse_funds(args.fund or [])
    answer = admin_post(args.server, admin_token(Path(args.data_dir)), "/admin/users",
                        {"name": args.name, "fund": funds, **_acct_lv(args), **_key_options(args)})
    _show(answer, args, f"Created user {args.name}", funds)
    return 0


def user_key(args: argparse.Namespace) -> int:
    path = f"/admin/users/{quote(args.name, safe='')}/keys"
    answer = admin_post(args.server, admin_token(Path(args.data_dir)), path, _key_options(args))
    _show(answer, args, f"New API key for user {args.name}", {})
    return 0


def user_add_sub(args: argparse.Namespace) -> int:
    path = f"/admin/users/{quote(args.master, safe='')}/subs"
    answer = admin_post(args.server, admin_token(Path(args.data_dir)), path,
                        {"name": args.name, **_acct_lv(args), **_key_options(args)})
    _show(answer, args, f"Created sub-account {args.name} of {args.master}", {})
    return 0


def user_freeze_sub(args: argparse.Namespace) -> int:
    frozen = args.user_command == "freeze-sub"
    path = f"/admin/users/{quote(args.master, safe='')}/subs/{quote(args.name, safe='')}/freeze"
    answer = admin_post(args.server, admin_token(Path(args.data_dir)), path, {"frozen": frozen})
    if args.json:
        print(json.dumps(answer))
    else:
        print(f"Sub-account {args.name} of {args.master} is {'frozen' if frozen else 'enabled'} "
              f"(uid {answer.get('uid', '?')})")
    return 0


def user_set_level(args: argparse.Namespace) -> int:
    path = f"/admin/users/{quote(args.name, safe='')}/level"
    answer = admin_post(args.server, admin_token(Path(args.data_dir)), path, {"level": args.level})
    if args.json:
        print(json.dumps(answer))
    else:
        print(f"User {args.name} is at level {answer.get('level', '?')} (uid {answer.get('uid', '?')})")
    return 0


def _acct_lv(args: argparse.Namespace) -> dict[str, Any]:
    """`--acct-lv`, when given (the server starts users in Futures mode, "2", otherwise)."""
    return {"acctLv": args.acct_lv} if args.acct_lv else {}


def _key_options(args: argparse.Namespace) -> dict[str, Any]:
    return {"readOnly": args.read_only, "withdraw": args.withdraw, "ip": args.ip or []}


def _show(answer: dict[str, Any], args: argparse.Namespace, title: str, funds: dict[str, str]) -> None:
    missing = [field for field in CREDENTIALS if not isinstance(answer.get(field), str)]
    if missing:
        raise CliError(f"unexpected answer from the server (no {', '.join(missing)})")
    credentials = {field: answer[field] for field in CREDENTIALS}
    if args.json:
        print(json.dumps(credentials))
        return
    print(f"{title} (uid {credentials['uid']})")
    for field in CREDENTIALS[1:]:
        print(f"  {field + ':':<12}{credentials[field]}")
    if funds:
        print("  funded:     " + ", ".join(f"{amt} {ccy}" for ccy, amt in funds.items()))
    print("Keep the secret key and passphrase now: they are not shown again.")
