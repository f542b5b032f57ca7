"""Option market data (`public/opt-summary`, the `opt-summary` channel): each option family's latest
`OptionSummaryUpdated`, the marks, volatilities and greeks of all its live options at one moment; `quote` finds
one option's in it (the greeks of option positions and accounts read it)."""
from __future__ import annotations

from quintex.core.events import OptionSummaryUpdated
from quintex.core.instruments import Instrument
from quintex.core.options.quote import OptionQuote


class OptionSummaries:
    def __init__(self) -> None:
        self.latest: dict[str, OptionSummaryUpdated] = {}
        self._by_inst: dict[str, tuple[OptionSummaryUpdated, dict[str, OptionQuote]]] = {}
        """Per family: the latest summary's quotes by instId, indexed on the first lookup after a repricing."""

    def add(self, event: OptionSummaryUpdated) -> None:
        self.latest[event.inst_family] = event

    def quote(self, inst: Instrument) -> OptionQuote | None:
        """The option's quote in its family's latest repricing (None: not priced, or no longer live)."""
        event = self.latest.get(inst.inst_family)
        if event is None:
            return None
        indexed = self._by_inst.get(inst.inst_family)
        if indexed is None or indexed[0] is not event:
            indexed = (event, {q.inst_id: q for q in event.quotes})
            self._by_inst[inst.inst_family] = indexed
        return indexed[1].get(inst.inst_id)
