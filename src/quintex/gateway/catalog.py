"""The listed instruments and currencies as the gateway sees them: a read model of the durable state.

Loaded through the query port when the app starts and then folded from `InstrumentListed` /
`CurrencyListed` as each batch is published (after its write), so it never lists what is not durable.
It is what synchronous code reads — request validation, rendering, WebSocket pushes — where waiting
for a query is not possible or not worth it: listings are facts that never change once made.
"""
from __future__ import annotations

from quintex.core.events import CurrencyListed, Event, InstrumentListed
from quintex.core.instruments import Currency, Instrument
from quintex.runtime.query import State
from quintex.runtime.sequencer import Runtime


class Catalog:
    def __init__(self) -> None:
        self.instruments: dict[str, Instrument] = {}
        self.currencies: dict[str, Currency] = {}
        self._by_code: dict[int, Instrument] = {}
        self._following = False

    def instrument_by_code(self, code: int) -> Instrument | None:
        return self._by_code.get(code)

    async def follow(self, runtime: Runtime) -> None:
        """Take the durable listings and follow every later batch (in one step, so none is missed)."""

        def load(state: State) -> None:
            self.instruments = {}
            self._by_code = {}
            for inst in state.instruments.values():
                self._add(inst)
            self.currencies = dict(state.currencies)
            runtime.subscribe(self.on_events)
            self._following = True

        await runtime.query(load)

    def stop(self, runtime: Runtime) -> None:
        if self._following:
            self._following = False
            runtime.unsubscribe(self.on_events)

    def on_events(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, InstrumentListed):
                self._add(event.instrument)
            elif isinstance(event, CurrencyListed):
                self.currencies[event.currency.ccy] = event.currency

    def _add(self, inst: Instrument) -> None:
        self.instruments[inst.inst_id] = inst
        self._by_code[inst.inst_id_code] = inst
