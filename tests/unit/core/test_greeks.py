"""Greeks of option positions and of accounts (`core/options/greeks.py`), with numbers worked by hand, and the
account's `greeksType` setting."""
from __future__ import annotations

from quintex.core.commands import ListOptionSeries, PlaceOrder, SetGreeksType, UpdateIndexPrices
from quintex.core.enums import CtType, GreeksType, InstType, OptType, OrdType, PosSide, Side, TdMode
from quintex.core.events import CommandRejected, UserUpdated
from quintex.core.instruments import Instrument
from quintex.core.lifecycle.options import family_quotes
from quintex.core.options import greeks
from quintex.core.options.quote import OptionQuote
from quintex.core.records import AccountGreeks, BalanceView, Greeks, IndexPrice, PositionRisk
from quintex.core.rejects import Reject
from tests.builders import D, Exchange, inverse_swap, quote, swap
from tests.contracts import position_view
from tests.unit.core.test_option_chain import SURFACE, btc_options, index

CALL, PUT = "BTC-USD-240329-100000-C", "BTC-USD-240329-100000-P"
ATM_CALL = "BTC-USD-231229-37000-C"


def option(inst_id: str, opt_type: OptType) -> Instrument:
    return swap(inst_id, inst_type=InstType.OPTION, ct_val=D("0.01"), ct_mult=D("1"), ct_val_ccy="BTC",
                ct_type=None, settle_ccy="BTC", uly="BTC-USD", inst_family="BTC-USD", opt_type=opt_type,
                stk=D("100000"), exp_time=1_711_699_200_000)


QUOTES = {
    CALL: OptionQuote(CALL, mark_px=D("0.05"), mark_vol=D("0.5"), vol_lv=D("0.5"), fwd_px=D("100000"),
                      delta=D("0.45"), gamma=D("0.000002"), theta=D("-0.0005"), vega=D("0.001"),
                      delta_bs=D("0.5"), gamma_bs=D("0.00002"), theta_bs=D("-50"), vega_bs=D("100")),
    PUT: OptionQuote(PUT, mark_px=D("0.05"), mark_vol=D("0.5"), vol_lv=D("0.5"), fwd_px=D("100000"),
                     delta=D("-0.53"), gamma=D("0.000003"), theta=D("-0.0004"), vega=D("0.001"),
                     delta_bs=D("-0.48"), gamma_bs=D("0.00002"), theta_bs=D("-40"), vega_bs=D("100")),
}
INSTRUMENTS = {i.inst_id: i for i in (option(CALL, OptType.CALL), option(PUT, OptType.PUT), inverse_swap(), swap())}


def quote_of(inst: Instrument) -> OptionQuote | None:
    return QUOTES.get(inst.inst_id)


def risk(inst_id: str, pos: str, mark: str = "100000", upl: str = "0", pos_side: PosSide = PosSide.NET,
         ccy: str = "BTC") -> tuple[PositionRisk, Instrument]:
    inst = INSTRUMENTS[inst_id]
    view = position_view(inst_id=inst_id, inst_type=inst.inst_type, pos=D(pos), pos_side=pos_side, ccy=ccy)
    return PositionRisk(position=view, mark_px=D(mark), idx_px=D(mark), last_px=None, notional=D(0),
                        notional_usd=D(0), upl=D(upl), upl_ratio=D(0), upl_last_px=None, upl_ratio_last_px=None,
                        imr=D(0), mmr=D(0), mgn_ratio=None, liq_px=None, be_px=None), inst


def test_an_option_positions_greeks_are_the_options_times_its_size_in_coins() -> None:
    long_calls = greeks.option_position(risk(CALL, "10")[0].position, INSTRUMENTS[CALL], QUOTES[CALL])
    assert long_calls == Greeks(D("0.5") * D("0.1"), D("0.045"), D("0.000002"), D("0.0000002"), D("-5"),
                                D("-0.00005"), D("10"), D("0.0001"))
    short_puts = greeks.option_position(risk(PUT, "-5")[0].position, INSTRUMENTS[PUT], QUOTES[PUT])
    assert (short_puts.delta_bs, short_puts.delta_pa, short_puts.theta_bs, short_puts.vega_bs) == (
        D("0.024"), D("0.0265"), D("2"), D("-5"))
    short_side = greeks.option_position(risk(PUT, "5", pos_side=PosSide.SHORT)[0].position, INSTRUMENTS[PUT],
                                        QUOTES[PUT])
    assert short_side == short_puts


