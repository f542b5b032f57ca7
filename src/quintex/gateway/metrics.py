"""Operator endpoints: `GET /metrics` (Prometheus text format), `GET /healthz`, `GET /readyz`.

Each app has its own `CollectorRegistry` (several apps in one test process do not collide). On the
request path the metrics middleware only increments cached counter children and observes one
histogram; everything else — WebSocket connections and subscriptions, the sequencer's batches and
queue, the journal, resting orders and open positions, the simulator — is read when Prometheus scrapes, the exchange's
state through `runtime.query` (the durable state, like every other gateway read).
"""
from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector

from quintex.core.enums import InstState, InstType
from quintex.runtime.query import State
from quintex.runtime.sequencer import Runtime
from quintex.runtime.stats import Distribution

from .faults import KINDS, FaultSet
from .keys import RUNTIME
from .responses import json_response

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

METRICS_PATH = "/metrics"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
WS_PREFIX = "/ws/"
FULL_DEPTH = 1_000_000
DERIVATIVES = (InstType.SWAP, InstType.FUTURES)
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_CODE = re.compile(rb'\{"code":"(\d{1,6})"')
MAX_CODE_SCAN = 64


class Metrics:
    """The app's registry: request counters updated by the middleware, the rest collected at scrape."""

    def __init__(self, runtime: Runtime, faults: FaultSet, operator: object | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.runtime = runtime
        self.faults = faults
        self.operator = operator
        self.ws: Any = None
        """The WebSocket service (set once it is registered)."""
        self.requests = Counter("quintex_http_requests", "HTTP requests answered, by route, method and status",
                                ("route", "method", "status"), registry=self.registry)
        self.answers = Counter("quintex_okx_answers", "OKX envelope codes answered on /api/v5, by route",
                               ("route", "code"), registry=self.registry)
        self.latency = Histogram("quintex_http_request_duration_seconds",
                                 "Time from the request to its answer, by route", ("route",),
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self._children: dict[tuple[str, ...], Any] = {}
        self._scraped = _StateFigures()
        self.registry.register(_Scraped(self))

    def observe(self, route: str, method: str, status: str, code: str | None, seconds: float) -> None:
        children = self._children
        key = (route, method, status, code or "")
        found = children.get(key)
        if found is None:
            found = children[key] = (
                self.requests.labels(route, method, status),
                self.answers.labels(route, code) if code is not None else None,
                self.latency.labels(route),
            )
        requests, answers, latency = found
        requests.inc()
        if answers is not None:
            answers.inc()
        latency.observe(seconds)

    async def render(self) -> bytes:
        """The text exposition, with the state gauges read through the query port first."""
        try:
            self._scraped = await self.runtime.query(_state_gauges)
        except Exception:  # noqa: BLE001 - a halted runtime still has metrics worth scraping
            self._scraped = _StateFigures()
        return generate_latest(self.registry)


@dataclass(frozen=True, slots=True)
class _StateFigures:
    """What a scrape reads of the exchange's state (all zero while the runtime cannot answer)."""

    orders_resting: int = 0
    positions_open: int = 0
    seq: int = 0
    open_interest: tuple[tuple[str, float], ...] = ()
    """(instId, contracts held long) of each live swap and future."""


def _state_gauges(state: State) -> _StateFigures:
    resting = 0
    for inst_id in state.instruments:
        bids, asks = state.book(inst_id, FULL_DEPTH)
        resting += sum(level.count for level in bids) + sum(level.count for level in asks)
    contracts = [inst_id for inst_id, inst in state.instruments.items()
                 if inst.inst_type in DERIVATIVES and inst.state is InstState.LIVE]
    oi = tuple((row.inst_id, float(row.oi)) for row in state.open_interest(contracts))
    return _StateFigures(resting, state.positions_open(), state.seq, oi)


def _histogram(name: str, doc: str, dist: Distribution) -> HistogramMetricFamily:
    return HistogramMetricFamily(name, doc, buckets=dist.cumulative(), sum_value=dist.sum)


class _Scraped(Collector):
    """Everything computed when scraped."""

    def __init__(self, metrics: Metrics) -> None:
        self.m = metrics

    def collect(self) -> Iterator[Metric]:
        m = self.m
        runtime = m.runtime
        stats = runtime.stats
        yield from self._ws()
        yield GaugeMetricFamily("quintex_sequencer_queue_depth", "Jobs waiting for the sequencer",
                                value=runtime.queue_depth)
        yield GaugeMetricFamily("quintex_sequencer_batches_in_flight", "Batches applied, not yet durable",
                                value=runtime.in_flight)
        yield CounterMetricFamily("quintex_sequencer_batches", "Batches applied", value=stats.batches)
        yield _histogram("quintex_sequencer_batch_size", "Commands per sequencer batch", stats.batch_sizes)
        applied = CounterMetricFamily("quintex_commands_applied", "Commands applied, by type", labels=("type",))
        for name, n in sorted(stats.applied.items()):
            applied.add_metric((name,), n)
        yield applied
        yield _histogram("quintex_journal_commit_seconds", "From a batch handed to the journal to durable",
                         stats.commit_seconds)
        journal = runtime.journal
        yield CounterMetricFamily("quintex_journal_bytes", "Bytes of encoded commands journaled",
                                  value=getattr(journal, "bytes_appended", 0))
        yield GaugeMetricFamily("quintex_snapshot_age_seconds", "Seconds since the last snapshot",
                                value=getattr(journal, "snapshot_age_s", 0.0))
        yield GaugeMetricFamily("quintex_runtime_up", "1 while the runtime accepts commands",
                                value=1.0 if runtime.accepting else 0.0)
        scraped = m._scraped
        yield GaugeMetricFamily("quintex_orders_resting", "Orders resting in the books (durable state)",
                                value=scraped.orders_resting)
        yield GaugeMetricFamily("quintex_positions_open", "Positions holding contracts (durable state)",
                                value=scraped.positions_open)
        oi = GaugeMetricFamily("quintex_open_interest_contracts",
                               "Contracts held open (long side) of each live swap and future", labels=("inst_id",))
        for inst_id, contracts in scraped.open_interest:
            oi.add_metric((inst_id,), contracts)
        yield oi
        yield GaugeMetricFamily("quintex_durable_seq", "Commands applied and durable (the state's seq)",
                                value=scraped.seq)
        steps = getattr(m.operator, "steps", None)
        if isinstance(steps, int):
            yield CounterMetricFamily("quintex_sim_steps", "Simulated market steps", value=steps)
        injected = CounterMetricFamily("quintex_faults_injected", "Injected faults, by kind", labels=("kind",))
        for kind in KINDS:
            injected.add_metric((kind,), m.faults.injected[kind])
        yield injected
        yield GaugeMetricFamily("quintex_faults_active", "Faults configured now", value=len(m.faults.active()))

    def _ws(self) -> Iterator[Metric]:
        ws = self.m.ws
        if ws is None:
            return
        conns = GaugeMetricFamily("quintex_ws_connections", "Open WebSocket connections, by endpoint",
                                  labels=("service",))
        for service, n in ws.clients().items():
            conns.add_metric((service,), n)
        yield conns
        subs = GaugeMetricFamily("quintex_ws_subscriptions", "WebSocket subscriptions, by channel",
                                 labels=("channel",))
        per_channel: dict[str, int] = {}
        for topic in ws.subscriptions.topics.values():
            name = topic.channel.name
            per_channel[name] = per_channel.get(name, 0) + len(topic.subscribers)
        for name, n in sorted(per_channel.items()):
            subs.add_metric((name,), n)
        yield subs
        stats = ws.stats
        yield CounterMetricFamily("quintex_ws_connections_opened", "WebSocket connections accepted",
                                  value=stats.opened)
        yield CounterMetricFamily("quintex_ws_pushes_sent", "WebSocket frames written", value=stats.sent)
        yield CounterMetricFamily("quintex_ws_pushes_sent_bytes", "Bytes of WebSocket frames written",
                                  value=stats.sent_bytes)
        yield CounterMetricFamily("quintex_ws_pushes_dropped",
                                  "WebSocket frames not delivered (connection closing or too slow)",
                                  value=stats.dropped)
        yield CounterMetricFamily("quintex_ws_slow_consumer_closes", "Connections closed with 4005 (buffer full)",
                                  value=stats.slow_closes)


METRICS = web.AppKey("metrics", Metrics)


def _route(request: web.Request) -> str:
    info = request.match_info
    route = info.route if info is not None else None
    resource = route.resource if route is not None else None
    if resource is None:
        return "/api/v5/*" if request.path.startswith("/api/v5") else "other"
    return resource.canonical


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count every answer by route, status and OKX code; time it. WebSocket sessions are not requests."""
    path = request.path
    if path.startswith(WS_PREFIX) or path == METRICS_PATH:
        return await handler(request)
    start = time.perf_counter()
    try:
        response = await handler(request)
    except BaseException:
        request.app[METRICS].observe(_route(request), request.method, "error", None, time.perf_counter() - start)
        raise
    status = "dropped" if request.get("fault_dropped") else str(response.status)
    code = None
    if path.startswith("/api/v5") and isinstance(response, web.Response):
        body = response.body
        if isinstance(body, bytes | bytearray):
            match = _CODE.match(body, 0, MAX_CODE_SCAN)
            if match is not None:
                code = match[1].decode()
    request.app[METRICS].observe(_route(request), request.method, status, code, time.perf_counter() - start)
    return response


async def metrics(request: web.Request) -> web.StreamResponse:
    body = await request.app[METRICS].render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def healthz(request: web.Request) -> web.StreamResponse:
    """The process is alive and serving HTTP."""
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.StreamResponse:
    """Ready: recovered and started, the journal writable (the runtime has not halted), accepting orders
    (not stopping, no maintenance window). 200 when all hold, else 503; the checks in the body."""
    runtime = request.app[RUNTIME]
    faults = request.app[METRICS].faults
    checks = {
        "recovered": runtime.accepting or runtime.halted,
        "journal": not runtime.halted,
        "accepting_orders": runtime.accepting and not faults.maintenance(),
    }
    ready = all(checks.values())
    return json_response({"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503)


def register_metrics(app: web.Application, metrics_: Metrics) -> None:
    app[METRICS] = metrics_
    app.router.add_get(METRICS_PATH, metrics, allow_head=False)
    app.router.add_get(HEALTH_PATH, healthz, allow_head=False)
    app.router.add_get(READY_PATH, readyz, allow_head=False)
