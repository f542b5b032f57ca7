"""The listed instruments and currencies, and the API keys, as the gateway sees them: a read model of the
durable state.

Loaded through the query port when the app starts and then folded from `InstrumentListed` /
`InstrumentChanged` / `InstrumentDelisted` / `CurrencyListed` and the API key events as each batch is published (after its write), so it never holds
what is not durable. It is what code reads where waiting for a query is not possible or not worth it:
request validation, rendering, WebSocket pushes, and REST authentication (a request's key lookup would
otherwise wait for the batch in flight to reach the disk before the request's own command is submitted).
"""
from __future__ import annotations

from quintex.core.enums import InstState
from quintex.core.events import (
    ApiKeyCreated,
    ApiKeyDeleted,
    ApiKeyUpdated,
    CurrencyListed,
    Event,
    InstrumentChanged,
    InstrumentDelisted,
    InstrumentListed,
)
from quintex.core.instruments import Currency, Instrument
from quintex.core.records import ApiKey
from quintex.runtime.query import State
from quintex.runtime.sequencer import Runtime


class Catalog:
    def __init__(self) -> None:
        self.instruments: dict[str, Instrument] = {}
        self.currencies: dict[str, Currency] = {}
        self.keys: dict[str, ApiKey] = {}
        self._by_code: dict[int, Instrument] = {}
        self._following = False

    def instrument_by_code(self, code: int) -> Instrument | None:
        return self._by_code.get(code)

    def listed(self) -> list[Instrument]:
        """The instruments `public/instruments` lists: live, suspended or not yet open (not expired ones)."""
        return [inst for inst in self.instruments.values() if inst.state is not InstState.EXPIRED]

    async def follow(self, runtime: Runtime) -> None:
        """Take the durable listings and follow every later batch (in one step, so none is missed)."""

        def load(state: State) -> None:
            self.instruments = {}
            self._by_code = {}
            for inst in state.instruments.values():
                self._add(inst)
            self.currencies = dict(state.currencies)
            self.keys = {key.api_key: key for key in state.all_api_keys()}
            runtime.subscribe(self.on_events)
            self._following = True

        await runtime.query(load)

    def stop(self, runtime: Runtime) -> None:
        if self._following:
            self._following = False
            runtime.unsubscribe(self.on_events)

    def on_events(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, (InstrumentListed, InstrumentChanged)):
                self._add(event.instrument)
            elif isinstance(event, InstrumentDelisted):
                gone = self.instruments.pop(event.inst_id, None)
                if gone is not None:
                    del self._by_code[gone.inst_id_code]
            elif isinstance(event, CurrencyListed):
                self.currencies[event.currency.ccy] = event.currency
            elif isinstance(event, (ApiKeyCreated, ApiKeyUpdated)):
                self.keys[event.key.api_key] = event.key
            elif isinstance(event, ApiKeyDeleted):
                self.keys.pop(event.api_key, None)

    def _add(self, inst: Instrument) -> None:
        self.instruments[inst.inst_id] = inst
        self._by_code[inst.inst_id_code] = inst
