"""Option market data (`public/opt-summary`, the `opt-summary` channel): each option family's latest
`OptionSummaryUpdated`, the marks, volatilities and greeks of all its live options at one moment."""
from __future__ import annotations

from quintex.core.events import OptionSummaryUpdated


class OptionSummaries:
    def __init__(self) -> None:
        self.latest: dict[str, OptionSummaryUpdated] = {}

    def add(self, event: OptionSummaryUpdated) -> None:
        self.latest[event.inst_family] = event
