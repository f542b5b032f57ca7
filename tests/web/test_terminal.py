"""The terminal in a real browser: markets, a key pasted, orders placed, amended, canceled and crossed."""
from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from .conftest import Exchange, connect, screenshot

expect = pytest.importorskip("playwright.sync_api",
                             reason="playwright is not installed: pip install -e '.[test]'").expect


def place(page: Any, side: str, px: str, sz: str, ord_type: str = "limit") -> None:
    page.get_by_label("Order type").select_option(ord_type)
    if px:
        page.get_by_label("Price").fill(px)
    page.get_by_label("Size", exact=True).fill(sz)
    page.get_by_role("button", name=side, exact=True).click()
    expect(page.locator(".order-form .notice")).to_have_text(re.compile(f"{side} order \\d+ placed"))


def open_orders(page: Any) -> Any:
    return page.get_by_role("table", name="Open orders").locator("tbody tr[data-ord-id]")


def test_the_markets_page_loads_fast_and_draws_candles_from_trades(quiet: Exchange, open_page: Any) -> None:
    seller, buyer = quiet.user("mk-seller", BTC="1"), quiet.user("mk-buyer", USDT="100000")
    for px in ("60000", "60100.5"):
        quiet.order(seller, "sell", px, "0.01")
        quiet.order(buyer, "buy", px, "0.01")
    page = open_page(quiet.url + "/#/markets/BTC-USDT/1m")
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    assert 0 < loaded < 1000, f"the page took {loaded:.0f} ms to load"
    markets = page.get_by_role("navigation", name="Instruments")
    expect(markets.get_by_role("list", name="SPOT instruments").get_by_role("link")).to_have_text(
        [re.compile(i) for i in ("BTC-USDT", "ETH-USDT", "SOL-USDT", "ETH-BTC", "BTC-USDC")])
    expect(markets.get_by_role("list", name="SWAP instruments").get_by_role("link")).to_have_text(
        [re.compile(i) for i in ("BTC-USDT-SWAP", "ETH-USDT-SWAP", "SOL-USDT-SWAP", "BTC-USD-SWAP", "ETH-USD-SWAP")])
    expect(markets.get_by_role("list", name="FUTURES instruments").get_by_role("link")).to_have_count(8)
    chart = page.locator("#chart")
    expect(chart.locator("canvas").first).to_be_visible()
    expect(chart).to_have_attribute("data-candles", re.compile("^[12]$"))  # two trades: one or two minutes
    expect(chart).to_have_attribute("data-last-close", "60100.5")
    expect(page.locator("#last-candle")).to_contain_text("close 60100.5")
    expect(page.locator("#ticker-last")).to_have_text("60100.5")
    trades = page.get_by_role("table", name="Recent trades")
    expect(trades.locator("tbody tr")).to_have_count(2)
    expect(trades.locator("tbody tr").first).to_contain_text("60100.5")
    bars = page.get_by_label("Bar")
    assert len(bars.locator("option").all()) == 25  # every OKX bar, with the UTC-aligned ones
    bars.select_option("1s")
    expect(page).to_have_url(re.compile("#/markets/BTC-USDT/1s$"))
    expect(page.locator("#last-candle")).to_contain_text(re.compile("^1s bar .*close 60100.5"))
    expect(chart).to_have_attribute("data-candles", re.compile("^[12]$"))
    page.get_by_role("link", name="ETH-USDT", exact=True).click()
    expect(page.get_by_role("heading", name="ETH-USDT", level=1)).to_be_visible()
    expect(page.locator("#last-candle")).to_have_text("No 1s bars yet: there have been no trades.")


def test_a_limit_order_rests_in_the_book_survives_a_refresh_is_amended_and_canceled(
        quiet: Exchange, open_page: Any) -> None:
    alice = quiet.user("alice", USDT="100000", ETH="10")
    page = open_page(quiet.url + "/#/markets/ETH-USDT/1m")
    expect(page.get_by_role("button", name="Buy", exact=True)).to_be_disabled()
    connect(page, alice)
    place(page, "Buy", "3000", "0.5")
    orders = open_orders(page)
    expect(orders).to_have_count(1)
    expect(orders.first).to_contain_text("3000")
    bids = page.get_by_role("table", name="Bids")
    expect(bids).to_contain_text("3000")
    expect(page.locator("#available")).to_contain_text("Available: 98500 USDT")

    page.reload()  # the key stays in this tab's sessionStorage; everything else comes from the server
    expect(open_orders(page)).to_have_count(1)
    expect(page.get_by_role("table", name="Bids")).to_contain_text("3000")

    open_orders(page).first.get_by_role("button", name="Amend").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("New price").fill("3001")
    dialog.get_by_label("New size").fill("0.4")
    dialog.get_by_role("button", name="Amend order").click()
    expect(dialog).to_be_hidden()
    expect(open_orders(page).first).to_contain_text("3001")
    expect(open_orders(page).first).to_contain_text("0.4")
    expect(page.get_by_role("table", name="Bids")).to_contain_text("3001")

    open_orders(page).first.get_by_role("button", name="Cancel").click()
    expect(open_orders(page)).to_have_count(0)
    expect(page.get_by_role("table", name="Bids")).not_to_contain_text("3001")
    page.get_by_role("tab", name="Order history").click()
    expect(page.get_by_role("table", name="Order history")).to_contain_text("canceled")
    expect(page.locator("#available")).to_contain_text("Available: 100000 USDT")