def test_account_greeks_add_cash_contracts_and_options_of_each_coin() -> None:
    """0.5 BTC and 1,000 USDT of cash, long 10 calls and short 5 puts (0.01 BTC each), short 10 BTC-USD-SWAP
    (100 USD each, upl −0.0005 BTC) and long 3 BTC-USDT-SWAP (0.01 BTC each, upl 30 USDT), marks at 100,000."""
    balances = [BalanceView("BTC", D("0.5"), D("0.1"), 0), BalanceView("USDT", D("1000"), D(0), 0),
                BalanceView("ETH", D(0), D(0), 0)]
    risks = [risk(CALL, "10"), risk(PUT, "-5"), risk("BTC-USD-SWAP", "-10", upl="-0.0005"),
             risk("BTC-USDT-SWAP", "3", upl="30", ccy="USDT"), risk("BTC-USDT-SWAP", "0", ccy="USDT")]
    rows = greeks.account_greeks(balances, risks, quote_of)
    # BTC: cash 0.5 | calls 0.1 × 0.5 | puts −0.05 × −0.48 | inverse −1000/100000 − 0.0005 | linear 0.03
    btc = Greeks(
        delta_bs=D("0.5") + D("0.05") + D("0.024") - D("0.0105") + D("0.03"),
        # calls 0.1 × 0.45 | puts −0.05 × −0.53 | inverse −0.01 | linear 0.03 − 30/100000
        delta_pa=D("0.045") + D("0.0265") - D("0.01") + D("0.0297"),
        gamma_bs=D("0.000002") - D("0.000001"), gamma_pa=D("0.0000002") - D("0.00000015"),
        theta_bs=D("-5") + D("2"), theta_pa=D("-0.00005") + D("0.00002"),
        vega_bs=D("10") - D("5"), vega_pa=D("0.0001") - D("0.00005"))
    assert rows == [AccountGreeks("BTC", btc), AccountGreeks("USDT", Greeks(delta_bs=D("1000")))]
    assert btc.delta_bs == D("0.5935") and btc.delta_pa == D("0.0912")
    assert greeks.account_greeks(balances, risks, quote_of, "ETH") == [AccountGreeks("ETH", Greeks())]
    assert greeks.account_greeks(balances, risks, quote_of, "USDT") == rows[1:]


def test_an_option_not_priced_yet_and_a_contract_without_a_mark_add_nothing() -> None:
    unpriced = greeks.account_greeks([], [risk(CALL, "10")], lambda inst: None)
    assert unpriced == []
    no_mark = risk("BTC-USD-SWAP", "-10")[0]._replace(mark_px=None)
    assert greeks.account_greeks([], [(no_mark, INSTRUMENTS["BTC-USD-SWAP"])], quote_of) == []


def test_a_hedged_inverse_short_has_no_usd_delta_at_any_price() -> None:
    """1 BTC of cash and a short of 1,000 USD of BTC-USD-SWAP opened at 1,000 USD: the account holds 1,000 USD
    whatever the price, so deltaBS is 0; in coins it gains 1,000/F − 1 when the price falls (deltaPA −1000/F)."""
    inverse = INSTRUMENTS["BTC-USD-SWAP"]
    assert inverse.ct_type is CtType.INVERSE
    for mark, upl in (("1000", "0"), ("800", "0.25"), ("1250", "-0.2")):
        rows = greeks.account_greeks([BalanceView("BTC", D("1"), D(0), 0)],
                                     [risk("BTC-USD-SWAP", "-10", mark=mark, upl=upl)], quote_of)
        assert rows[0].greeks.delta_bs == 0
        assert rows[0].greeks.delta_pa == D(-1000) / D(mark)


