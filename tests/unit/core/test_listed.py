"""The live derivatives the clock's jobs read (`core/listed`) are always what a scan of every listed instrument
gives, in listing order: while options and futures expire and new ones are listed, and after a restore."""
from __future__ import annotations

from typing import Any

from quintex.core.commands import AdvanceTime, ListFuturesSeries, ListOptionSeries, UpdateIndexPrices
from quintex.core.engine import Engine
from quintex.core.enums import InstState, InstType
from quintex.core.instruments import Instrument
from quintex.core.records import IndexPrice
from quintex.core.state import State
from tests.builders import D, Exchange, btc_usd_futures, btc_usdt, swap

from .test_option_chain import SURFACE, WED_NOV_15, btc_options

HOUR = 3_600_000


def scanned(s: State) -> dict[str, Any]:
    """What `s.listed` must hold, from every listed instrument."""
    insts = list(s.instruments.values())

    def live(kind: InstType) -> list[tuple[str, Instrument]]:
        return [(i.inst_id, i) for i in insts if i.inst_type is kind and i.state is InstState.LIVE]

    families: dict[str, list[tuple[str, Instrument]]] = {}
    expiries: dict[str, dict[int, int]] = {}
    for inst_id, option in live(InstType.OPTION):
        assert option.exp_time is not None
        families.setdefault(option.inst_family, []).append((inst_id, option))
        times = expiries.setdefault(option.inst_family, {})
        times[option.exp_time] = times.get(option.exp_time, 0) + 1
    return {"contracts": [(i.inst_id, i) for i in insts if i.inst_type in (InstType.SWAP, InstType.FUTURES)],
            "swaps": live(InstType.SWAP), "futures": live(InstType.FUTURES), "options": live(InstType.OPTION),
            "families": families, "expiries": expiries}


def kept(s: State) -> dict[str, Any]:
    listed = s.listed
    return {"contracts": list(listed.contracts.items()), "swaps": list(listed.swaps.items()),
            "futures": list(listed.futures.items()), "options": list(listed.options.items()),
            "families": {f: list(o.items()) for f, o in listed.family_options.items() if o},
            "expiries": {f: t for f, t in listed.family_expiries.items() if t}}


def index(px: str) -> UpdateIndexPrices:
    return UpdateIndexPrices((IndexPrice("BTC-USD", D(px)), IndexPrice("BTC-USDT", D(px))))


def test_the_live_derivatives_follow_every_listing_and_expiry_and_a_restore_rebuilds_them() -> None:
    suspended = swap("ETH-USDT-SWAP", inst_id_code=2002, uly="ETH-USDT", inst_family="ETH-USDT",
                     state=InstState.SUSPEND)
    x = Exchange(btc_usdt(), swap(), suspended)
    x.apply(index("37000"))
    x.apply(ListOptionSeries(btc_options(), SURFACE))
    x.apply(ListFuturesSeries(btc_usd_futures()))
    s = x.engine._s
    assert kept(s) == scanned(s)
    first_chain = set(s.listed.options)
    assert first_chain and {i.inst_id for i in s.listed.swaps.values()} == {"BTC-USDT-SWAP"}
    x.ts = WED_NOV_15 - HOUR
    for hour in range(80):  # three days and more: dailies and the weekly expire, the chain rolls
        x.ts += HOUR - 2
        x.apply(index(str(37000 + 150 * (hour % 7))))
        x.apply(AdvanceTime())
        assert kept(s) == scanned(s), hour
    expired = [i for i in s.instruments.values() if i.state is InstState.EXPIRED]
    assert {i.inst_type for i in expired} == {InstType.OPTION, InstType.FUTURES}
    assert not first_chain <= set(s.listed.options) and set(s.listed.options) - first_chain
    restored = Engine.restore(x.engine.snapshot())
    assert kept(restored._s) == scanned(s) and restored.state_hash() == x.engine.state_hash()


def test_a_suspended_swap_has_a_mark_but_no_funding() -> None:
    suspended = swap("ETH-USDT-SWAP", inst_id_code=2002, uly="ETH-USDT", inst_family="ETH-USDT",
                     state=InstState.SUSPEND)
    x = Exchange(btc_usdt(), swap(), suspended)
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(37000)), IndexPrice("ETH-USDT", D(2000)))))
    x.apply(AdvanceTime())
    s = x.engine._s
    assert (s.mark_prices["ETH-USDT-SWAP"], s.mark_prices["BTC-USDT-SWAP"]) == (D(2000), D(37000))
    assert "ETH-USDT-SWAP" not in s.funding and "BTC-USDT-SWAP" in s.funding
