"""`quintex market ...` and `quintex clock ...`: the operator's controls of a running server's market.

    quintex market status                 clock, prices, index and mark prices
    quintex market shock BTC -20%         move BTC's price by -20% now (--market off too)
    quintex market set BTC 50000          set BTC's price (USD) now (--market off too)
    quintex market vol BTC +10            move BTC options' ATM volatility by 10 vol points (--set 60: to 60 %)
    quintex market pause | resume         stop or restart the agents
    quintex market save NAME | restore NAME | snapshots | reset
    quintex clock advance 1h30m           move a manual clock forward (with progress)
    quintex status                        errors answered per path and OKX code
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .admintoken import admin_token
from .client import TIMEOUT_S, admin_post
from .errors import CliError

ADVANCE_CHUNK_MS = 5 * 60 * 1000
ADVANCE_TIMEOUT_S = 600.0
"""How long the answer to one chunk may take: the server answers once it has run the chunk's market steps, and
with the default market's agents on a 2-core machine five simulated minutes take ~10 s."""
"""A long advance is sent in chunks of this much simulated time, so progress shows between them."""
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_MOVE = re.compile(r"([+-]?\d+(?:\.\d+)?)%?")


def server_options(server: str, data_dir: str) -> argparse.ArgumentParser:
    """`--server` and `--data-dir`, shared by every command that talks to a running server's admin API."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--server", default=server, help="server URL (default: %(default)s)")
    common.add_argument("--data-dir", default=data_dir,
                        help="the server's data dir, to read its admin token from; $QUINTEX_ADMIN_TOKEN "
                             "overrides it (default: %(default)s)")
    return common


def add_market_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser], server: str,
                        data_dir: str) -> None:
    """The `market` and `clock` commands (with the default --server and --data-dir)."""
    common = server_options(server, data_dir)
    market = commands.add_parser("market", help="control the market and index prices of a running server")
    actions = market.add_subparsers(dest="market_command", required=True, metavar="ACTION")
    actions.add_parser("status", parents=[common],
                       help="clock, every currency's price, the exchange's index prices and contracts' mark prices")
    shock = actions.add_parser("shock", parents=[common], help="move a currency's price by a percentage now",
                               description="e.g. `quintex market shock BTC -20%`: every BTC pair reprices, and "
                                           "the BTC index prices and mark prices move at once (with --market "
                                           "off too).")
    shock.add_argument("ccy", help="currency, e.g. BTC")
    shock.add_argument("move", nargs=argparse.REMAINDER, metavar="PCT", help="percentage, e.g. -20%% or +5")
    set_price = actions.add_parser("set", parents=[common], help="set a currency's USD price now",
                                   description="e.g. `quintex market set BTC 30000`: BTC's USD index is 30000 "
                                               "at once, its USDT index 30000 over USDT's price, and the mark "
                                               "prices follow (with --market off too).")
    set_price.add_argument("ccy", help="currency, e.g. BTC")
    set_price.add_argument("px", help="price in USD, e.g. 50000")
    vol = actions.add_parser("vol", parents=[common], help="move or set an option family's volatility surface",
                             description="e.g. `quintex market vol BTC +10`: the BTC-USD options' ATM volatility "
                                         "rises by 10 vol points (skew, smile and term structure keep their "
                                         "shape); `quintex market vol BTC --set 60` sets it to 60 %. Without a "
                                         "move it shows the surfaces. The options reprice at once (with --market "
                                         "off too).")
    vol.add_argument("ccy", nargs="?", help="currency of the option family, e.g. BTC")
    vol.add_argument("move", nargs=argparse.REMAINDER, metavar="POINTS | --set PCT",
                     help="vol points, e.g. +10 or -5, or --set 60")
    actions.add_parser("pause", parents=[common], help="stop the agents (prices keep moving)")
    actions.add_parser("resume", parents=[common], help="restart the agents")
    actions.add_parser("snapshots", parents=[common], help="list the saved snapshots")
    for name, text in (("save", "save the whole exchange as a named snapshot"),
                       ("restore", "put a named snapshot back (time keeps running forward)")):
        action = actions.add_parser(name, parents=[common], help=text)
        action.add_argument("name", help="snapshot name (letters, digits, '.', '_', '-')")
    actions.add_parser("reset", parents=[common], help="back to the state the market started from")

    commands.add_parser("status", parents=[common], help="the errors a running server answered, per path and code",
                        description="Every answer with a non-zero OKX code since the server started, counted "
                                    "per path and code (a failed item of a batch by its sCode), most frequent "
                                    "first, e.g. `trade/order-algo: 80 x 50005`.")

    clock = commands.add_parser("clock", help="move a running server's manual clock")
    clock_actions = clock.add_subparsers(dest="clock_command", required=True, metavar="ACTION")
    advance = clock_actions.add_parser("advance", parents=[common], help="move a manual clock forward",
                                       description="The market runs through the time in its steps; e.g. 60s, "
                                                   "5m, 1h30m, 1d (a bare number is seconds).")
    advance.add_argument("duration", help="how far, e.g. 60s, 1h30m, 1d")


def parse_duration(text: str) -> int:
    """`90`, `60s`, `1h30m`, `250ms`, `1d` -> milliseconds."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return int(float(text) * 1000)
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise CliError(f"{text!r} is not a duration: use e.g. 60s, 5m, 1h30m, 1d or 250ms")
    return int(sum(float(n) * _UNIT_MS[u] for n, u in parts))