def test_greeks_type_is_pa_until_set_and_either_convention_may_be_set_at_any_time() -> None:
    x = Exchange(inverse_swap())
    alice = x.user("alice", BTC="1")
    assert x.engine.user(alice).greeks_type is GreeksType.PA  # type: ignore[union-attr]
    event = x.apply(SetGreeksType(alice, GreeksType.BS))[0]
    assert isinstance(event, UserUpdated) and event.user.greeks_type is GreeksType.BS
    assert x.apply(SetGreeksType(alice, GreeksType.PA))[0] == UserUpdated(x.engine.user(alice))  # type: ignore[arg-type]
    assert x.apply(SetGreeksType(999, GreeksType.BS))[0] == CommandRejected(Reject.USER_NOT_FOUND)


def test_the_engine_reads_an_accounts_greeks_from_its_cash_and_positions() -> None:
    """0.5 BTC, then short 10 BTC-USD-SWAP (1,000 USD) at 100,000: the fee comes out of the cash, the short adds
    −1000/mark in coins and its upl in USD terms."""
    x = Exchange(inverse_swap())
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D("100000")),)))
    alice = x.user("alice", BTC="0.5")
    assert x.engine.account_greeks(alice, quote_of) == [AccountGreeks("BTC", Greeks(delta_bs=D("0.5")))]
    quote(x, "BTC-USD-SWAP", "buy", "100000", "10")
    x.apply(PlaceOrder(alice, "BTC-USD-SWAP", TdMode.CROSS, Side.SELL, OrdType.MARKET, D("10"), None))
    [r] = x.engine.position_risks(alice)
    assert r.position.pos == D("-10") and r.mark_px is not None
    cash = x.balance(alice, "BTC")[0]
    assert cash == D("0.5") - D("0.000005")  # taker 0.05 % of 0.01 BTC
    pa = (D("-1000") / r.mark_px).quantize(D("1e-10"))
    assert x.engine.account_greeks(alice, quote_of) == [
        AccountGreeks("BTC", Greeks(delta_bs=cash + pa + r.upl, delta_pa=pa))]
    assert x.engine.position_greeks(alice, quote_of) == {}
    assert x.engine.account_greeks(alice, quote_of, "ETH") == [AccountGreeks("ETH", Greeks())]


def test_option_positions_opened_by_a_trade_carry_their_options_greeks_times_their_size() -> None:
    """alice sells bob 10 at-the-money calls (0.1 BTC of underlying) at 0.07: bob's position has 0.1 × the
    call's greeks, alice's −0.1 ×; each account's BTC row adds them to its cash."""
    x = Exchange()
    index(x, "37000")
    x.apply(ListOptionSeries(btc_options(max_lmt_amt=D("1000000")), SURFACE))
    alice, bob = x.user("alice", BTC="1"), x.user("bob", BTC="1")
    for uid, side in ((alice, Side.SELL), (bob, Side.BUY)):
        x.apply(PlaceOrder(uid, ATM_CALL, TdMode.CROSS, side, OrdType.LIMIT, D("10"), D("0.07")))
    quotes = {q.inst_id: q for q in family_quotes(x.engine._s, "BTC-USD")}

    def latest(inst: Instrument) -> OptionQuote | None:
        return quotes.get(inst.inst_id)

    q = quotes[ATM_CALL]
    tenth = Greeks(*(D("0.1") * v for v in (q.delta_bs, q.delta, q.gamma_bs, q.gamma, q.theta_bs, q.theta,
                                              q.vega_bs, q.vega)))
    [long] = x.engine.positions(bob)
    [short] = x.engine.positions(alice)
    assert x.engine.position_greeks(bob, latest) == {long.pos_id: tenth}
    assert x.engine.position_greeks(alice, latest) == {short.pos_id: Greeks(*(-v for v in tenth))}
    assert tenth.delta_bs > 0 and tenth.vega_bs > 0 and tenth.theta_bs < 0
    cash = x.balance(bob, "BTC")[0]
    assert x.engine.account_greeks(bob, latest) == [AccountGreeks("BTC", tenth._replace(
        delta_bs=cash + tenth.delta_bs))]
    assert x.engine.position_greeks(bob, lambda inst: None) == {}
