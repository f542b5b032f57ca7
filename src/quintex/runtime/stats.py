"""Counters the sequencer keeps for the operator's metrics: plain integers and fixed-bucket
distributions, updated with a few additions per batch, read (and turned into Prometheus metrics by
the gateway) only when someone scrapes them."""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field


class Distribution:
    """Observations counted into fixed upper bounds (`le`, Prometheus' cumulative histogram buckets
    are computed when read); `sum` and `count` as Prometheus has them."""

    __slots__ = ("bounds", "count", "counts", "sum")

    def __init__(self, bounds: Sequence[float]) -> None:
        self.bounds = tuple(bounds)
        self.counts = [0] * (len(self.bounds) + 1)
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.sum += value
        self.count += 1

    def cumulative(self) -> list[tuple[str, int]]:
        """[(le, observations <= le)...] ending with ("+Inf", count)."""
        out, total = [], 0
        for bound, n in zip((*self.bounds, float("inf")), self.counts, strict=True):
            total += n
            out.append(("+Inf" if bound == float("inf") else repr(float(bound)), total))
        return out


BATCH_SIZE_BOUNDS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
COMMIT_SECONDS_BOUNDS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


@dataclass(slots=True)
class RuntimeStats:
    batches: int = 0
    commands: int = 0
    applied: dict[str, int] = field(default_factory=dict)
    """Commands applied, by command type name."""
    batch_sizes: Distribution = field(default_factory=lambda: Distribution(BATCH_SIZE_BOUNDS))
    """Commands per batch."""
    commit_seconds: Distribution = field(default_factory=lambda: Distribution(COMMIT_SECONDS_BOUNDS))
    """From a batch handed to the journal until it is durable."""
