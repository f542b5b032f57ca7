"""`quintex serve`: wire the engine, read models, runtime and web app together and serve."""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from aiohttp import web

from quintex.core.commands import ListCurrency, ListInstrument, ListOptionSeries
from quintex.core.events import CommandRejected
from quintex.gateway.accesslog import AccessLog
from quintex.gateway.app import create_app
from quintex.history import History
from quintex.journal.store import Store
from quintex.marketdata import STORED_HISTORY_NEEDS, MarketData
from quintex.runtime.clock import wall_ms
from quintex.runtime.sequencer import Runtime
from quintex.sim.history import gap_funding, history_end
from quintex.sim.replay import ReplayError
from quintex.web import WEB_ROOT

from .admintoken import TOKEN_FILE, ensure_admin_token
from .durable import close_durable, open_durable
from .errors import CliError
from .listing import Listing, load_listing
from .livemarket import make_clock, market_config, running_market
from .malloc import fix_mmap_threshold
from .markethistory import bridge_gap, generate_history, listed_instruments, option_listings, seed_market_data
from .storedhistory import RECENT_HISTORY_NEEDS, RECENT_PER_USER, RECENT_TOTAL, StoredHistory
from .storedmarket import StoredMarket
from .tls import TlsFiles, local_ca, server_context

log = logging.getLogger("quintex")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_TLS_PORT = 8443
DEFAULT_DATA_DIR = "./quintex-data"
SHUTDOWN_TIMEOUT_S = 5.0
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def serve(args: argparse.Namespace) -> int:
    """Run the server until SIGTERM/SIGINT; 0 after a clean stop, 1 if the exchange halted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    fix_mmap_threshold()
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(_serve(args))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


async def _serve(args: argparse.Namespace) -> int:
    stop = _stop_on_signals()
    token = _prepare_data_dir(Path(args.data_dir))
    access_sink = _access_sink(getattr(args, "access_log", None))
    listing = load_listing(args.instruments)
    market_data, history = MarketData(), History(cap_per_user=RECENT_PER_USER, total_cap=RECENT_TOTAL)
    durable = open_durable(args, [(market_data, STORED_HISTORY_NEEDS), (history, RECENT_HISTORY_NEEDS)],
                           _history_preparer(args, listing, market_data))
    engine = durable.engine
    clock = make_clock(args.clock, engine.last_ts)
    runtime = Runtime(engine, clock, [market_data, history], journal=durable.journal)
    reader = durable.journal.store.history_reader()
    market_reader = durable.journal.store.market_reader()
    await runtime.start()
    try:
        await _list(runtime, listing)
        async with running_market(args, runtime, engine, clock) as market:
            app = create_app(runtime, admin_token=token, rate_limits=args.rate_limits == "okx",
                             market_data=StoredMarket(market_data, market_reader),
                             history=StoredHistory(history, reader, runtime.now_ms), operator=market,
                             web_root=WEB_ROOT, access_log=AccessLog(access_sink))
            await _serve_http(app, args, stop)
    finally:
        await runtime.stop()
        reader.close()
        market_reader.close()
        if access_sink is not None and access_sink is not sys.stderr:
            access_sink.close()
        await close_durable(durable, runtime.halted)
    log.info("stopped")
    return 1 if runtime.halted else 0


def _history_preparer(args: argparse.Namespace, listing: Sequence[Listing],
                      market_data: MarketData) -> Callable[[Store], None]:
    """On a new store, generate the market history (`--history`, with `--market off` too: it ends at the
    config's start prices, where the quiet market's index prices stand); at every start, seed the read model
    with the newest of it."""
    def prepare(store: Store) -> None:
        span = getattr(args, "history", 0)
        new = store.last_seq() == 0 and not store.snapshots() and store.market_history_end() is None
        instruments = listed_instruments(listing, wall_ms())
        if new and span > 0:
            end = history_end(wall_ms())
            config = market_config(args)
            try:
                seconds = generate_history(store, config, instruments, end, span,
                                           dict(getattr(args, "history_from", [])), progress=sys.stderr.isatty(),
                                           options=option_listings(listing))
            except ReplayError as exc:
                raise CliError(str(exc)) from None
            last = end
            while (bridged := bridge_gap(store, config, instruments, last, wall_ms())) > last:
                log.info("bridged the %d minutes that passed while generating", (bridged - last) // 60_000)
                last = bridged
            store.put_market_history([], [], funding=[(inst_id, time, str(rate)) for inst_id, time, rate
                                                      in gap_funding(instruments, end, wall_ms())])
            log.info("generated %g days of market history in %.1f s", span / 86_400_000, seconds)
        seeded = seed_market_data(store, market_data, instruments)
        if seeded:
            log.info("seeded the market data with %d trades of the stored history", seeded)
    return prepare


def add_access_log_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--access-log", metavar="FILE",
                        help="append one JSON line per REST request and WebSocket op (time, remote, uid, method, "
                             "path, status, OKX code, latency) to FILE, or to stderr with -; errors are counted "
                             "for `quintex status` either way")


def _access_sink(target: str | None) -> IO[str] | None:
    if target is None:
        return None
    if target == "-":
        return sys.stderr
    try:
        return open(target, "a", encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot open the access log {target}: {exc.strerror or exc}") from None


def _prepare_data_dir(data_dir: Path) -> str:
    """Create the data dir if needed; the admin token kept in it."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        return ensure_admin_token(data_dir)
    except OSError as exc:
        raise CliError(f"cannot use the data dir {data_dir}: {exc}") from None


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _list(runtime: Runtime, listing: Sequence[Listing]) -> None:
    """Submit the listing commands for whatever the engine does not list yet."""
    currencies, instruments, series, options = await runtime.query(
        lambda state: (set(state.currencies), set(state.instruments), set(state.futures_series),
                       set(state.option_series)))

    def listed(cmd: Listing) -> bool:
        if isinstance(cmd, ListCurrency):
            return cmd.currency.ccy in currencies
        if isinstance(cmd, ListInstrument):
            return cmd.instrument.inst_id in instruments
        if isinstance(cmd, ListOptionSeries):
            return cmd.series.inst_family in options
        return cmd.series.inst_family in series

    missing = [cmd for cmd in listing if not listed(cmd)]
    for cmd, events in zip(missing, await runtime.submit_many(missing), strict=True):
        if isinstance(events[0], CommandRejected):
            raise CliError(f"cannot list {cmd}: {events[0].reject.value} {events[0].detail}".rstrip())
    log.info("listed %d currencies, instruments and futures series", len(missing))


