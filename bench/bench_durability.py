"""Signed REST orders per second under each journal durability policy, in one run: a Quintex server
per policy (fresh data dir, SQLite store), wrk with 64 connections cycling pre-signed
`POST /api/v5/trade/order` requests (as bench_rest.py), two users alternating buy and sell at one
price so that every pair trades. Needs `wrk`.

    python bench/bench_durability.py [--seconds 10] [--connections 64] [--rounds 1] [--store URL]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_rest import admin_user, free_port, order_body, run_wrk, signed, wait_ready, wrk_script

POLICIES = ("fsync", "os", "none")


def measure(policy: str, tmp: Path, seconds: int, connections: int, store: str | None) -> tuple[float, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data = tmp / f"data-{policy}-{port}"
    extra = ["--store", store] if store else []
    log = tmp / f"server-{policy}-{port}.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "quintex.cli", "serve", "--port", str(port), "--data-dir",
                                   str(data), "--rate-limits", "off", "--durability", policy, *extra],
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_ready(url + "/api/v5/public/time")
        token = (data / "admin-token").read_text().strip()
        creds = [admin_user(url, token, "benchbuyer"), admin_user(url, token, "benchseller")]
        script = tmp / f"{policy}-{port}.lua"
        wrk_script([(signed(creds[0], order_body("buy")), order_body("buy")),
                    (signed(creds[1], order_body("sell")), order_body("sell"))], script)
        return run_wrk(url, script, seconds, connections)
    except Exception:
        sys.stderr.write(log.read_text())
        raise
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=1, help="repeat the three policies, report medians")
    parser.add_argument("--store", help="a postgresql:// URL instead of SQLite (its tables are shared: use an "
                                        "empty database or schema)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="quintex-bench-durability-"))
    runs: dict[str, list[tuple[float, str]]] = {p: [] for p in POLICIES}
    for _ in range(args.rounds):
        for policy in POLICIES:
            if args.store:
                _reset_postgres(args.store)
            runs[policy].append(measure(policy, tmp, args.seconds, args.connections, args.store))
    store = "PostgreSQL" if args.store else "SQLite (WAL)"
    print(f"signed POST /api/v5/trade/order, {args.connections} connections, {args.seconds} s per run, "
          f"{args.rounds} round(s), store {store}, wrk -t2 on loopback (2 cores shared)")
    print(f"{'durability':<12}{'orders/s':>10}{'p99 (wrk)':>12}{'vs none':>10}")
    best = {p: sorted(r)[len(r) // 2] for p, r in runs.items()}
    for policy in POLICIES:
        rate, p99 = best[policy]
        print(f"{policy:<12}{rate:>10,.0f}{p99:>12}{rate / best['none'][0]:>10.1%}")
    shutil.rmtree(tmp, ignore_errors=True)


def _reset_postgres(url: str) -> None:
    import psycopg
    with psycopg.connect(url, autocommit=True) as db:
        tables = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                            "AND tablename LIKE 'quintex_%'").fetchall()
        for (table,) in tables:
            db.execute(f"DROP TABLE {table}")


if __name__ == "__main__":
    main()
