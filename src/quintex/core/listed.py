"""The derivatives by what the clock's jobs and the index's repricing ask of them, so that these cost the same
however many instruments have expired or are listed in other products.

It is derived from `State.instruments` (kept by `State.put_instrument`, rebuilt when a snapshot is loaded) and
never stored. Each map keeps listing order, the order of `State.instruments`, so the jobs that read it run in the
order they would scanning every instrument. An instrument only leaves `live` (a dated contract expires), it does
not come back, so an instrument's place never changes.
"""
from __future__ import annotations

from .enums import InstState, InstType
from .instruments import Instrument


class Listed:
    """Listed swaps and futures; the live swaps, futures and options; each option family's live options and
    expiries."""

    __slots__ = ("contracts", "expiries", "family_expiries", "family_options", "futures", "options", "swaps")

    def __init__(self) -> None:
        self.contracts: dict[str, Instrument] = {}
        """instId → every listed swap and future, in any state."""
        self.swaps: dict[str, Instrument] = {}
        """instId → live swap."""
        self.futures: dict[str, Instrument] = {}
        """instId → live future."""
        self.options: dict[str, Instrument] = {}
        """instId → live option."""
        self.family_options: dict[str, dict[str, Instrument]] = {}
        """Option instFamily → instId → live option."""
        self.family_expiries: dict[str, dict[int, int]] = {}
        """Option instFamily → expTime → how many of its options are live."""
        self.expiries: tuple[int, tuple[int, ...]] = (0, ())
        """(ts, the option calendar's expiries at ts), remembered by `lifecycle/options`."""

    def next_option_expiry(self) -> int | None:
        """The soonest expTime of a live option."""
        return min((min(times) for times in self.family_expiries.values() if times), default=None)

    def put(self, inst: Instrument) -> None:
        """Take a listed instrument's new terms (a live one that is not live now leaves the live maps)."""
        kind = inst.inst_type
        if kind is InstType.SWAP or kind is InstType.FUTURES:
            self.contracts[inst.inst_id] = inst
            self._put_live(self.swaps if kind is InstType.SWAP else self.futures, inst)
        elif kind is InstType.OPTION:
            known = inst.inst_id in self.options
            self._put_live(self.options, inst)
            if inst.state is InstState.LIVE:
                self.family_options.setdefault(inst.inst_family, {})[inst.inst_id] = inst
                if not known:
                    self._count(inst, 1)
            elif known:
                del self.family_options[inst.inst_family][inst.inst_id]
                self._count(inst, -1)

    @staticmethod
    def _put_live(live: dict[str, Instrument], inst: Instrument) -> None:
        if inst.state is InstState.LIVE:
            live[inst.inst_id] = inst
        else:
            live.pop(inst.inst_id, None)

    def _count(self, option: Instrument, step: int) -> None:
        assert option.exp_time is not None
        times = self.family_expiries.setdefault(option.inst_family, {})
        times[option.exp_time] = left = times.get(option.exp_time, 0) + step
        if not left:
            del times[option.exp_time]
