"""A delta-neutral book through a market shock and a volatility shift, on a real `quintex serve` with a manual
clock (so no time passes and theta stays out of it), driven by python-okx and the operator's CLI (issue 14).

The seller shorts an at-the-money straddle of the last BTC-USD expiry (100 calls and 100 puts: 1 BTC of
underlying each) and hedges its delta in coins (`deltaPA` of `account/greeks`) with BTC-USD-SWAP. Then:

- the account is delta-neutral within one swap contract, short gamma and vega, long theta; each option
  position carries its option's greeks times its size (−1 BTC);
- `quintex market vol BTC +10` raises both marks; the options' upl falls by vegaPA × 10 (PA vega is per vol
  point, in coins), within the model's second-order error and the marks' rounding to the tick;
- `quintex market shock BTC -5%` moves the forward; the options' upl moves as their delta, gamma and vega say
  (to second order; vega because the surface is in moneyness, so each option's volatility moves with the
  forward), their delta moves by about gamma × ΔF, and the hedged book loses only the second-order part, less
  than half of what the options alone lose;
- `quintex verify` replays the journal against the state hashes recorded live, and `quintex replay` rebuilds
  the final state (the seller's `greeksType` set to BS included) from the journal alone with the same hash.
"""
from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import ccxt
import pytest
from okx import Account, PublicData, Trade

from quintex.journal import FILE_NAME

from .derivatives import dec
from .server import Credentials, Server
from .test_lifecycle_scenario import quintex, replayed, snapshot

SWAP = "BTC-USD-SWAP"
LEG = 100
"""Contracts per leg: 100 × 0.01 BTC = 1 BTC of underlying."""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path / "data", "--clock", "manual", "--snapshot-every", "0", "--snapshot-interval", "0")
    yield srv
    if srv.proc.poll() is None:
        srv.stop()


def ok(answer: dict[str, Any]) -> list[dict[str, Any]]:
    assert answer["code"] == "0", answer
    return answer["data"]


class Client:
    def __init__(self, server: Server, c: Credentials) -> None:
        args = (c.api_key, c.secret_key, c.passphrase)
        self.account = Account.AccountAPI(*args, flag="0", domain=server.url, debug=False)
        self.trade = Trade.TradeAPI(*args, flag="0", domain=server.url, debug=False)

    def limit(self, inst_id: str, side: str, sz: int, px: str) -> None:
        (placed,) = ok(self.trade.place_order(instId=inst_id, tdMode="cross", side=side, ordType="limit",
                                              sz=str(sz), px=px))
        assert placed["sCode"] == "0", placed

    def greeks(self) -> dict[str, Decimal]:
        (row,) = ok(self.account.get_greeks(ccy="BTC"))
        return {k: dec(v) for k, v in row.items() if k not in ("ccy", "ts")}

    def options(self) -> dict[str, dict[str, Any]]:
        return {p["instId"]: p for p in ok(self.account.get_positions(instType="OPTION"))}

    def swap(self) -> dict[str, Any]:
        (position,) = ok(self.account.get_positions(instId=SWAP))
        return position


def summary(public: PublicData.PublicAPI, *inst_ids: str) -> dict[str, dict[str, Any]]:
    """The options' opt-summary rows with their `markPx` (public/mark-price)."""
    rows = {r["instId"]: r for r in ok(public.get_opt_summary(uly="BTC-USD"))}
    marks = {r["instId"]: r["markPx"] for r in ok(public.get_mark_price(instType="OPTION"))}
    return {i: {**rows[i], "markPx": marks[i]} for i in inst_ids}


def upl(positions: dict[str, dict[str, Any]]) -> Decimal:
    return sum((dec(p["upl"]) for p in positions.values()), Decimal(0))


