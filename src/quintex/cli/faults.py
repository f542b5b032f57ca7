"""`quintex fault add|list|clear`: inject faults into a running server through its operator API.

    quintex fault add error --path trade/order --code 50001      prints the fault's id
    quintex fault add latency --latency 50-200 --probability 0.5
    quintex fault add lost-response --path trade/order --every 3
    quintex fault add ws-drop --channel books                    close those connections now
    quintex fault add ws-delay --channel tickers --latency 500
    quintex fault add maintenance --duration 60
    quintex fault list
    quintex fault clear [ID]
"""
from __future__ import annotations

import argparse
import json
from typing import Any

from .client import admin_post
from .errors import CliError
from .market import _get, _token, server_options

KINDS = ("latency", "error", "lost-response", "ws-drop", "ws-delay", "maintenance")


def add_fault_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser], server: str,
                       data_dir: str) -> None:
    common = server_options(server, data_dir)
    common.add_argument("--json", action="store_true", help="print the server's JSON answer")
    fault = commands.add_parser(
        "fault", help="inject faults (errors, latency, lost answers, dropped WebSockets, maintenance)",
        description="Break a running server on purpose. Faults live in the server's memory only: they are "
                    "never journaled or replayed, and `quintex fault clear` restores normal service at once.")
    actions = fault.add_subparsers(dest="fault_command", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add", parents=[common], help="add a fault; prints its id",
        description="Add a fault. KIND: latency (delay answers by --latency MS, or a uniform LO-HI range), "
                    "error (answer --code, default 50001, instead of executing: 50001 HTTP 503, 50011 and "
                    "50013 HTTP 429, 50026 HTTP 500, others HTTP 200), lost-response (execute, then drop the "
                    "connection without an answer), ws-drop (close matching WebSocket connections with OKX's "
                    "64008 notice and close 1001: now, or with --probability/--every/--duration each second "
                    "at random), ws-delay (delay the pushes of --channel by --latency), maintenance (a "
                    "window from now for --duration seconds: system/status and the status channel show it, "
                    "order entry answers 50001). Unscoped faults match everything their kind applies to.")
    add.add_argument("kind", choices=KINDS, metavar="KIND", help=", ".join(KINDS))
    add.add_argument("--path", metavar="PATTERN",
                     help="REST path, with or without /api/v5/, '*' a wildcard (e.g. trade/*)")
    add.add_argument("--op", metavar="OP",
                     help="WebSocket op (order, cancel-order, subscribe, login, ...); for ws-drop the "
                          "endpoint (public, private, business)")
    add.add_argument("--channel", metavar="CHANNEL", help="WebSocket channel (ws-delay, ws-drop)")
    add.add_argument("--user", metavar="NAME", help="only this user's requests and connections")
    add.add_argument("--code", metavar="CODE", help="the OKX code an error fault answers (default: 50001)")
    add.add_argument("--latency", metavar="MS", help="milliseconds, or a uniform range LO-HI (e.g. 50-200)")
    add.add_argument("--probability", type=float, metavar="P", help="strike with probability P (default: 1)")
    add.add_argument("--every", type=int, metavar="N", help="strike every Nth matching request instead")
    add.add_argument("--duration", type=float, metavar="SECONDS",
                     help="remove the fault after this long (default: until cleared)")
    add.add_argument("--seed", type=int, metavar="N", help="seed of the fault's random draws (reproducible)")
    actions.add_parser("list", parents=[common], help="list the active faults")
    clear = actions.add_parser("clear", parents=[common], help="remove one fault, or all of them")
    clear.add_argument("id", nargs="?", metavar="ID", help="the fault to remove (default: all)")


def fault_command(args: argparse.Namespace) -> int:
    action = args.fault_command
    if action == "add":
        spec: dict[str, Any] = {"kind": args.kind}
        for name in ("path", "op", "channel", "user", "code", "latency", "probability", "every", "duration",
                     "seed"):
            value = getattr(args, name)
            if value is not None:
                spec[name] = value
        answer = _post(args, "", spec)
        print(json.dumps(answer) if args.json else answer["id"])
    elif action == "list":
        faults = _get(args, "/admin/faults")["faults"]
        if args.json:
            print(json.dumps(faults))
        elif not faults:
            print("no faults")
        else:
            for fault in faults:
                print(_describe(fault))
    else:
        answer = _post(args, "/clear", {"id": args.id} if args.id else {})
        print(json.dumps(answer) if args.json else
              ("cleared " + " ".join(answer["cleared"]) if answer["cleared"] else "no faults"))
    return 0


def _post(args: argparse.Namespace, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    return admin_post(args.server, _token(args), "/admin/faults" + path, payload)


def _describe(fault: dict[str, Any]) -> str:
    scope = [f"{name}={fault[name]}" for name in ("path", "op", "channel", "user") if fault.get(name)] or ["all"]
    what = [f"code={fault['code']}" if fault.get("code") else "",
            f"latency={fault['latency']}ms" if fault.get("latency") else "",
            f"every={fault['every']}" if fault.get("every") else
            (f"p={fault['probability']}" if fault.get("probability", 1) < 1 else ""),
            f"{fault['remaining']:.0f}s left" if fault.get("remaining") is not None else "until cleared"]
    if not isinstance(fault, dict):
        raise CliError("unexpected answer")
    return (f"{fault['id']:<5} {fault['kind']:<14} {' '.join(scope):<30} {' '.join(w for w in what if w)}"
            f"  hits {fault['hits']}/{fault['seen']}")
