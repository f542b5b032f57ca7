"""REST throughput: signed `POST /api/v5/trade/order` against a running Quintex, next to a minimal
signed-echo endpoint on the same stack, with wrk (64 connections, 2 threads) on loopback; then the
latency of orders paced at half the measured peak rate (wrk with a per-connection delay).

Two users alternate a buy and a sell at one price, so every pair of orders trades and the book
stays small. Needs `wrk` (Debian package `wrk`).

    python bench/bench_rest.py [--seconds 10] [--connections 64]
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PATH = "/api/v5/trade/order"


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def signed(cred: dict, body: str) -> dict[str, str]:
    ts = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    mac = hmac.new(cred["secretKey"].encode(), (ts + "POST" + PATH + body).encode(), hashlib.sha256)
    return {"OK-ACCESS-KEY": cred["apiKey"], "OK-ACCESS-SIGN": base64.b64encode(mac.digest()).decode(),
            "OK-ACCESS-TIMESTAMP": ts, "OK-ACCESS-PASSPHRASE": cred["passphrase"],
            "Content-Type": "application/json"}


def order_body(side: str) -> str:
    return json.dumps({"instId": "BTC-USDT", "tdMode": "cash", "side": side, "ordType": "limit",
                       "px": "30000", "sz": "0.001"})


def wrk_script(requests: list[tuple[dict[str, str], str]], path: Path, delay_ms: float = 0) -> None:
    """A wrk Lua script that cycles through pre-signed requests (signatures stay valid for 30 s); with
    `delay_ms`, each connection pauses that long before each request, which paces the whole run."""
    lines = ["local reqs = {}"]
    for i, (headers, body) in enumerate(requests, 1):
        hdr = ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items())
        lines.append(f"reqs[{i}] = wrk.format('POST', '{PATH}', {{{hdr}}}, [[{body}]])")
    lines += ["local n = 0", "request = function()", f"  n = n % {len(requests)} + 1", "  return reqs[n]", "end"]
    if delay_ms:
        lines += ["delay = function()", f"  return {delay_ms:.3f}", "end"]
    path.write_text("\n".join(lines))


def run_wrk(url: str, script: Path, seconds: int, connections: int) -> tuple[float, str]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.MULTILINE).group(1)  # type: ignore[union-attr]  # not a "...99%" stdev share
    return rate, p99


def admin_user(url: str, token: str, name: str) -> dict:
    req = urllib.request.Request(f"{url}/admin/users", method="POST",
                                 data=json.dumps({"name": name, "fund": {"USDT": "1000000000", "BTC": "100000"}}).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--durability", choices=["fsync", "os", "none"], default="fsync")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="quintex-bench-"))
    q_port, e_port = free_port(), free_port()
    q_url, e_url = f"http://127.0.0.1:{q_port}", f"http://127.0.0.1:{e_port}"
    server = subprocess.Popen([sys.executable, "-m", "quintex.cli", "serve", "--port", str(q_port), "--data-dir",
                               str(tmp / "data"), "--rate-limits", "off", "--market", "off", "--history", "0",
                               "--durability", args.durability], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    echo = None
    try:
        wait_ready(q_url + "/api/v5/public/time")
        token = (tmp / "data" / "admin-token").read_text().strip()
        creds = [admin_user(q_url, token, "benchbuyer"), admin_user(q_url, token, "benchseller")]
        echo = subprocess.Popen([sys.executable, str(ROOT / "echo_server.py"), str(e_port), creds[0]["apiKey"],
                                 creds[0]["secretKey"], creds[0]["passphrase"]], env={**os.environ},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_ready(e_url + PATH)
        orders = [(signed(creds[0], order_body("buy")), order_body("buy")),
                   (signed(creds[1], order_body("sell")), order_body("sell"))]
        results = []
        for name, url, reqs in (
            ("signed echo (baseline)", e_url, [(signed(creds[0], order_body("buy")), order_body("buy"))]),
            ("POST /trade/order", q_url, orders),
        ):
            script = tmp / f"{len(results)}.lua"
            wrk_script(reqs, script)
            results.append((name, *run_wrk(url, script, args.seconds, args.connections)))
        peak = results[1][1]
        paced = tmp / "paced.lua"
        wrk_script(orders, paced, delay_ms=args.connections / (peak / 2) * 1000)
        half_rate, half_p99 = run_wrk(q_url, paced, args.seconds, args.connections)
    finally:
        server.terminate()
        if echo is not None:
            echo.terminate()
    print(f"{args.connections} connections, {args.seconds} s per run, durability {args.durability}, "
          "wrk -t2 on loopback (2 cores shared)")
    print(f"{'endpoint':<28}{'req/s':>10}{'p99 (wrk)':>12}")
    for name, rate, wrk_p99 in results:
        print(f"{name:<28}{rate:>10,.0f}{wrk_p99:>12}")
    print(f"{'orders / echo':<28}{results[1][1] / results[0][1]:>10.1%}")
    print(f"orders paced at half the peak (target {peak / 2:,.0f}/s, wrk delay per connection): "
          f"{half_rate:,.0f}/s, p99 {half_p99}")


if __name__ == "__main__":
    main()
