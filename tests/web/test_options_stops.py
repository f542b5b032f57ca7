"""Options and stop orders in a real browser: the BTC-USD chain with its marks, vols and deltas and an option's
greeks, and a limit buy of one resting; a limit buy with a stop-loss that arms on the fill, shown in the Stop
orders tab (also when an algo order arrives by push alone) and canceled there."""
from __future__ import annotations

import json
import re
import time
import urllib.request
from decimal import Decimal
from typing import Any

import pytest

from .conftest import Exchange, connect, screenshot

expect = pytest.importorskip("playwright.sync_api",
                             reason="playwright is not installed: pip install -e '.[test]'").expect

OPTION = re.compile(r"^BTC-USD-\d{6}-\d+-[CP]$")


def public(exchange: Exchange, path: str) -> list[dict[str, str]]:
    with urllib.request.urlopen(exchange.url + "/api/v5" + path, timeout=10) as answer:
        body = json.loads(answer.read())
    assert body["code"] == "0", body
    return list(body["data"])


def wait_for_options(exchange: Exchange) -> None:
    """A family lists its chain at the first clock tick after the server starts knowing its index."""
    for _ in range(100):
        if public(exchange, "/public/instruments?instType=OPTION&instFamily=BTC-USD"):
            return
        time.sleep(0.1)
    raise AssertionError("no BTC-USD options listed")


def test_the_btc_usd_option_chain_shows_marks_vols_and_deltas_and_an_option_its_greeks(
        quiet: Exchange, open_page: Any) -> None:
    wait_for_options(quiet)
    page = open_page(quiet.url + "/#/markets/BTC-USDT/1m")
    families = page.get_by_role("list", name="OPTION families").get_by_role("link")
    expect(families).to_have_text(["BTC-USD options", "ETH-USD options"])
    families.first.click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(OPTION)
    inst_id = heading.inner_text()
    assert inst_id.endswith("-C")
    chain = page.get_by_role("table", name="BTC-USD option chain")
    rows = chain.locator("tbody tr")
    expect(rows).to_have_count(13)  # 6 strikes either side of the one nearest the index
    expiry = inst_id.split("-")[2]
    marks = {m["instId"]: m["markPx"] for m in public(quiet, "/public/mark-price?instType=OPTION&instFamily=BTC-USD")}
    summary = {s["instId"]: s for s in public(quiet, f"/public/opt-summary?instFamily=BTC-USD&expTime={expiry}")}
    strike = inst_id.split("-")[3]
    put = inst_id[:-1] + "P"
    row = chain.locator(f"tbody tr[data-strike='{strike}']")
    expect(row.locator("td")).to_have_text([
        marks[inst_id], f"{Decimal(summary[inst_id]['markVol']) * 100:.2f}%", f"{Decimal(summary[inst_id]['delta']):.4f}",
        marks[put], f"{Decimal(summary[put]['markVol']) * 100:.2f}%", f"{Decimal(summary[put]['delta']):.4f}"])
    assert Decimal(summary[inst_id]["delta"]) > 0 > Decimal(summary[put]["delta"])
    for cell in chain.locator("tbody td").all():  # every option of the expiry has its numbers
        expect(cell).to_have_text(re.compile(r"^-?\d+(\.\d+)?%?$"))
    details = page.get_by_role("region", name="Options")
    expect(details.locator("#opt-mark")).to_have_text(f"{marks[inst_id]} BTC")
    expect(details.locator("#opt-delta")).to_have_text(summary[inst_id]["delta"])
    expect(details.locator("#opt-gamma")).to_have_text(summary[inst_id]["gamma"])
    expect(details.locator("#opt-delta-bs")).to_have_text(summary[inst_id]["deltaBS"])
    expect(details.locator("#opt-fwd")).to_have_text(summary[inst_id]["fwdPx"])
    expect(details.locator("#option-about")).to_contain_text(f"Call, strike {strike}, expires")

    chain.get_by_role("link", name=f"{put} mark {marks[put]}").click()
    expect(heading).to_have_text(put)
    expect(page).to_have_url(re.compile(f"#/markets/{put}/1m$"))
    expect(details.locator("#opt-delta")).to_have_text(summary[put]["delta"])
    screenshot(page, "options")
    second = page.get_by_label("Expiry").locator("option").nth(1).get_attribute("value")
    page.get_by_label("Expiry").select_option(second)
    expect(heading).to_have_text(OPTION)
    expect(heading).not_to_have_text(re.compile(f"-{expiry}-"))
    expect(chain.locator("caption")).to_contain_text("BTC-USD options expiring")

    # tradable in cross margin: a limit buy rests in the Open orders tab
    connect(page, quiet.user("opt-trader", BTC="1"))
    expect(page.locator("#option-note")).to_contain_text("cross margin")
    expect(page.get_by_label("Take-profit trigger")).to_be_hidden()
    page.get_by_label("Price").fill("0.0001")
    page.get_by_label("Size", exact=True).fill("1")
    page.get_by_role("button", name="Buy", exact=True).click()
    expect(page.locator(".order-form .notice")).to_have_text(re.compile(r"^Buy order \d+ placed$"))
    expect(page.get_by_role("tab", name="Open orders (1)")).to_be_visible()


