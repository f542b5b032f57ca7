"""Where a live-market server's memory goes under order flow: tracemalloc snapshots and RSS over time.

Starts `quintex serve --market live --rate-limits off` on loopback with `tracemalloc` on (one frame
per allocation), runs `--rest-clients` REST clients that loop place → amend → cancel (the soak's
loop, `bench/soak.py`) and `--subscribers` WebSocket subscribers to books and tickers of every
instrument, and every `--every` seconds has the server take a snapshot. It prints the RSS and the
traced total at each snapshot, then the allocation sites (file:line) that grew most between the
first snapshot (after `--warmup` seconds) and the last, with the bytes per finished REST order.

    python bench/memprobe.py [--seconds 240] [--rest-clients 16] [--subscribers 20] [--every 60]

tracemalloc slows the server (roughly 2x), so rates are lower than the soak's; the point is which
sites grow with orders finished and which stop growing.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import soak

TOP = 25


def child(snap_dir: str, argv: list[str]) -> int:
    """The server process: tracemalloc on, a snapshot whenever `take-N` appears in `snap_dir`."""
    tracemalloc.start(1)

    def watch() -> None:
        n = 0
        while True:
            request = Path(snap_dir) / f"take-{n}"
            if request.exists():
                tracemalloc.take_snapshot().dump(str(Path(snap_dir) / f"snap-{n}.tmp"))
                os.replace(Path(snap_dir) / f"snap-{n}.tmp", Path(snap_dir) / f"snap-{n}")
                n += 1
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()
    from quintex.cli.__main__ import main as quintex_main
    return quintex_main(argv)


def snapshot(snap_dir: Path, n: int) -> tracemalloc.Snapshot:
    (snap_dir / f"take-{n}").touch()
    path = snap_dir / f"snap-{n}"
    while not path.exists():
        time.sleep(0.2)
    return tracemalloc.Snapshot.load(str(path))


async def load(args: argparse.Namespace, base: str, token: str, pid: int, snap_dir: Path) -> None:
    inst = soak.get_json(base + "/api/v5/public/instruments?instType=SPOT")["data"]
    markets: dict[str, dict[str, Decimal]] = {}
    for i in inst:
        ticker = soak.get_json(base + f"/api/v5/market/ticker?instId={i['instId']}")["data"][0]
        last = ticker["last"] or ticker["bidPx"] or ticker["askPx"]
        if last:
            markets[i["instId"]] = {"tick": Decimal(i["tickSz"]), "min": Decimal(i["minSz"]), "last": Decimal(last)}
    all_ids = [i["instId"] for kind in ("SPOT", "SWAP", "FUTURES")
               for i in soak.get_json(base + f"/api/v5/public/instruments?instType={kind}")["data"]]
    creds = [soak.admin(base, token, "/admin/users", {"name": f"probe{k}", "fund": {
        "USDT": "100000000", "USDC": "100000000", "BTC": "100000", "ETH": "1000000", "SOL": "10000000"}})
        for k in range(args.rest_clients)]
    started = time.monotonic()
    deadline = started + args.seconds
    rest = soak.Rest(base, markets, started)
    subs = asyncio.create_task(soak._subscribers(base.replace("http://", "ws://") + "/ws/v5/public",
                                                 args.subscribers, all_ids, args.seconds, 10**9))
    rows: list[tuple[float, int, int, tracemalloc.Snapshot]] = []

    async def sample() -> None:
        await asyncio.sleep(args.warmup)
        n = 0
        while True:
            snap = await asyncio.to_thread(snapshot, snap_dir, n)
            rows.append((time.monotonic() - started, len(rest.acked), soak.rss_kb(pid), snap))
            n += 1
            if time.monotonic() + args.every > deadline:
                return
            await asyncio.sleep(args.every)

    await asyncio.gather(sample(), *(rest.client(c, deadline, 0, k) for k, c in enumerate(creds)))
    await subs
    report(rows)


def report(rows: list[tuple[float, int, int, tracemalloc.Snapshot]]) -> None:
    print("| s | REST orders finished | RSS MiB | traced MiB |\n|---|---|---|---|")
    for t, orders, rss, snap in rows:
        traced = sum(s.size for s in snap.statistics("filename"))
        print(f"| {t:.0f} | {orders} | {rss / 1024:.1f} | {traced / 2**20:.1f} |")
    (_, o0, _, first), (_, o1, _, last) = rows[0], rows[-1]
    orders = max(1, o1 - o0)
    print(f"\nTop growth by file:line between the first and last snapshot ({o1 - o0} REST orders finished):\n")
    print("| site | grew KiB | bytes per order | size at end KiB | blocks at end |\n|---|---|---|---|---|")
    for stat in last.compare_to(first, "lineno")[:TOP]:
        frame = stat.traceback[0]
        where = f"{frame.filename.split('/src/')[-1].split('/lib/')[-1]}:{frame.lineno}"
        print(f"| {where} | {stat.size_diff / 1024:+.0f} | {stat.size_diff / orders:.0f} | {stat.size / 1024:.0f} "
              f"| {stat.count} |")


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--serve-child":
        return child(sys.argv[2], sys.argv[3:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=240)
    parser.add_argument("--rest-clients", type=int, default=16)
    parser.add_argument("--subscribers", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=30, help="seconds before the first snapshot")
    parser.add_argument("--every", type=float, default=60, help="seconds between snapshots")
    parser.add_argument("--history", default="0", help="the server's --history (generated market history)")
    args = parser.parse_args()
    port = soak.free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        data, snaps = Path(tmp) / "data", Path(tmp) / "snaps"
        snaps.mkdir()
        with open(Path(tmp) / "server.log", "wb") as log:
            server = subprocess.Popen(
                [sys.executable, __file__, "--serve-child", str(snaps), "serve", "--port", str(port), "--data-dir",
                 str(data), "--market", "live", "--rate-limits", "off", "--history", args.history],
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
            try:
                for _ in range(3000):
                    try:
                        soak.get_json(base + "/readyz")
                        break
                    except OSError:
                        time.sleep(0.1)
                token = (data / "admin-token").read_text().strip()
                asyncio.run(load(args, base, token, server.pid, snaps))
            finally:
                server.terminate()
                server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