def test_a_hedged_short_straddle_moves_as_its_greeks_say_through_vol_and_shock_and_replays(
        server: Server, tmp_path: Path) -> None:
    server.cli("market", "set", "BTC", "65000")  # the packaged start price, around which the chain lists
    server.cli("clock", "advance", "2s")  # the options list on the tick after the first index
    public = PublicData.PublicAPI(flag="0", domain=server.url, debug=False)
    chain = ok(public.get_opt_summary(uly="BTC-USD"))
    last = max(r["instId"].split("-")[2] for r in chain)
    fwd = dec(next(r["fwdPx"] for r in chain if r["instId"].split("-")[2] == last))
    strike = min({int(r["instId"].split("-")[3]) for r in chain if r["instId"].split("-")[2] == last},
                 key=lambda k: abs(k - fwd))
    call, put = f"BTC-USD-{last}-{strike}-C", f"BTC-USD-{last}-{strike}-P"

    maker = Client(server, server.user("maker", BTC="1000"))
    seller_keys = server.user("seller", BTC="3")
    seller = Client(server, seller_keys)
    for inst_id, row in summary(public, call, put).items():
        maker.limit(inst_id, "buy", LEG, row["markPx"])
        seller.limit(inst_id, "sell", LEG, row["markPx"])
    options = seller.options()
    assert {i: p["pos"] for i, p in options.items()} == {call: f"-{LEG}", put: f"-{LEG}"}
    quotes = summary(public, call, put)
    for inst_id, p in options.items():  # −1 BTC of underlying: minus the option's greeks
        for field, quoted in (("deltaBS", "deltaBS"), ("deltaPA", "delta"), ("gammaPA", "gamma"),
                              ("thetaBS", "thetaBS"), ("vegaBS", "vegaBS"), ("vegaPA", "vega")):
            assert dec(p[field]) == -dec(quotes[inst_id][quoted]), (inst_id, field)

    mark = dec(ok(public.get_mark_price(instType="SWAP", instId=SWAP))[0]["markPx"])
    unhedged = seller.greeks()
    hedge = int((unhedged["deltaPA"] * mark / 100).to_integral_value())  # contracts of 100 USD
    assert hedge > 0  # sold for coins, a straddle's coin value falls as the price rises: the short is long PA delta
    maker.limit(SWAP, "buy", hedge, str(mark))
    seller.limit(SWAP, "sell", hedge, str(mark))
    g = seller.greeks()
    assert abs(g["deltaPA"]) <= 50 / mark  # within half a contract
    assert g["vegaPA"] < 0 and g["vegaBS"] < 0 and g["gammaPA"] < 0 and g["gammaBS"] < 0 and g["thetaBS"] > 0
    assert seller.swap()["deltaPA"] == ""  # a swap position shows no greeks, as OKX

    # Volatility up 10 points: each mark rises, the short options lose vega × 10 (in coins)
    before, marks = upl(seller.options()), {i: dec(q["markPx"]) for i, q in quotes.items()}
    server.cli("market", "vol", "BTC", "+10")
    after_vol = seller.options()
    assert all(dec(q["markPx"]) > marks[i] for i, q in summary(public, call, put).items())
    moved, predicted = upl(after_vol) - before, g["vegaPA"] * 10
    rounding = Decimal("0.0001") * Decimal("0.01") * LEG * 2  # half a tick of each leg, before and after
    assert abs(moved - predicted) <= abs(predicted) * Decimal("0.03") + rounding, (moved, predicted)

    # BTC −5 %: the options move as their greeks say; the hedge takes the first-order move away
    g = seller.greeks()
    quoted0, positions = summary(public, call, put), seller.options()
    opt_upl0, swap_upl0 = upl(positions), dec(seller.swap()["upl"])
    server.cli("market", "shock", "BTC", "-5%")
    quoted1 = summary(public, call, put)
    fwd0, fwd1 = dec(quoted0[call]["fwdPx"]), dec(quoted1[call]["fwdPx"])
    step = fwd1 - fwd0
    assert step < 0
    # the options' coin value W: ΔW ≈ W′·ΔF + ½·W″·ΔF² + vega·Δσ, with W′ = deltaPA / F, W″ = (gammaPA − W′) / F;
    # Δσ because the surface is in moneyness: each option's markVol moves with the forward (the skew)
    first = sum((dec(p["deltaPA"]) / fwd0 * step for p in positions.values()), Decimal(0))
    rest = sum(((dec(p["gammaPA"]) - dec(p["deltaPA"]) / fwd0) / fwd0 * step * step / 2
                + dec(p["vegaPA"]) * (dec(quoted1[i]["markVol"]) - dec(quoted0[i]["markVol"])) * 100
                for i, p in positions.items()), Decimal(0))
    shocked_options = seller.options()
    opt_moved = upl(shocked_options) - opt_upl0  # the positions' greeks are signed: W is what they are worth
    assert abs(opt_moved - first - rest) <= abs(rest) * Decimal("0.1") + rounding, (opt_moved, first, rest)
    swap_moved = dec(seller.swap()["upl"]) - swap_upl0
    book_moved = opt_moved + swap_moved
    # hedged, the first-order move is gone; short gamma, the book still loses its second-order part
    assert opt_moved < book_moved < 0 and abs(book_moved) < abs(opt_moved) / 2, (book_moved, opt_moved)
    # the options' delta moves by about gamma × ΔF (and vanna × Δσ, left out: a looser bound)
    options_pa = sum((dec(p["deltaPA"]) for p in shocked_options.values()), Decimal(0)) - sum(
        (dec(p["deltaPA"]) for p in positions.values()), Decimal(0))
    assert abs(options_pa - g["gammaPA"] * step) <= abs(g["gammaPA"] * step) * Decimal("0.5"), (
        options_pa, g["gammaPA"] * step)
    swap_pa = -Decimal(hedge * 100)
    assert seller.greeks()["deltaPA"] == sum((dec(p["deltaPA"]) for p in shocked_options.values()), Decimal(0)) + (
        swap_pa / dec(ok(public.get_mark_price(instType="SWAP", instId=SWAP))[0]["markPx"])).quantize(
        Decimal("1e-10"))

    c = ccxt.okx({"apiKey": seller_keys.api_key, "secret": seller_keys.secret_key,
                  "password": seller_keys.passphrase, "timeout": 10000})
    c.urls["api"] = {"rest": server.url}
    c.options["fetchMarkets"] = {"types": ["option"]}
    held = {p["info"]["instId"]: p for p in c.fetch_positions(params={"instType": "OPTION"})}
    assert held[call]["info"]["vegaPA"] == seller.options()[call]["vegaPA"] and held[call]["contracts"] == LEG

    assert ok(seller.account.set_greeks("BS")) == [{"greeksType": "BS"}]  # journaled: replay sees it too
    final = snapshot(server.data_dir)
    assert server.stop() == 0
    verified = quintex("verify", "--data-dir", str(server.data_dir))
    assert verified.returncode == 0 and verified.stdout.startswith("OK: replayed"), verified.stdout + verified.stderr
    journal_only = tmp_path / "journal-only"
    journal_only.mkdir()
    shutil.copy(server.data_dir / FILE_NAME, journal_only / FILE_NAME)
    with sqlite3.connect(journal_only / FILE_NAME) as db:
        db.execute("DELETE FROM snapshots")
    assert replayed(journal_only, final[0], tmp_path / "replayed") == final