async def _serve_http(app: web.Application, args: argparse.Namespace, stop: asyncio.Event) -> None:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, args.host, args.port).start()
        except OSError as exc:
            raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
        tls = _tls_files(args)
        if tls is not None:
            await _listen_tls(runner, args, tls)
        _announce(args)
        if tls is not None:
            _announce_tls(args, tls)
        await stop.wait()
        log.info("signal received: refusing new connections, finishing requests in flight")
    finally:
        await runner.cleanup()


def _announce(args: argparse.Namespace) -> None:
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{args.port}"
    options = "" if url == f"http://{DEFAULT_HOST}:{DEFAULT_PORT}" else f" --server {url}"
    if args.data_dir != DEFAULT_DATA_DIR:
        options += f" --data-dir {args.data_dir}"
    lines = [
        f"Quintex is serving the OKX API v5 at {url}  (REST: {url}/api/v5/...)",
        f"WebSocket: ws://{host}:{args.port}/ws/v5/public, /ws/v5/private, /ws/v5/business",
        f"Web terminal and operator console: {url}/",
        f"Admin token: {Path(args.data_dir) / TOKEN_FILE}",
        f"Create a user: quintex user add alice --fund USDT=100000 --fund BTC=10 --json{options}",
        "Stop with Ctrl-C (or SIGTERM).",
    ]
    print("\n".join(lines), flush=True)
    if args.host not in LOOPBACK:
        log.warning("listening on %s: the API is reachable from other machines", args.host)


def _tls_files(args: argparse.Namespace) -> TlsFiles | None:
    """The operator's certificate, the data dir's local CA (`--tls`), or None without TLS."""
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            raise CliError("--tls-cert and --tls-key must be given together")
        return TlsFiles(args.tls_cert, args.tls_key, None)
    return local_ca(Path(args.data_dir)) if args.tls else None


async def _listen_tls(runner: web.AppRunner, args: argparse.Namespace, files: TlsFiles) -> None:
    try:
        await web.TCPSite(runner, args.host, args.tls_port, ssl_context=server_context(files)).start()
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.tls_port}: {exc.strerror or exc}") from None


def _announce_tls(args: argparse.Namespace, files: TlsFiles) -> None:
    host = f"[{args.host}]" if ":" in args.host else args.host
    lines = [f"TLS: https://{host}:{args.tls_port}/api/v5/...  wss://{host}:{args.tls_port}/ws/v5/..."]
    if files.ca is not None:
        ca = files.ca.resolve()
        lines.append(f"python-okx trusts it with SSL_CERT_FILE={ca}; ccxt (and freqtrade's ccxt_config) need "
                     f'"verify": "{ca}", "validateServerSsl": "{ca}", "cafile": "{ca}" (docs/bots.md)')
    print("\n".join(lines), flush=True)
