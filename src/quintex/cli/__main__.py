"""`quintex`: serve the exchange, or manage its users through the admin API."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import CliError
from .listing import ListingError
from .serve import DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT, serve
from .users import user_add, user_key

DEFAULT_SERVER = "http://127.0.0.1:8080"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quintex", description="Quintex: a self-hosted crypto exchange that speaks the OKX API v5.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="run the exchange (REST /api/v5 and the admin API)",
        description="Run the exchange until SIGTERM or Ctrl-C. State lives in memory for now; the data "
                    "dir holds the admin token (file admin-token, mode 0600) that `quintex user` uses.")
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (default: %(default)s)")
    serve.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                       help="directory for the server's files, created if missing (default: %(default)s)")
    serve.add_argument("--market", choices=["off"], default="off",
                       help="market simulator; only 'off' exists for now, the simulator comes later")
    serve.add_argument("--instruments", type=Path, metavar="FILE",
                       help="TOML listing of currencies and instruments (default: the packaged "
                            "BTC, ETH, SOL, USDT, USDC and BTC-USDT, ETH-USDT, SOL-USDT, ETH-BTC, BTC-USDC)")
    serve.add_argument("--rate-limits", choices=["okx", "off"], default="okx",
                       help="apply OKX's per-endpoint rate limits (HTTP 429, code 50011) or none "
                            "(default: %(default)s)")

    user = commands.add_parser("user", help="create users and API keys on a running server")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = user_commands.add_parser(
        "add", help="create a user with an API key, optionally funded",
        description="Create a user, deposit the --fund amounts into its trading account and create an "
                    "API key (read_only + trade).")
    add.add_argument("name", help="user name (letters, digits, '.', '_', '-')")
    add.add_argument("--fund", action="append", metavar="CCY=AMT",
                     help="deposit AMT of CCY, e.g. USDT=100000; repeatable")
    key = user_commands.add_parser("key", help="create another API key for a user")
    key.add_argument("name", help="an existing user's name")
    for sub in (add, key):
        sub.add_argument("--read-only", action="store_true",
                         help="the API key may read but not trade (default: read_only + trade)")
        sub.add_argument("--ip", action="append", metavar="IP",
                         help="allow the API key only from this IP; repeatable, at most 20 (default: any IP)")
        sub.add_argument("--json", action="store_true",
                         help='print only {"uid","apiKey","secretKey","passphrase"} as JSON')
        sub.add_argument("--server", default=DEFAULT_SERVER, help="server URL (default: %(default)s)")
        sub.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                         help="the server's data dir, to read its admin token from; "
                              "$QUINTEX_ADMIN_TOKEN overrides it (default: %(default)s)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
        return user_add(args) if args.user_command == "add" else user_key(args)
    except (CliError, ListingError) as exc:
        print(f"quintex: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