def test_a_crossing_order_from_a_second_key_fills_and_both_tabs_show_it(quiet: Exchange, open_page: Any) -> None:
    maker, taker = quiet.user("maker", SOL="100"), quiet.user("taker", USDT="100000")
    maker_page = open_page(quiet.url + "/#/markets/SOL-USDT/1m")
    connect(maker_page, maker)
    place(maker_page, "Sell", "150", "2")
    expect(open_orders(maker_page)).to_have_count(1)

    taker_page = open_page(quiet.url + "/#/markets/SOL-USDT/1m")
    connect(taker_page, taker)
    expect(taker_page.get_by_role("table", name="Asks")).to_contain_text("150")
    place(taker_page, "Buy", "150", "2")

    for page in (maker_page, taker_page):
        expect(page.get_by_role("table", name="Recent trades").locator("tbody tr").first).to_contain_text("150")
        page.get_by_role("tab", name="Fills").click()
        fills = page.get_by_role("table", name="Fills").locator("tbody tr")
        expect(fills).to_have_count(1)
        expect(fills.first).to_contain_text("150")
    expect(maker_page.get_by_role("tab", name="Open orders")).to_have_text("Open orders (0)")
    expect(maker_page.get_by_role("table", name="Fills")).to_contain_text("maker")
    expect(taker_page.get_by_role("table", name="Fills")).to_contain_text("taker")

    # the balances on the page are the server's
    for page, who, ccy in ((maker_page, maker, "USDT"), (taker_page, taker, "SOL")):
        [account] = quiet.rest(who, "GET", "/api/v5/account/balance")
        server = {d["ccy"]: d["availBal"] for d in account["details"]}
        assert float(server[ccy]) > 0
        page.get_by_role("tab", name="Balances").click()
        expect(page.get_by_role("table", name="Trading account").locator(f"tr[data-ccy={ccy}]")).to_contain_text(
            server[ccy])
        page.get_by_role("tab", name="Bills").click()
        expect(page.get_by_role("table", name="Bills")).to_contain_text("trade")
    screenshot(taker_page, "trading")

    # a second tab of the taker shows the same
    second = open_page(quiet.url + "/#/markets/SOL-USDT/1m")
    connect(second, taker)
    second.get_by_role("tab", name="Fills").click()
    expect(second.get_by_role("table", name="Fills").locator("tbody tr")).to_have_count(1)
    expect(second.locator("#available")).to_have_text(taker_page.locator("#available").inner_text())


def test_market_orders_take_size_in_base_or_quote(quiet: Exchange, open_page: Any) -> None:
    seller, buyer = quiet.user("eb-seller", ETH="10"), quiet.user("eb-buyer", BTC="10")
    quiet.order(seller, "sell", "0.05", "1", inst_id="ETH-BTC")
    page = open_page(quiet.url + "/#/markets/ETH-BTC/1m")
    connect(page, buyer)
    page.get_by_label("Order type").select_option("market")
    expect(page.get_by_label("Price")).to_be_hidden()
    page.get_by_label("Size in").select_option(label="BTC")
    place(page, "Buy", "", "0.01", "market")  # 0.01 BTC worth: 0.2 ETH
    page.get_by_role("tab", name="Fills").click()
    expect(page.get_by_role("table", name="Fills").locator("tbody tr").first).to_contain_text("0.2")
    place(page, "Sell", "0.06", "0.1", "post_only")
    page.get_by_role("tab", name="Open orders").click()
    expect(open_orders(page)).to_have_count(1)
    expect(open_orders(page).first).to_contain_text("post_only")


def test_a_bad_key_shows_okx_s_auth_error_and_an_order_error_shows_its_code(quiet: Exchange, open_page: Any) -> None:
    page = open_page(quiet.url + "/#/markets/BTC-USDT/1m", allow="status of 401")
    connect_form = page.get_by_role("form", name="Connect an API key")
    page.get_by_label("API key", exact=True).fill(str(uuid.uuid4()))
    page.get_by_label("Secret key").fill("0" * 32)
    page.get_by_label("Passphrase").fill("Nope-1234")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile(r"^50111: Invalid OK-ACCESS-KEY"))
    expect(connect_form).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0

    bob = quiet.user("bob", USDT="10")
    page.get_by_label("API key", exact=True).fill(bob.api_key)
    page.get_by_label("Secret key").fill("1" * 32)
    page.get_by_label("Passphrase").fill(bob.passphrase)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile(r"^50113: "))

    page.get_by_label("Secret key").fill(bob.secret_key)
    page.get_by_role("button", name="Connect").click()
    page.locator("#who").wait_for()
    place_error = page.locator(".order-form .notice")
    page.get_by_label("Price").fill("60000")
    page.get_by_label("Size", exact=True).fill("1")
    page.get_by_role("button", name="Buy", exact=True).click()
    expect(place_error).to_have_text(re.compile(r"^51008: "))
    expect(place_error).to_have_attribute("role", "alert")
