"""The public lifecycle views as OKX writes them: every field, in OKX's names, amounts as strings."""
from __future__ import annotations

from quintex.core.enums import Category, InstType, InsuranceChange, Side, TdMode
from quintex.core.events import ContractDelivered, InsuranceFundChanged
from quintex.marketdata import Liquidation
from quintex.okx import lifecycle as render
from tests.builders import D, future, swap

TS = 1_700_000_000_123


def test_an_insurance_fund_change_has_every_field_with_the_amount_moved() -> None:
    loss = InsuranceFundChanged("USDT", D("-108.20"), D("-105.6"), InsuranceChange.BANKRUPTCY_LOSS, InstType.SWAP,
                                "BTC-USDT", TS)
    assert render.insurance_change(loss) == {
        "balance": "-105.6", "amt": "108.2", "ccy": "USDT", "type": "bankruptcy_loss", "maxBal": "", "maxBalTs": "",
        "decRate": "", "adlType": "", "ts": str(TS)}


def test_the_fund_object_totals_its_balance_in_usd() -> None:
    row = render.insurance_balance("USDT", D("2.60"), TS)
    assert row == {"balance": "2.6", "amt": "", "ccy": "USDT", "type": "regular_update", "maxBal": "",
                   "maxBalTs": "", "decRate": "", "adlType": "", "ts": str(TS)}
    assert render.insurance_fund("SWAP", "BTC-USDT", D("2.6"), D("0.999"), [row]) == {
        "total": "2.5974", "instFamily": "BTC-USDT", "instType": "SWAP", "details": [row]}
    assert render.insurance_fund("SWAP", "BTC-USDT", D("2.6"), None, [])["total"] == ""


def test_liquidation_orders_group_an_instruments_fills_and_total_their_loss_on_rest_only() -> None:
    fills = [Liquidation("BTC-USDT-SWAP", TdMode.ISOLATED, Side.SELL, D(10), D("52000.0"), "USDT", TS,
                         Category.FULL_LIQUIDATION, D("108.2")),
             Liquidation("BTC-USDT-SWAP", TdMode.CROSS, Side.BUY, D(3), D("61000.5"), "USDT", TS - 1,
                         Category.FULL_LIQUIDATION)]
    rest = render.liquidation_orders(swap(), fills, total=True)
    assert rest == {
        "instId": "BTC-USDT-SWAP", "instType": "SWAP", "instFamily": "BTC-USDT", "uly": "BTC-USDT",
        "totalLoss": "108.2", "details": [
            {"bkLoss": "108.2", "bkPx": "52000.0", "ccy": "", "posSide": "long", "side": "sell", "sz": "10",
             "ts": str(TS)},
            {"bkLoss": "0", "bkPx": "61000.5", "ccy": "", "posSide": "short", "side": "buy", "sz": "3",
             "ts": str(TS - 1)}]}
    assert "totalLoss" not in render.liquidation_orders(swap(), fills, total=False)


def test_a_delivery_row_names_the_contract_insId() -> None:
    inst = future()
    delivered = ContractDelivered(inst.inst_id, InstType.FUTURES, "BTC-USDT", D("61000.0"), TS)
    assert render.delivery_row(TS, [delivered]) == {
        "ts": str(TS), "details": [{"insId": inst.inst_id, "px": "61000.0", "type": "delivery"}]}
