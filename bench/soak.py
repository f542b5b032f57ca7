"""Soak test: a live-market Quintex under WebSocket fan-out and REST order flow for a while.

Starts `quintex serve --market live --rate-limits off` on loopback, then for `--seconds`:

- `--subscribers` WebSocket connections (a separate process) each subscribe to `books` and `tickers`
  of every listed instrument (spot, swaps and futures); every `--check-every`th connection parses its pushes and checks that
  each books update chains (`prevSeqId` = the previous `seqId`);
- `--rest-clients` REST clients (each its own user) loop place → amend → cancel of a resting limit
  buy (half the last price) on a random spot instrument, pausing `--pace-ms` between requests.

At the end it checks every acknowledged order with `GET trade/order` (none may be missing), and
prints: requests and their HTTP/OKX codes (5xx must be 0), latency p50/p99 per minute, the
server's resident memory over time (growth after `--warmup` seconds must stay under 10 %), and the
server's own metrics (pushes sent and dropped, slow-consumer closes). All loops are bounded by the
deadline; everything stays on 127.0.0.1.

    python bench/soak.py [--seconds 600] [--subscribers 1000] [--rest-clients 64]
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import multiprocessing as mp
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import aiohttp

VERIFY_CONCURRENCY = 32
REQUEST_TIMEOUT_S = 30
STARTUP_TIMEOUT_S = 900


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    """A memory figure of /proc/PID/status in KiB: VmRSS (resident), RssAnon (its heap part), RssFile."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def admin(url: str, token: str, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(url + path, data=json.dumps(payload).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def headers(cred: dict[str, str], method: str, target: str, body: str) -> dict[str, str]:
    ts = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    mac = hmac.new(cred["secretKey"].encode(), (ts + method + target + body).encode(), hashlib.sha256)
    return {"OK-ACCESS-KEY": cred["apiKey"], "OK-ACCESS-SIGN": base64.b64encode(mac.digest()).decode(),
            "OK-ACCESS-TIMESTAMP": ts, "OK-ACCESS-PASSPHRASE": cred["passphrase"],
            "Content-Type": "application/json"}


# -- WebSocket subscribers (their own process) -----------------------------------------------------------


def subscribers_main(url: str, n: int, inst_ids: list[str], seconds: float, check_every: int,
                     out: Any) -> None:
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    out.put(asyncio.run(_subscribers(url, n, inst_ids, seconds, check_every)))


async def _subscribers(url: str, n: int, inst_ids: list[str], seconds: float, check_every: int) -> dict:
    stats: dict[str, Any] = {"messages": 0, "connected": 0, "reconnects": 0, "chain_breaks": 0,
                             "checked_updates": 0, "closes": Counter()}
    deadline = time.monotonic() + seconds
    args = [{"channel": ch, "instId": i} for i in inst_ids for ch in ("books", "tickers")]
    sub = json.dumps({"op": "subscribe", "args": args})
    async with aiohttp.ClientSession() as session:
        async def one(k: int) -> None:
            checking = k % check_every == 0
            first = True
            while time.monotonic() < deadline:
                try:
                    async with session.ws_connect(url, max_msg_size=0, heartbeat=None) as ws:
                        stats["connected"] += 1
                        if not first:
                            stats["reconnects"] += 1
                        first = False
                        await ws.send_str(sub)
                        last: dict[str, int] = {}
                        while True:
                            left = deadline - time.monotonic()
                            if left <= 0:
                                return
                            try:
                                msg = await ws.receive(timeout=min(left, 25))
                            except TimeoutError:
                                await ws.send_str("ping")
                                continue
                            if msg.type is not aiohttp.WSMsgType.TEXT:
                                stats["closes"][str(ws.close_code)] += 1
                                break
                            stats["messages"] += 1
                            if checking and msg.data.startswith('{"arg":{"channel":"books"'):
                                push = json.loads(msg.data)
                                data = push["data"][0]
                                inst = push["arg"]["instId"]
                                if push.get("action") == "update":
                                    stats["checked_updates"] += 1
                                    if data["prevSeqId"] != last.get(inst):
                                        stats["chain_breaks"] += 1
                                last[inst] = data["seqId"]
                except (aiohttp.ClientError, OSError):
                    stats["closes"]["connect-error"] += 1
                    await asyncio.sleep(1)

        tasks = []
        for k in range(n):
            tasks.append(asyncio.create_task(one(k)))
            if k % 50 == 49:
                await asyncio.sleep(0.2)
        await asyncio.gather(*tasks)
    stats["closes"] = dict(stats["closes"])
    return stats


