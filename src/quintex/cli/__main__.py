"""`quintex`: serve the exchange, or manage its users through the admin API."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quintex.core.users import FEE_LEVELS

from .durable import add_serve_arguments, add_store_argument, replay_command, snapshot_command, verify_command
from .errors import CliError
from .faults import add_fault_commands, fault_command
from .listing import ListingError
from .livemarket import add_market_arguments
from .market import add_market_commands, clock_command, market_command, status_command
from .serve import (
    DEFAULT_DATA_DIR,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_TLS_PORT,
    add_access_log_argument,
    serve,
)
from .users import user_add, user_add_sub, user_freeze_sub, user_key, user_set_level

DEFAULT_SERVER = "http://127.0.0.1:8080"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quintex", description="Quintex: a self-hosted crypto exchange that speaks the OKX API v5.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="run the exchange (REST /api/v5 and the admin API)",
        description="Run the exchange until SIGTERM or Ctrl-C. Every command is journaled before its reply; "
                    "a start loads the latest snapshot and replays the journal after it. The data dir holds "
                    "the store (quintex.db) and the admin token (file admin-token, mode 0600) that "
                    "`quintex user` uses.")
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (default: %(default)s)")
    serve.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                       help="directory for the server's files, created if missing (default: %(default)s)")
    add_market_arguments(serve)
    serve.add_argument("--instruments", type=Path, metavar="FILE",
                       help="TOML listing of currencies, instruments and futures series (default: the "
                            "packaged BTC, ETH, SOL, USDT, USDC; BTC-USDT, ETH-USDT, SOL-USDT, ETH-BTC, BTC-USDC; "
                            "BTC-USDT-SWAP, ETH-USDT-SWAP, SOL-USDT-SWAP, BTC-USD-SWAP, ETH-USD-SWAP; BTC-USDT and "
                            "BTC-USD futures)")
    serve.add_argument("--rate-limits", choices=["okx", "off"], default="okx",
                       help="apply OKX's per-endpoint rate limits (HTTP 429, code 50011) or none "
                            "(default: %(default)s)")
    serve.add_argument("--tls", action="store_true",
                       help="also serve REST and WebSocket over TLS (https://, wss://) with a certificate "
                            "of a local CA kept in DATA_DIR/tls (python-okx trusts it with "
                            "SSL_CERT_FILE=DATA_DIR/tls/ca.pem; ccxt with its verify/cafile options, see docs/bots.md)")
    serve.add_argument("--tls-port", type=int, default=DEFAULT_TLS_PORT,
                       help="TLS port (default: %(default)s)")
    serve.add_argument("--tls-cert", type=Path, metavar="PEM",
                       help="serve TLS with this certificate (chain) instead of the local CA's; "
                            "needs --tls-key")
    serve.add_argument("--tls-key", type=Path, metavar="PEM", help="the private key of --tls-cert")
    add_access_log_argument(serve)
    add_serve_arguments(serve)
    _add_store_commands(commands)
    add_market_commands(commands, DEFAULT_SERVER, DEFAULT_DATA_DIR)
    add_fault_commands(commands, DEFAULT_SERVER, DEFAULT_DATA_DIR)

    user = commands.add_parser("user", help="create users, sub-accounts and API keys on a running server")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = user_commands.add_parser(
        "add", help="create a user with an API key, optionally funded",
        description="Create a user (in Futures mode, acctLv 2, and net_mode unless --acct-lv names another "
                    "account mode), deposit the --fund amounts into its trading account and create an "
                    "API key (read_only + trade).")
    add.add_argument("name", help="user name (letters, digits, '.', '_', '-')")
    add.add_argument("--fund", action="append", metavar="CCY=AMT",
                     help="deposit AMT of CCY, e.g. USDT=100000; repeatable")
    key = user_commands.add_parser("key", help="create another API key for a user")
    key.add_argument("name", help="an existing user's name")
    add_sub = user_commands.add_parser(
        "add-sub", help="create a sub-account of a master user, with an API key",
        description="Create sub-account NAME of user MASTER (in Futures mode unless --acct-lv names another "
                    "account mode) and an API key for it (read_only + trade).")
    add_sub.add_argument("master", help="an existing master user's name")
    add_sub.add_argument("name", help="sub-account name (6-20 letters or digits)")
    freeze = user_commands.add_parser(
        "freeze-sub", help="freeze a sub-account: it can no longer trade or withdraw",
        description="Freeze sub-account NAME of user MASTER: its new orders, amendments and withdrawals are "
                    "refused (59508) until it is unfrozen; it shows enable=false in users/subaccount/list.")
    unfreeze = user_commands.add_parser(
        "unfreeze-sub", help="let a frozen sub-account trade again",
        description="Unfreeze sub-account NAME of user MASTER.")
    set_level = user_commands.add_parser(
        "set-level", help="set a user's fee level (its fee rates and loan quotas)",
        description="Set the fee level of user (or sub-account) NAME: Lv1-Lv5 (regular) or VIP1-VIP9. The "
                    "level multiplies the currencies' basic loan quotas (public/interest-rate-loan-quota).")
    set_level.add_argument("name", help="an existing user's name")
    set_level.add_argument("level", choices=list(FEE_LEVELS), metavar="LEVEL", help="Lv1-Lv5 or VIP1-VIP9")
    for sub in (freeze, unfreeze):
        sub.add_argument("master", help="the sub-account's master user")
        sub.add_argument("name", help="the sub-account's name")
    for sub in (add, key, add_sub):
        sub.add_argument("--read-only", action="store_true",
                         help="the API key may read but not trade (default: read_only + trade)")
        sub.add_argument("--withdraw", action="store_true",
                         help="the API key may also withdraw funds (asset/withdrawal)")
        sub.add_argument("--ip", action="append", metavar="IP",
                         help="allow the API key only from this IP; repeatable, at most 20 (default: any IP)")
        sub.add_argument("--json", action="store_true",
                         help='print only {"uid","apiKey","secretKey","passphrase"} as JSON')
    for sub in (add, add_sub):
        sub.add_argument("--acct-lv", choices=["1", "2", "3", "4"],
                         help="account mode (OKX acctLv): 1 spot (no FUTURES/SWAP trading), 2 futures, "
                              "3 multi-currency margin, 4 portfolio margin; "
                              "default 2; changed later with account/set-account-level")
    for sub in (freeze, unfreeze):
        sub.add_argument("--json", action="store_true", help='print the answer {"uid","subAcct","enable"} as JSON')
    set_level.add_argument("--json", action="store_true", help='print the answer {"uid","level"} as JSON')
    for sub in (add, key, add_sub, freeze, unfreeze, set_level):
        sub.add_argument("--server", default=DEFAULT_SERVER, help="server URL (default: %(default)s)")
        sub.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                         help="the server's data dir, to read its admin token from; "
                              "$QUINTEX_ADMIN_TOKEN overrides it (default: %(default)s)")
    return parser


def _add_store_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    snapshot = commands.add_parser(
        "snapshot", help="snapshot the exchange's state now",
        description="Ask the server running on the data dir to snapshot its state (SIGUSR1) and wait for it; "
                    "with no server running, recover the state from the store and snapshot it.")
    verify = commands.add_parser(
        "verify", help="replay the journal and compare with the state hashes recorded live",
        description="Replay everything the store keeps (from its oldest snapshot) and compare the state hash "
                    "at every checkpoint and snapshot; report the first divergence. Exit 0 when all match.")
    replay = commands.add_parser(
        "replay", help="rebuild the exchange as of a past moment into a new data dir",
        description="Rebuild the state as it was after --until into a new data dir that `quintex serve "
                    "--data-dir DIR` opens.")
    replay.add_argument("--until", required=True, metavar="SEQ|TS",
                        help="a seq, Unix milliseconds (>= 10^12) or an ISO 8601 time such as 2025-01-31T12:00:00Z")
    replay.add_argument("--to", required=True, metavar="DIR", help="the new data dir (must not hold a store)")
    for sub in (snapshot, verify, replay):
        sub.add_argument("--data-dir", default=DEFAULT_DATA_DIR, help="the server's data dir (default: %(default)s)")
        add_store_argument(sub)


STORE_COMMANDS = {"snapshot": snapshot_command, "verify": verify_command, "replay": replay_command}
MARKET_COMMANDS = {"market": market_command, "clock": clock_command, "fault": fault_command,
                   "status": status_command}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
        if args.command in STORE_COMMANDS:
            return STORE_COMMANDS[args.command](args)
        if args.command in MARKET_COMMANDS:
            return MARKET_COMMANDS[args.command](args)
        return {"add": user_add, "key": user_key, "add-sub": user_add_sub, "freeze-sub": user_freeze_sub,
                "unfreeze-sub": user_freeze_sub, "set-level": user_set_level}[args.user_command](args)
    except (CliError, ListingError) as exc:
        print(f"quintex: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