def test_a_limit_buy_with_a_stop_loss_arms_it_on_the_fill_and_it_is_canceled_from_the_stop_orders_tab(
        quiet: Exchange, open_page: Any) -> None:
    maker, taker = quiet.user("stop-maker", BTC="1"), quiet.user("stop-taker", USDT="100000")
    quiet.order(maker, "sell", "60000", "0.01")
    page = open_page(quiet.url + "/#/markets/BTC-USDT/1m")
    connect(page, taker)
    page.get_by_label("Order type").select_option("limit")
    page.get_by_label("Price").fill("60000")
    page.get_by_label("Size", exact=True).fill("0.01")
    page.get_by_label("Stop-loss trigger").fill("55000")
    page.get_by_role("button", name="Buy", exact=True).click()
    expect(page.locator(".order-form .notice")).to_have_text(re.compile(r"^Buy order \d+ placed$"))

    stops = page.get_by_role("tab", name=re.compile("^Stop orders"))
    expect(stops).to_have_text("Stop orders (1)")
    stops.click()
    [algo] = quiet.rest(taker, "GET", "/api/v5/trade/orders-algo-pending?ordType=conditional")
    assert (algo["side"], algo["slOrdPx"], algo["tpTriggerPx"]) == ("sell", "-1", "")
    row = page.get_by_role("table", name="Stop orders").locator(f"tbody tr[data-algo-id='{algo['algoId']}']")
    expect(row).to_contain_text("BTC-USDT")
    expect(row).to_contain_text("conditional")
    expect(row.locator("td").nth(4)).to_have_text(algo["sz"])  # what the buy received after its fee
    expect(row).to_contain_text(re.compile(r"SL 55000(\.0+)? \(last\)"))
    expect(row).to_contain_text("SL market")
    row.scroll_into_view_if_needed()
    screenshot(page, "stops")

    # an algo order placed elsewhere arrives by its orders-algo push alone
    [trigger] = quiet.rest(taker, "POST", "/api/v5/trade/order-algo", {
        "instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "trigger", "sz": "0.001",
        "triggerPx": "50000", "orderPx": "-1"})
    expect(stops).to_have_text("Stop orders (2)")
    expect(page.get_by_role("table", name="Stop orders").locator(f"tr[data-algo-id='{trigger['algoId']}']")
           ).to_contain_text("50000")

    page.get_by_role("button", name=f"Cancel stop order {algo['algoId']}").click()
    expect(page.locator(".account .notice")).to_have_text(f"Stop order {algo['algoId']} canceled")
    expect(row).to_have_count(0)
    expect(stops).to_have_text("Stop orders (1)")
    page.get_by_role("button", name=f"Cancel stop order {trigger['algoId']}").click()
    expect(page.get_by_role("table", name="Stop orders").locator("tbody")).to_have_text("No stop orders")
    assert quiet.rest(taker, "GET", "/api/v5/trade/orders-algo-pending?ordType=conditional,oco") == []
    assert quiet.rest(taker, "GET", "/api/v5/trade/orders-algo-pending?ordType=trigger") == []


def test_tp_and_sl_are_attached_to_a_swap_order(quiet: Exchange, open_page: Any) -> None:
    who = quiet.user("swap-tpsl", USDT="100000")
    page = open_page(quiet.url + "/#/markets/BTC-USDT-SWAP/1m")
    connect(page, who)
    page.get_by_label("Order type").select_option("limit")
    page.get_by_label("Price").fill("60000")
    page.get_by_label("Size", exact=True).fill("1")
    page.get_by_label("Take-profit trigger").fill("70000")
    page.get_by_label("Stop-loss trigger").fill("58000")
    page.get_by_role("button", name="Buy", exact=True).click()
    expect(page.locator(".order-form .notice")).to_have_text(re.compile(r"^Buy order \d+ placed$"))
    [order] = quiet.rest(who, "GET", "/api/v5/trade/orders-pending?instId=BTC-USDT-SWAP")
    [attached] = order["attachAlgoOrds"]
    assert (Decimal(attached["tpTriggerPx"]), attached["tpOrdPx"], Decimal(attached["slTriggerPx"]),
            attached["slOrdPx"]) == (Decimal(70000), "-1", Decimal(58000), "-1")


def test_the_option_chain_and_the_stop_orders_fit_a_phone_and_every_field_has_a_label(
        quiet: Exchange, open_page: Any) -> None:
    wait_for_options(quiet)
    page = open_page(quiet.url + "/#/markets/BTC-USDT/1m", 390, 844)
    page.get_by_role("link", name="ETH-USD options").click()
    chain = page.get_by_role("table", name="ETH-USD option chain")
    expect(chain.locator("tbody tr")).to_have_count(13)
    expect(chain.locator("tbody tr").first.locator("td").first).to_have_text(re.compile(r"^\d+\.\d{4}$"))
    connect(page, quiet.user("phone-options", ETH="1"))
    page.get_by_role("tab", name=re.compile("^Stop orders")).click()
    expect(page.get_by_role("table", name="Stop orders")).to_contain_text("No stop orders")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the options page is {width} px wide on a 390 px screen"
    unlabeled = page.evaluate("""[...document.querySelectorAll('input, select, textarea')]
        .filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.outerHTML)""")
    assert unlabeled == []
