"""Fault and latency injection: an operator's tool to break the exchange on purpose.

Faults live only in the gateway's memory: they are never journaled, never replayed and never
change the exchange's state (a `lost-response` fault still lets its command be applied and
journaled like any other; only the answer is lost). None is active unless an operator adds it
(`POST /admin/faults`, `quintex fault add`); clearing restores normal service at once.

Kinds (each with a scope, a probability or every-Nth, and an optional duration):

    latency        delay REST answers and WebSocket op replies by a fixed or uniform [lo, hi] ms
    error          answer an OKX error code instead of executing (the command is never submitted)
    lost-response  execute, then drop the connection without an answer
    ws-drop        close matching WebSocket connections (OKX's 64008 notice, then close 1001), now
                   or at random (probability per connection per second)
    ws-delay       delay the pushes of a channel (order kept per subscription)
    maintenance    a maintenance window from now for --duration seconds: system/status and the
                   `status` channel show it; order entry (place, amend) answers 50001 meanwhile

A REST request's scope is its path (`--path`, with or without `/api/v5/`, `*` a wildcard); a
WebSocket request's its op (`--op`); pushes and connections their channel (`--channel`); any of
them a user (`--user`). An unscoped fault matches everything its kind applies to.

Random draws come from each fault's own `random.Random` (seeded with `seed` when given), so a test
can make a probabilistic fault deterministic.
"""
from __future__ import annotations

import asyncio
import math
import random
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from quintex.okx.errors import OkxError

KINDS = ("latency", "error", "lost-response", "ws-drop", "ws-delay", "maintenance")
REQUEST_KINDS = frozenset({"latency", "error", "lost-response", "maintenance"})
V5 = "/api/v5/"

ERROR_ANSWERS: dict[str, tuple[int, str]] = {
    "50001": (503, "Service temporarily unavailable, please try again later."),
    "50004": (400, ("API endpoint request timeout (does not mean that the request was successful or failed, "
                    "please check the request result).")),
    "50011": (429, "Too Many Requests"),
    "50013": (429, "Systems are busy. Please try again later."),
    "50026": (500, "System error, please try again later."),
    "51054": (500, "Request timed out. Please try again."),
}
"""OKX's HTTP status and message of the codes an `error` fault usually answers; any other code is
answered with HTTP 200 and a generic message."""
DEFAULT_ERROR_CODE = "50001"
MAINTENANCE_CODE = "50001"
"""What OKX answers order entry during system maintenance (ccxt maps it to OnMaintenance:
"Matching engine upgrading")."""
ORDER_ENTRY_PATHS = frozenset({"trade/order", "trade/batch-orders", "trade/amend-order",
                               "trade/amend-batch-orders"})