# -- REST clients ---------------------------------------------------------------------------------------


class Rest:
    def __init__(self, base: str, markets: dict[str, dict[str, Decimal]], started: float) -> None:
        self.base = base
        self.markets = markets
        self.started = started
        self.http = Counter[str]()
        self.codes = Counter[str]()
        self.latency: dict[int, list[float]] = defaultdict(list)
        """Seconds per request, by minute of the run."""
        self.acked: list[tuple[dict[str, str], str, str]] = []
        """(credentials, instId, ordId) of every order whose placement was acknowledged."""
        self.errors = Counter[str]()

    async def call(self, session: aiohttp.ClientSession, cred: dict[str, str], method: str, path: str,
                   body: Any = None) -> dict[str, Any] | None:
        text = json.dumps(body) if body is not None else ""
        start = time.monotonic()
        try:
            async with session.request(method, self.base + path, data=text or None,
                                       headers=headers(cred, method, path, text)) as resp:
                payload = await resp.json(content_type=None)
                status = resp.status
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            self.errors[type(exc).__name__] += 1
            return None
        elapsed = time.monotonic() - start
        self.latency[int((start - self.started) // 60)].append(elapsed)
        self.http[str(status)] += 1
        code = payload.get("code", "?") if isinstance(payload, dict) else "?"
        if code in ("1", "2"):
            code = "s" + str(payload["data"][0].get("sCode"))
        self.codes[code] += 1
        return payload

    async def client(self, cred: dict[str, str], deadline: float, pace_s: float, seed: int) -> None:
        rng = random.Random(seed)
        inst_ids = list(self.markets)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while time.monotonic() < deadline:
                inst_id = rng.choice(inst_ids)
                m = self.markets[inst_id]
                px = (m["last"] * Decimal("0.5") * Decimal(1 + rng.random() / 10)).quantize(m["tick"], ROUND_DOWN)
                sz = m["min"] * rng.randint(1, 5)
                placed = await self.call(session, cred, "POST", "/api/v5/trade/order",
                                         {"instId": inst_id, "tdMode": "cash", "side": "buy", "ordType": "limit",
                                          "px": str(px), "sz": str(sz)})
                await asyncio.sleep(pace_s)
                if not placed or placed.get("code") != "0":
                    continue
                ord_id = placed["data"][0]["ordId"]
                self.acked.append((cred, inst_id, ord_id))
                await self.call(session, cred, "POST", "/api/v5/trade/amend-order",
                                {"instId": inst_id, "ordId": ord_id, "newPx": str(px - m["tick"])})
                await asyncio.sleep(pace_s)
                await self.call(session, cred, "POST", "/api/v5/trade/cancel-order",
                                {"instId": inst_id, "ordId": ord_id})
                await asyncio.sleep(pace_s)

    async def verify(self) -> tuple[int, int]:
        """(orders checked, orders missing): every acknowledged order must be found by GET trade/order."""
        missing = 0
        queue = list(self.acked)

        async def worker(session: aiohttp.ClientSession) -> None:
            nonlocal missing
            while queue:
                cred, inst_id, ord_id = queue.pop()
                path = f"/api/v5/trade/order?instId={inst_id}&ordId={ord_id}"
                for _ in range(3):
                    try:
                        async with session.get(self.base + path, headers=headers(cred, "GET", path, "")) as resp:
                            found = await resp.json(content_type=None)
                        break
                    except (TimeoutError, aiohttp.ClientError):
                        found = None
                if not found or found.get("code") != "0" or found["data"][0]["ordId"] != ord_id:
                    missing += 1

        async with aiohttp.ClientSession() as session:
            await asyncio.gather(*(worker(session) for _ in range(VERIFY_CONCURRENCY)))
        return len(self.acked), missing


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def scrape(base: str) -> dict[str, float]:
    from prometheus_client.parser import text_string_to_metric_families
    with urllib.request.urlopen(base + "/metrics", timeout=30) as resp:
        text = resp.read().decode()
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if not s.labels:
                out[s.name] = s.value
    return out


async def main_async(args: argparse.Namespace, base: str, token: str, pid: int) -> dict[str, Any]:
    inst = get_json(base + "/api/v5/public/instruments?instType=SPOT")["data"]
    markets: dict[str, dict[str, Decimal]] = {}
    for i in inst:
        ticker = get_json(base + f"/api/v5/market/ticker?instId={i['instId']}")["data"][0]
        last = ticker["last"] or ticker["bidPx"] or ticker["askPx"]  # an instrument may not have traded yet
        if not last:
            continue
        markets[i["instId"]] = {"tick": Decimal(i["tickSz"]), "min": Decimal(i["minSz"]), "last": Decimal(last)}
    all_ids = [i["instId"] for kind in ("SPOT", "SWAP", "FUTURES")
               for i in get_json(base + f"/api/v5/public/instruments?instType={kind}")["data"]]
    creds = [admin(base, token, "/admin/users", {"name": f"soak{k}", "fund": {
        "USDT": "100000000", "USDC": "100000000", "BTC": "100000", "ETH": "1000000", "SOL": "10000000"}})
        for k in range(args.rest_clients)]

    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    ws_url = base.replace("http://", "ws://") + "/ws/v5/public"
    subs = ctx.Process(target=subscribers_main, args=(ws_url, args.subscribers, all_ids, args.seconds + 15,
                                                      args.check_every, out))
    subs.start()
    await asyncio.sleep(10)  # let the subscribers connect before the order flow starts
    started = time.monotonic()
    deadline = started + args.seconds
    rest = Rest(base, markets, started)
    memory: list[tuple[float, int]] = []
    anon: list[int] = []

    async def sample_memory() -> None:
        while time.monotonic() < deadline:
            memory.append((time.monotonic() - started, rss_kb(pid)))
            anon.append(rss_kb(pid, "RssAnon"))
            await asyncio.sleep(5)

    await asyncio.gather(sample_memory(), *(rest.client(c, deadline, args.pace_ms / 1000, k)
                                            for k, c in enumerate(creds)))
    metrics = scrape(base)
    checked, missing = await rest.verify()
    ws_stats = out.get(timeout=120)
    subs.join(timeout=60)
    return {"rest": rest, "memory": memory, "anon": anon, "checked": checked, "missing": missing, "ws": ws_stats,
            "metrics": metrics, "instruments": len(all_ids)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rest-clients", type=int, default=64)
    parser.add_argument("--pace-ms", type=float, default=20, help="pause of each REST client between requests")
    parser.add_argument("--check-every", type=int, default=10,
                        help="every Nth WebSocket connection checks its books seqId chains")
    parser.add_argument("--warmup", type=float, default=60, help="seconds before the memory baseline: past the point where the bounded memories are full "
                             "(the core remembers 100,000 finished orders; docs/benchmarks.md)")
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115
        server = subprocess.Popen([sys.executable, "-m", "quintex.cli", "serve", "--port", str(port), "--data-dir",
                                   str(data), "--market", "live", "--rate-limits", "off"],
                                  stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            ready_by = time.monotonic() + STARTUP_TIMEOUT_S  # a new data dir first generates the market history
            while time.monotonic() < ready_by and server.poll() is None:
                try:
                    get_json(base + "/readyz")
                    break
                except OSError:
                    time.sleep(0.5)
            token = (data / "admin-token").read_text().strip()
            result = asyncio.run(main_async(args, base, token, server.pid))
        finally:
            server.terminate()
            code = server.wait(timeout=60)
            log.close()
            tail = (Path(tmp) / "server.log").read_text(errors="replace").splitlines()
            errors = [line for line in tail if " ERROR " in line or "Traceback" in line or "CRITICAL" in line]
    return report(args, result, code, errors)


def report(args: argparse.Namespace, r: dict[str, Any], exit_code: int, errors: list[str]) -> int:
    rest: Rest = r["rest"]
    total = sum(rest.http.values())
    five = sum(n for status, n in rest.http.items() if status.startswith("5"))
    print(f"## Soak: {args.seconds:.0f} s, {args.subscribers} WebSocket subscribers (books + tickers of all "
          f"{r['instruments']} instruments), {args.rest_clients} REST clients, pace {args.pace_ms:.0f} ms, {os.cpu_count()} CPUs\n")
    print(f"REST requests: {total} ({total / args.seconds:.0f}/s); HTTP {dict(rest.http)}; 5xx: {five}; "
          f"client errors: {dict(rest.errors) or 0}")
    print(f"OKX codes: {dict(rest.codes)}")
    print(f"acknowledged orders: {r['checked']}, missing afterwards: {r['missing']}\n")
    print("| minute | requests | p50 ms | p99 ms |\n|---|---|---|---|")
    for minute in sorted(rest.latency):
        lat = rest.latency[minute]
        print(f"| {minute} | {len(lat)} | {pct(lat, 0.5) * 1000:.1f} | {pct(lat, 0.99) * 1000:.1f} |")
    memory = r["memory"]
    base = next((kb for t, kb in memory if t >= args.warmup), memory[0][1] if memory else 0)
    last = memory[-1][1] if memory else 0
    growth = (last - base) / base * 100 if base else float("nan")
    print(f"\nserver RSS: start {memory[0][1] / 1024:.0f} MiB, after {args.warmup:.0f} s warm-up "
          f"{base / 1024:.0f} MiB, end {last / 1024:.0f} MiB, growth after warm-up {growth:+.1f} %")
    print("RSS samples (s: MiB, of it anonymous): " + ", ".join(
        f"{t:.0f}: {kb / 1024:.0f} ({anon / 1024:.0f})" for (t, kb), anon in list(zip(memory, r["anon"], strict=True))[::12]))
    ws = r["ws"]
    print(f"\nWebSocket: {ws['connected']} connections made ({ws['reconnects']} reconnects), {ws['messages']} "
          f"messages received ({ws['messages'] / (args.seconds + 10):.0f}/s), closes {ws['closes']}, "
          f"books updates checked {ws['checked_updates']}, seqId chain breaks {ws['chain_breaks']}")
    m = r["metrics"]
    print(f"server metrics: pushes sent {m.get('quintex_ws_pushes_sent_total', 0):.0f}, dropped "
          f"{m.get('quintex_ws_pushes_dropped_total', 0):.0f}, slow-consumer closes "
          f"{m.get('quintex_ws_slow_consumer_closes_total', 0):.0f}, sequencer batches "
          f"{m.get('quintex_sequencer_batches_total', 0):.0f}, sim steps {m.get('quintex_sim_steps_total', 0):.0f}, "
          f"orders resting {m.get('quintex_orders_resting', 0):.0f}, positions open "
          f"{m.get('quintex_positions_open', 0):.0f}")
    print(f"server exit code {exit_code}; error lines in its log: {len(errors)}")
    for line in errors[:5]:
        print("  " + line)
    ok = five == 0 and r["missing"] == 0 and growth < 10 and exit_code == 0
    p99s = [pct(v, 0.99) for _, v in sorted(rest.latency.items())[1:-1] if len(v) > 100]
    if p99s:
        print(f"p99 across full minutes: min {min(p99s) * 1000:.1f} ms, median "
              f"{statistics.median(p99s) * 1000:.1f} ms, max {max(p99s) * 1000:.1f} ms")
    print("\nPASS" if ok else "\nFAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