def parse_move(text: str) -> str:
    match = _MOVE.fullmatch(text.strip())
    if match is None:
        raise CliError(f"{text!r} is not a percentage: use e.g. -20% or +5%")
    return match[1]


def _token(args: argparse.Namespace) -> str:
    return admin_token(Path(args.data_dir))


def _get(args: argparse.Namespace, path: str) -> dict[str, Any]:
    request = urllib.request.Request(args.server.rstrip("/") + path,
                                     headers={"Authorization": f"Bearer {_token(args)}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        raise CliError(f"the server answered HTTP {exc.code}: {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CliError(f"cannot reach a Quintex server at {args.server} ({reason})") from None
    if not isinstance(answer, dict):
        raise CliError(f"{args.server} did not answer like a Quintex server")
    return answer


def _post(args: argparse.Namespace, path: str, payload: dict[str, Any] | None = None,
          timeout_s: float | None = None) -> dict[str, Any]:
    return admin_post(args.server, _token(args), "/admin/market" + path, payload or {}, timeout_s)


def market_command(args: argparse.Namespace) -> int:
    action = args.market_command
    if action == "status":
        _show_status(_get(args, "/admin/market"))
        _show_errors(_get(args, "/admin/status"))
    elif action == "shock":
        _shock(args)
    elif action == "set":
        answer = _post(args, "/price", {"ccy": args.ccy, "px": args.px})
        print(f"{answer['ccy']} is now {answer['usd']} USD")
    elif action == "vol":
        _vol(args)
    elif action in ("pause", "resume"):
        _post(args, "/" + action)
        print("agents paused" if action == "pause" else "agents resumed")
    elif action == "snapshots":
        print("\n".join(_get(args, "/admin/market/snapshots")["snapshots"]) or "no snapshots")
    elif action == "save":
        answer = _post(args, "/snapshots", {"name": args.name})
        print(f"saved snapshot {answer['name']} at seq {answer['seq']}")
    elif action == "restore":
        answer = _post(args, f"/snapshots/{quote(args.name, safe='')}/restore")
        print(f"restored snapshot {answer['name']} (now at seq {answer['seq']})")
    else:
        _post(args, "/reset")
        print("reset to the initial snapshot")
    return 0


def _shock(args: argparse.Namespace) -> None:
    if not args.move:
        raise CliError("shock needs a percentage, e.g. quintex market shock BTC -20%")
    move, rest = args.move[0], args.move[1:]
    if rest:
        _options().parse_args(rest, namespace=args)
    answer = _post(args, "/shock", {"ccy": args.ccy, "pct": parse_move(move)})
    print(f"{answer['ccy']} is now {answer['usd']} USD")


def _vol(args: argparse.Namespace) -> None:
    if args.ccy is None:
        for surface in _get(args, "/admin/market/vol")["surfaces"]:
            print(_surface_line(surface))
        return
    move = args.move
    if move[:1] == ["--set"] and len(move) >= 2:
        payload, rest = {"ccy": args.ccy, "set": parse_move(move[1])}, move[2:]
    elif move and move[0] != "--set":
        payload, rest = {"ccy": args.ccy, "shift": parse_move(move[0])}, move[1:]
    else:
        raise CliError("vol needs vol points or --set, e.g. quintex market vol BTC +10 or --set 60")
    if rest:
        _options().parse_args(rest, namespace=args)
    print(_surface_line(_post(args, "/vol", payload)))


def _surface_line(surface: dict[str, str]) -> str:
    atm = format((Decimal(surface["atmVol"]) * 100).normalize(), "f")
    return (f"{surface['instFamily']}: ATM {atm}% (skew {surface['skew']}, smile {surface['smile']}, "
            f"term {surface['term']})")


def _options() -> argparse.ArgumentParser:
    """--server and --data-dir given after the percentage of `market shock`."""
    parser = argparse.ArgumentParser(prog="quintex market shock", add_help=False)
    parser.add_argument("--server")
    parser.add_argument("--data-dir")
    return parser


def _show_status(status: dict[str, Any]) -> None:
    now = dt.datetime.fromtimestamp(int(status["now"]) / 1000, dt.UTC).isoformat(timespec="milliseconds")
    print(f"clock:  {status['clock']}, now {now.replace('+00:00', 'Z')}")
    print(f"agents: {len(status['agents'])}, {'paused' if status['paused'] else 'running'}")
    for ccy, price in status["prices"].items():
        extra = f" ({float(price['progress']):.1%} of {price['file']})" if "progress" in price else ""
        print(f"  {ccy:<8}{price['usd']:>20} USD  {price['source']}{extra}")
    for inst_id, px in status["index"].items():
        print(f"  {inst_id:<12}{px:>16}")
    if status["indexPrices"]:
        print("index prices:")
        for index_id, px in status["indexPrices"].items():
            print(f"  {index_id:<12}{px:>16}")
    if status["markPrices"]:
        print("mark prices:")
        for inst_id, px in status["markPrices"].items():
            print(f"  {inst_id:<18}{px:>16}")


def status_command(args: argparse.Namespace) -> int:
    """`quintex status`: the journal, the connected clients and the error counts."""
    status = _get(args, "/admin/status")
    journal, clients = status["journal"], status["clients"]
    print(f"journal: seq {journal['seq']}, last snapshot at seq {journal['snapshotSeq']} "
          f"({journal['snapshotAgeS']} s ago), durability {journal['durability']}")
    print("websocket clients: " + ", ".join(f"{n} {endpoint}" for endpoint, n in clients.items()))
    _show_errors(status)
    return 0


def _show_errors(status: dict[str, Any]) -> None:
    errors = status.get("errors", [])
    if not errors:
        print("errors: none (every answer had code 0)")
        return
    print(f"errors: {sum(e['count'] for e in errors)} answers with a non-zero OKX code")
    for e in errors:
        print(f"  {e['path']}: {e['count']} \u00d7 {e['code']}")


def clock_command(args: argparse.Namespace) -> int:
    total = parse_duration(args.duration)
    done, now = 0, ""
    while True:
        chunk = min(ADVANCE_CHUNK_MS, total - done)
        now = _post(args, "/clock/advance", {"ms": str(chunk)}, ADVANCE_TIMEOUT_S)["now"]
        done += chunk
        if total > ADVANCE_CHUNK_MS:
            print(f"\radvanced {_span(done)} of {_span(total)} ({done / total:.0%})", end="", file=sys.stderr,
                  flush=True)
        if done >= total:
            break
    if total > ADVANCE_CHUNK_MS:
        print(file=sys.stderr)
    moment = dt.datetime.fromtimestamp(int(now) / 1000, dt.UTC).isoformat(timespec="milliseconds")
    print(f"the clock is at {moment.replace('+00:00', 'Z')}")
    return 0


def _span(ms: int) -> str:
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"
