"""Swaps in a real browser: a contract's mark, index, funding and open interest; leverage, a swap order filled
against a second key, the position with its PnL and liquidation price, closed; the console's list of users."""
from __future__ import annotations

import json
import re
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from .conftest import Exchange, connect, screenshot

expect = pytest.importorskip("playwright.sync_api",
                             reason="playwright is not installed: pip install -e '.[test]'").expect

SWAP = "BTC-USDT-SWAP"


def set_price(exchange: Exchange, ccy: str, px: str) -> None:
    """The operator sets a currency's USD price (the market is off: prices stand still otherwise)."""
    request = urllib.request.Request(exchange.url + "/admin/market/price", method="POST",
                                     data=json.dumps({"ccy": ccy, "px": px}).encode(),
                                     headers={"Authorization": f"Bearer {exchange.token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read()) == {"ccy": ccy, "usd": px}


def swap_order(exchange: Exchange, who: Any, side: str, px: str, sz: str) -> None:
    exchange.rest(who, "POST", "/api/v5/trade/order", {
        "instId": SWAP, "tdMode": "cross", "side": side, "ordType": "limit", "px": px, "sz": sz})


def test_a_swap_shows_its_mark_index_funding_countdown_and_open_interest(quiet: Exchange, open_page: Any) -> None:
    page = open_page(quiet.url + f"/#/markets/{SWAP}/1m")
    expect(page.get_by_role("heading", name=SWAP, level=1)).to_be_visible()
    contract = page.get_by_role("region", name="Contract")
    expect(contract).to_be_visible()
    with urllib.request.urlopen(quiet.url + f"/api/v5/public/funding-rate?instId={SWAP}", timeout=10) as answer:
        [funding] = json.loads(answer.read())["data"]
    expect(contract.locator("#mark-px")).to_have_text(re.compile(r"^65000(\.0+)?$"))
    expect(contract.locator("#index-px")).to_have_text("65000")
    expect(contract.locator("#funding-rate")).to_have_text(f"{Decimal(funding['fundingRate']) * 100:.4f}%")
    at = datetime.fromtimestamp(int(funding["fundingTime"]) / 1000, UTC).strftime("%H:%M")
    expect(contract.locator("#funding-countdown")).to_have_text(re.compile(rf"^in 0\d:[0-5]\d:[0-5]\d \({at} UTC\)$"))
    expect(contract.locator("#open-interest")).to_have_text("0 contracts (0 BTC, 0 USD)")
    expect(contract.locator("#contract-about")).to_have_text(
        "Linear perpetual swap: 1 contract = 0.01 BTC, settled in USDT, sizes in contracts, up to 100×")
    expect(page.locator("#ticker")).to_contain_text("24h volume (contracts)")

    # a spot pair has none of it, a future its expiry instead of funding
    page.get_by_role("link", name="BTC-USDT", exact=True).click()
    expect(page.get_by_role("heading", name="BTC-USDT", level=1)).to_be_visible()
    expect(contract).to_be_hidden()
    future = page.get_by_role("list", name="FUTURES instruments").get_by_role("link").first
    future.click()
    expect(contract).to_be_visible()
    expect(contract.locator("#expiry")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d 08:00 UTC \(this week\)$"))
    expect(contract.locator("#funding-rate")).to_have_count(0)
    expect(contract.locator("#mark-px")).to_have_text(re.compile(r"^\d"))


def test_leverage_a_filled_swap_order_its_position_with_pnl_and_liquidation_price_and_closing_it(
        quiet: Exchange, open_page: Any) -> None:
    maker, taker = quiet.user("swap-maker", USDT="100000"), quiet.user("swap-taker", USDT="100000")
    page = open_page(quiet.url + f"/#/markets/{SWAP}/1m")
    connect(page, taker)
    expect(page.get_by_label("Size in")).to_be_hidden()  # contracts are sized in contracts
    expect(page.locator("#sz-hint")).to_have_text("in contracts (1 = 0.01 BTC)")
    expect(page.locator("#available")).to_have_text("Available: 100000 USDT (margin)")
    page.get_by_label("Margin mode").select_option("isolated")
    expect(page.get_by_label("Leverage")).to_have_value("10")  # OKX's default
    page.get_by_label("Leverage").fill("20")
    page.get_by_role("button", name="Set leverage").click()
    expect(page.locator(".order-form .notice")).to_have_text(f"Leverage 20× (isolated) set for {SWAP}")
    [info] = quiet.rest(taker, "GET", f"/api/v5/account/leverage-info?instId={SWAP}&mgnMode=isolated")
    assert info["lever"] == "20"
    page.get_by_label("Leverage").fill("101")
    page.get_by_role("button", name="Set leverage").click()
    expect(page.locator(".order-form .notice")).to_have_text(re.compile(r"^59102: "))
    expect(page.get_by_label("Leverage")).to_have_value("20")  # the refused value is not kept

    swap_order(quiet, maker, "sell", "65000", "1")  # the second key's ask
    expect(page.get_by_role("table", name="Asks")).to_contain_text("65000")
    page.get_by_label("Price").fill("65000")
    page.get_by_label("Size", exact=True).fill("1")
    page.get_by_role("button", name="Buy", exact=True).click()
    expect(page.locator(".order-form .notice")).to_have_text(re.compile(r"^Buy order \d+ placed$"))

    expect(page.get_by_role("tab", name="Positions")).to_have_text("Positions (1)")
    page.get_by_role("tab", name="Positions").click()
    row = page.get_by_role("table", name="Positions").locator(f"tr[data-inst={SWAP}]")
    expect(row).to_have_count(1)
    cells = row.locator("td")
    expect(cells).to_have_text([SWAP, "isolated", "long", "1", "65000", re.compile(r"^65000"), "0 USDT", "0.00%",
                                "20×", "32.5", re.compile(r"%$"), re.compile(r"^62029\.13"), "Close"])
    expect(page.get_by_role("region", name="Contract").locator("#open-interest")).to_have_text(
        re.compile(r"^1 contracts \(0\.01 BTC, "))

    set_price(quiet, "BTC", "66000")  # the mark follows the index: a 10 USDT gain on 0.01 BTC
    expect(cells.nth(5)).to_have_text(re.compile(r"^66000(\.0+)?$"))
    [server] = quiet.rest(taker, "GET", f"/api/v5/account/positions?instId={SWAP}")
    assert Decimal(server["upl"]) == 10
    expect(cells.nth(6)).to_have_text(f"{server['upl']} USDT")
    expect(cells.nth(7)).to_have_text(f"{Decimal(server['uplRatio']) * 100:.2f}%")  # 10 / 32.5
    expect(cells.nth(7)).to_have_text("30.77%")
    expect(cells.nth(10)).to_have_text(f"{Decimal(server['mgnRatio']) * 100:.2f}%")
    expect(cells.nth(11)).to_have_text(server["liqPx"])
    screenshot(page, "derivatives")

    swap_order(quiet, maker, "buy", "66000", "1")  # someone to close against
    page.get_by_role("button", name=f"Close position {SWAP} isolated").click()
    expect(page.locator(".account .notice")).to_have_text(f"Closing {SWAP} (isolated) at market")
    expect(page.get_by_role("tab", name="Positions")).to_have_text("Positions (0)")
    expect(page.get_by_role("table", name="Positions")).to_contain_text("No open positions")
    assert quiet.rest(taker, "GET", f"/api/v5/account/positions?instId={SWAP}") == []
    page.get_by_role("tab", name="Bills").click()
    bills = page.get_by_role("table", name="Bills").locator("tbody tr")
    expect(bills).to_have_count(3)  # the deposit, the open, the close with its 10 USDT of PnL
    expect(bills.first).to_contain_text("trade")
    expect(bills.first.locator("td").nth(5)).to_have_text(re.compile(r"^10(\.0+)?$"))
    page.get_by_role("tab", name="Fills").click()
    expect(page.get_by_role("table", name="Fills").locator("tbody tr")).to_have_count(2)

    # reduce-only is sent: with no position there is nothing to reduce
    page.get_by_label("Reduce only").check()
    page.get_by_label("Price").fill("66000")
    page.get_by_role("button", name="Sell", exact=True).click()
    expect(page.locator(".order-form .notice")).to_have_text(re.compile(r"^51169: "))


def test_the_console_lists_every_user(quiet: Exchange, open_page: Any) -> None:
    quiet.user("listed-one", USDT="1")
    page = open_page(quiet.url + "/#/operator")
    page.get_by_label("Admin token", exact=True).fill(quiet.token)
    page.get_by_role("button", name="Use token").click()
    users = page.get_by_role("table", name="All users")
    expect(users.locator("tr[data-user=listed-one]")).to_contain_text("Futures")
    expect(users.locator("tbody tr td:nth-child(1)")).to_have_text(user_names(quiet))
    users.get_by_role("button", name="Look up listed-one").click()
    expect(page.get_by_role("table", name="Balances of listed-one")).to_contain_text("USDT")
    create = page.get_by_role("form", name="Create a user")
    create.get_by_label("User name").fill("listed-two")
    create.get_by_role("button", name="Create user").click()
    expect(users.locator("tr[data-user=listed-two]")).to_contain_text("enabled")


def test_a_swap_fits_a_phone_and_every_field_has_a_label(quiet: Exchange, open_page: Any) -> None:
    page = open_page(quiet.url + f"/#/markets/{SWAP}/1m", 390, 844)
    expect(page.locator("#mark-px")).to_have_text(re.compile(r"^\d"))
    connect(page, quiet.user("phone-swapper", USDT="10"))
    expect(page.get_by_label("Margin mode")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the swap page is {width} px wide on a 390 px screen"
    unlabeled = page.evaluate("""[...document.querySelectorAll('input, select, textarea')]
        .filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.outerHTML)""")
    assert unlabeled == []


def user_names(exchange: Exchange) -> list[str]:
    """Every user's name from the admin API, by uid."""
    request = urllib.request.Request(exchange.url + "/admin/users",
                                     headers={"Authorization": f"Bearer {exchange.token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return [u["name"] for u in json.loads(response.read())["users"]]