ORDER_ENTRY_OPS = frozenset({"order", "batch-orders", "amend-order", "batch-amend-orders"})
DROP_CLOSE = (1001, "Service upgrade: connection closed. Please reconnect.")
DROP_NOTICE_CODE = "64008"
DROP_NOTICE_MSG = "The connection will soon be closed for a service upgrade. Please reconnect."
MAX_LATENCY_MS = 600_000
_LATENCY = re.compile(r"(\d{1,6})(?:-(\d{1,6}))?")
_CODE = re.compile(r"\d{1,6}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class FaultError(ValueError):
    """A fault spec that makes no sense (answered 400 by the operator API)."""


def error_answer(fault: Fault) -> OkxError:
    """The OKX error an `error` or `maintenance` fault answers."""
    code = MAINTENANCE_CODE if fault.kind == "maintenance" else (fault.code or DEFAULT_ERROR_CODE)
    status, msg = ERROR_ANSWERS.get(code, (200, "Injected fault: the operator made this request fail."))
    return OkxError(code, msg, status)


def path_pattern(pattern: str) -> re.Pattern[str]:
    """`trade/order`, `/api/v5/trade/*`, `*` -> a regex over the path without `/api/v5/`."""
    text = pattern.strip()
    text = text.removeprefix(V5).removeprefix(V5.rstrip("/")).lstrip("/")
    return re.compile(".*".join(re.escape(part) for part in text.split("*")))


def v5_path(path: str) -> str:
    return path[len(V5):] if path.startswith(V5) else path.lstrip("/")


def parse_latency(text: str) -> tuple[int, int]:
    match = _LATENCY.fullmatch(str(text).strip())
    if match is None:
        raise FaultError("latency must be milliseconds, e.g. 200, or a range such as 50-200")
    lo = int(match[1])
    hi = int(match[2]) if match[2] is not None else lo
    if hi < lo or hi > MAX_LATENCY_MS:
        raise FaultError(f"latency range must be LO-HI with LO <= HI <= {MAX_LATENCY_MS}")
    return lo, hi


@dataclass(eq=False)
class Fault:
    id: str
    kind: str
    path: str = ""
    op: str = ""
    channel: str = ""
    user: str = ""
    uid: int | None = None
    code: str = ""
    latency_ms: tuple[int, int] | None = None
    probability: float = 1.0
    every: int = 0
    duration_s: float | None = None
    seed: int | None = None
    created_ms: int = 0
    expires_at: float | None = None
    """On the set's monotonic clock; None: until cleared."""
    rng: random.Random = field(default_factory=random.Random, repr=False)
    seen: int = 0
    """Candidates that matched the scope."""
    hits: int = 0
    """Times the fault was injected."""
    _path_re: re.Pattern[str] | None = field(default=None, repr=False)

    @property
    def scoped_rest(self) -> bool:
        """Applies to REST requests: scoped by path, or not scoped to WS ops or channels only."""
        return bool(self.path) or not (self.op or self.channel)

    @property
    def scoped_ws_op(self) -> bool:
        return bool(self.op) or not (self.path or self.channel)

    def matches_path(self, path: str) -> bool:
        return self._path_re is None or self._path_re.fullmatch(path) is not None

    def matches_user(self, uid: int | None) -> bool:
        return self.uid is None or self.uid == uid

    def fires(self) -> bool:
        """One matching candidate: does the fault strike it (probability or every Nth)?"""
        self.seen += 1
        if self.every:
            hit = self.seen % self.every == 0
        else:
            hit = self.probability >= 1.0 or self.rng.random() < self.probability
        if hit:
            self.hits += 1
        return hit

    def delay_s(self) -> float:
        lo, hi = self.latency_ms or (0, 0)
        return (lo if hi == lo else self.rng.uniform(lo, hi)) / 1000

    def view(self, now: float) -> dict[str, Any]:
        remaining = None if self.expires_at is None else max(0.0, self.expires_at - now)
        view: dict[str, Any] = {
            "id": self.id, "kind": self.kind, "path": self.path, "op": self.op, "channel": self.channel,
            "user": self.user, "code": self.code,
            "latency": "" if self.latency_ms is None else (
                str(self.latency_ms[0]) if self.latency_ms[0] == self.latency_ms[1]
                else f"{self.latency_ms[0]}-{self.latency_ms[1]}"),
            "probability": self.probability, "every": self.every,
            "duration": self.duration_s, "remaining": None if remaining is None else round(remaining, 3),
            "created": str(self.created_ms), "seen": self.seen, "hits": self.hits,
        }
        return view


Listener = Callable[[Fault], None]


class FaultSet:
    """The active faults of one app. `monotonic` and `wall_ms` are injectable for tests; so is the
    seed of every fault (`seed`), else each draws from `rng`."""

    def __init__(self, *, rng: random.Random | None = None, monotonic: Callable[[], float] = time.monotonic,
                 wall_ms: Callable[[], int] = lambda: int(time.time() * 1000)) -> None:
        self.faults: dict[str, Fault] = {}
        self._rng = rng or random.Random()
        self._monotonic = monotonic
        self._wall_ms = wall_ms
        self._next = 0
        self.injected: dict[str, int] = {kind: 0 for kind in KINDS}
        """Faults injected, by kind (the metrics read it)."""
        self.on_added: list[Listener] = []
        self.on_removed: list[Listener] = []
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self.ws_delay = False
        """True while a ws-delay fault is active (the push path checks this one flag)."""
        self.user_scoped = False

    def __bool__(self) -> bool:
        return bool(self.faults)

    # -- the operator's side -------------------------------------------------------------------------

    def add(self, spec: dict[str, Any], uid: int | None = None) -> Fault:
        """Add a fault from the operator API's JSON (see `quintex fault add --help`); `uid` is the
        user named by `user`, resolved by the caller."""
        fault = self._build(spec, uid)
        self.faults[fault.id] = fault
        if fault.duration_s is not None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is not None:
                self._timers[fault.id] = loop.call_later(fault.duration_s, self._expire, fault.id)
        self._refresh()
        for listener in tuple(self.on_added):
            listener(fault)
        return fault

    def clear(self, fault_id: str | None = None) -> list[str]:
        """Remove one fault (KeyError if unknown) or all; the ids removed."""
        if fault_id is not None:
            if fault_id not in self.faults:
                raise KeyError(fault_id)
            ids = [fault_id]
        else:
            ids = list(self.faults)
        for fid in ids:
            self._remove(fid)
        return ids

    def views(self) -> list[dict[str, Any]]:
        self._purge()
        now = self._monotonic()
        return [f.view(now) for f in self.faults.values()]

    def count(self, kind: str) -> None:
        self.injected[kind] += 1

    # -- the request paths ---------------------------------------------------------------------------

    def active(self, kinds: Iterable[str] | None = None) -> list[Fault]:
        self._purge()
        wanted = None if kinds is None else set(kinds)
        return [f for f in self.faults.values() if wanted is None or f.kind in wanted]

    def for_rest(self, path: str, uid: int | None) -> list[Fault]:
        """The request faults that strike this REST request (`path` without /api/v5/), in the order
        they were added; maintenance only strikes order entry."""
        struck = []
        for fault in self.active(REQUEST_KINDS):
            if not fault.scoped_rest or not fault.matches_path(path) or not fault.matches_user(uid):
                continue
            if fault.kind == "maintenance" and path not in ORDER_ENTRY_PATHS:
                continue
            if fault.fires():
                struck.append(fault)
        return struck

    def for_ws_op(self, op: str, uid: int | None) -> list[Fault]:
        struck = []
        for fault in self.active(REQUEST_KINDS):
            if not fault.scoped_ws_op or (fault.op and fault.op != op) or not fault.matches_user(uid):
                continue
            if fault.kind == "maintenance" and op not in ORDER_ENTRY_OPS:
                continue
            if fault.fires():
                struck.append(fault)
        return struck

    def push_delay(self, channel: str) -> Fault | None:
        """The ws-delay fault for a push of `channel`, if one strikes it."""
        for fault in self.active(("ws-delay",)):
            if (not fault.channel or fault.channel == channel) and fault.fires():
                return fault
        return None

    def maintenance(self) -> list[Fault]:
        return self.active(("maintenance",))

    def window(self, fault: Fault) -> dict[str, Any]:
        """A maintenance fault as OKX's system/status item (and `status` channel element)."""
        begin = fault.created_ms
        end = "" if fault.duration_s is None else str(begin + int(fault.duration_s * 1000))
        return {
            "title": f"Quintex maintenance ({fault.id})", "state": "ongoing", "begin": str(begin), "end": end,
            "preOpenBegin": "", "href": "", "serviceType": "5", "system": "unified",
            "scheDesc": "Injected by the operator (quintex fault add maintenance)", "maintType": "1",
            "env": "1", "ts": str(self._wall_ms()),
        }

    # -- inside ---------------------------------------------------------------------------------------

    def _build(self, spec: dict[str, Any], uid: int | None) -> Fault:
        kind = spec.get("kind")
        if kind not in KINDS:
            raise FaultError(f"kind must be one of {', '.join(KINDS)}")
        text = {name: _text(spec, name) for name in ("path", "op", "channel", "user", "code")}
        if text["user"] and not _NAME.fullmatch(text["user"]):
            raise FaultError("user must be a user name")
        code = text["code"]
        if code and not _CODE.fullmatch(code):
            raise FaultError("code must be an OKX error code such as 50001")
        if kind == "error":
            code = code or DEFAULT_ERROR_CODE
        latency = spec.get("latency")
        latency_ms = parse_latency(latency) if latency not in (None, "") else None
        if kind in ("latency", "ws-delay") and latency_ms is None:
            raise FaultError(f"a {kind} fault needs latency (milliseconds, e.g. 200 or 50-200)")
        probability = _number(spec, "probability", 1.0)
        if not 0.0 < probability <= 1.0:
            raise FaultError("probability must be in (0, 1]")
        every = int(_number(spec, "every", 0))
        if every < 0:
            raise FaultError("every must be a positive whole number")
        duration = spec.get("duration")
        duration_s = None if duration in (None, "") else _number(spec, "duration", 0.0)
        if duration_s is not None and duration_s <= 0:
            raise FaultError("duration must be a positive number of seconds")
        if kind == "ws-delay" and text["user"]:
            raise FaultError("a ws-delay fault is scoped by channel, not by user")
        if kind == "maintenance" and duration_s is None:
            raise FaultError("a maintenance window needs a duration (seconds)")
        seed = spec.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise FaultError("seed must be an integer")
        self._next += 1
        now = self._monotonic()
        return Fault(
            id=f"f{self._next}", kind=kind, path=text["path"], op=text["op"], channel=text["channel"],
            user=text["user"], uid=uid, code=code, latency_ms=latency_ms, probability=probability,
            every=every, duration_s=duration_s, seed=seed, created_ms=self._wall_ms(),
            expires_at=None if duration_s is None else now + duration_s,
            rng=random.Random(seed if seed is not None else self._rng.getrandbits(64)),
            _path_re=path_pattern(text["path"]) if text["path"] else None,
        )

    def _purge(self) -> None:
        if not self.faults:
            return
        now = self._monotonic()
        for fid in [fid for fid, f in self.faults.items() if f.expires_at is not None and f.expires_at <= now]:
            self._remove(fid)

    def _expire(self, fault_id: str) -> None:
        if fault_id in self.faults:
            self._remove(fault_id)

    def _remove(self, fault_id: str) -> None:
        fault = self.faults.pop(fault_id, None)
        timer = self._timers.pop(fault_id, None)
        if timer is not None:
            timer.cancel()
        self._refresh()
        if fault is not None:
            for listener in tuple(self.on_removed):
                listener(fault)

    def _refresh(self) -> None:
        faults = self.faults.values()
        self.ws_delay = any(f.kind == "ws-delay" for f in faults)
        self.user_scoped = any(f.uid is not None for f in faults)


def _text(spec: dict[str, Any], name: str) -> str:
    value = spec.get(name)
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise FaultError(f"{name} must be a string")
    return value.strip()


def _number(spec: dict[str, Any], name: str, default: float) -> float:
    value = spec.get(name)
    if value in (None, ""):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FaultError(f"{name} must be a number") from None
    if not math.isfinite(number):
        raise FaultError(f"{name} must be a finite number")
    return number


class DelayedPushes:
    """Holds the frames of topics a ws-delay fault strikes, and sends them later in order.

    Once a topic has frames waiting, later frames of it queue behind them even when no fault
    strikes them (or the fault was cleared), so no subscriber sees a topic's pushes reordered (book
    `seqId` chains stay intact). Each frame goes to the subscribers the topic had when it was
    published."""

    def __init__(self, faults: FaultSet) -> None:
        self.faults = faults
        self._queues: dict[Any, deque[tuple[float, bytes, tuple[Any, ...]]]] = {}

    @property
    def busy(self) -> bool:
        """A ws-delay fault is active or frames are waiting (else pushes go out directly)."""
        return self.faults.ws_delay or bool(self._queues)

    def hold(self, topic: Any, channel: str, frame: bytes, subscribers: Iterable[Any]) -> bool:
        """Queue `frame` if a fault delays it or the topic has frames waiting; False: send it now."""
        queue = self._queues.get(topic)
        fault = self.faults.push_delay(channel) if self.faults.ws_delay else None
        if fault is None and queue is None:
            return False
        loop = asyncio.get_running_loop()
        due = loop.time() + (fault.delay_s() if fault is not None else 0.0)
        if fault is not None:
            self.faults.count("ws-delay")
        if queue is None:
            queue = self._queues[topic] = deque()
        elif queue and queue[-1][0] > due:
            due = queue[-1][0]
        queue.append((due, frame, tuple(subscribers)))
        loop.call_at(due, self._drain, topic)
        return True

    def _drain(self, topic: Any) -> None:
        queue = self._queues.get(topic)
        if queue is None:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        while queue and queue[0][0] <= now:
            _, frame, subscribers = queue.popleft()
            for conn in subscribers:
                conn.send(frame)
        if not queue:
            del self._queues[topic]
        else:  # the loop may run a timer up to its clock resolution early: come back when the next is due
            loop.call_at(queue[0][0], self._drain, topic)
