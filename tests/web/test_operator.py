"""The operator console in a real browser, over the admin API of a live market on a manual clock."""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from typing import Any

import pytest

from .conftest import Exchange, screenshot

expect = pytest.importorskip("playwright.sync_api",
                             reason="playwright is not installed: pip install -e '.[test]'").expect


def console(open_page: Any, live: Exchange, allow: str | None = None) -> Any:
    page = open_page(live.url + "/#/operator", allow=allow)
    page.get_by_label("Admin token", exact=True).fill(live.token)
    page.get_by_role("button", name="Use token").click()
    expect(page.get_by_role("table", name="Prices").locator("tr[data-ccy=BTC]")).to_be_visible()
    return page


def advance(page: Any, by: str) -> None:
    page.get_by_label("Advance by").fill(by)
    page.get_by_role("button", name="Advance clock").click()
    expect(page.locator(".operator .notice.ok").first).to_have_text(f"Clock advanced by {by}", timeout=60_000)


def last_price(page: Any) -> float:
    return float(page.locator("#ticker-last").inner_text())


def test_a_btc_shock_of_minus_20_percent_moves_the_ticker_and_the_chart(live: Exchange, open_page: Any) -> None:
    ops = console(open_page, live)
    expect(ops.get_by_text("manual", exact=True)).to_be_visible()
    advance(ops, "2m")
    terminal = open_page(live.url + "/#/markets/BTC-USDT/1m")
    expect(terminal.locator("#ticker-last")).to_have_text(re.compile(r"^\d"))
    before = last_price(terminal)
    shock = ops.get_by_role("form", name="Shock a price")
    shock.get_by_label("Currency").select_option("BTC")
    shock.get_by_label("Change (%)").fill("-20")
    shock.get_by_role("button", name="Shock").click()
    expect(ops.locator(".operator .notice.ok").first).to_have_text(re.compile(r"^Shocked BTC -20%: BTC is now [\d.]+ USD"))
    advance(ops, "30s")
    terminal.wait_for_function(f"Number(document.querySelector('#ticker-last').textContent) < {before * 0.85}")
    terminal.wait_for_function(f"Number(document.querySelector('#chart').dataset.lastClose) < {before * 0.85}")
    assert last_price(terminal) > before * 0.7
    advance(ops, "3m")
    screenshot(terminal, "markets")
    screenshot(ops, "operator")


def test_agents_pause_and_resume_and_snapshots_save(live: Exchange, open_page: Any) -> None:
    ops = console(open_page, live)
    ops.get_by_role("button", name="Pause agents").click()
    expect(ops.get_by_role("button", name="Resume agents")).to_be_visible()
    expect(ops.locator("#market-status")).to_contain_text("(paused)")
    ops.get_by_role("button", name="Resume agents").click()
    expect(ops.get_by_role("button", name="Pause agents")).to_be_visible()
    ops.get_by_label("Snapshot name").fill("web-test")
    ops.get_by_role("button", name="Save snapshot").click()
    snapshots = ops.get_by_role("table", name="Snapshots")
    expect(snapshots).to_contain_text("web-test")
    snapshots.get_by_role("button", name="Restore snapshot web-test").click()
    expect(ops.locator(".operator .notice.ok").first).to_have_text("Restored web-test")
    setp = ops.get_by_role("form", name="Set a price")
    setp.get_by_label("Currency").select_option("SOL")
    setp.get_by_label("USD price").fill("123.5")
    setp.get_by_role("button", name="Set price").click()
    expect(ops.get_by_role("table", name="Prices").locator("tr[data-ccy=SOL]")).to_contain_text("123.5")


def test_a_user_made_in_the_console_trades_with_its_key_shown_once(live: Exchange, open_page: Any) -> None:
    ops = console(open_page, live, allow="status of 409")  # the browser's note of the duplicate's answer
    create = ops.get_by_role("form", name="Create a user")
    create.get_by_label("User name").fill("carol")
    create.get_by_label("Funds").fill("USDT=5000 BTC=1")
    create.get_by_role("button", name="Create user").click()
    key = ops.locator("#new-key")
    expect(key).to_contain_text("Shown once")
    expect(key).to_contain_text("Secret key")
    user = ops.locator("#user-info")
    expect(user.get_by_role("table", name="Balances of carol")).to_contain_text("5000")

    fund = ops.get_by_role("form", name="Fund a user")
    fund.get_by_label("User name").fill("carol")
    fund.get_by_label("Funds").fill("USDT=100")
    fund.get_by_role("button", name="Fund user").click()
    expect(user.get_by_role("table", name="Balances of carol")).to_contain_text("5100")

    subs = ops.get_by_role("form", name="Sub-accounts")
    subs.get_by_label("Master user").fill("carol")
    subs.get_by_label("Sub-account name").fill("caroldesk1")
    subs.get_by_role("button", name="Create sub-account").click()
    expect(key).to_contain_text("Sub-account caroldesk1 of carol")
    subs.get_by_role("button", name="Freeze", exact=True).click()
    expect(user.get_by_role("table", name="Sub-accounts of carol")).to_contain_text("frozen")

    ops.get_by_role("form", name="Create a user").get_by_label("User name").fill("carol")
    create.get_by_role("button", name="Create user").click()
    expect(ops.get_by_role("alert")).to_contain_text("HTTP 409")

    ops.get_by_role("form", name="Issue an API key").get_by_label("User name").fill("carol")
    ops.get_by_role("button", name="Issue API key").click()
    expect(key).to_contain_text("New key of carol")
    key.get_by_role("button", name="Trade with this key").click()
    expect(ops).to_have_url(re.compile("#/markets/"))
    expect(ops.locator("#who")).to_contain_text("Connected")
    ops.get_by_role("tab", name="Balances").click()
    expect(ops.get_by_role("table", name="Trading account").locator("tr[data-ccy=USDT]")).to_contain_text("5100")


def test_a_wrong_admin_token_is_refused(live: Exchange, open_page: Any) -> None:
    page = open_page(live.url + "/#/operator", allow="status of 401")
    page.get_by_label("Admin token", exact=True).fill("not-the-token")
    page.get_by_role("button", name="Use token").click()
    expect(page.get_by_role("alert")).to_have_text("HTTP 401: missing or invalid admin token")
    expect(page.get_by_role("region", name="Market")).to_be_hidden()


def test_phone_sized_pages_fit_the_screen_and_every_field_has_a_label(live: Exchange, open_page: Any) -> None:
    for route in ("/#/markets/BTC-USDT/1m", "/#/operator"):
        page = open_page(live.url + route, 390, 844)
        page.locator("main *").first.wait_for()
        page.wait_for_timeout(300)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{route} is {width} px wide on a 390 px screen"
        unlabeled = page.evaluate("""[...document.querySelectorAll('input, select, textarea')]
            .filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.outerHTML)""")
        assert unlabeled == []
        if route.startswith("/#/markets"):
            expect(page.locator("#chart canvas").first).to_be_visible()
            screenshot(page, "phone")


def test_the_server_panel_shows_the_journal_the_clients_and_the_error_answers(live: Exchange, open_page: Any) -> None:
    try:
        urllib.request.urlopen(live.url + "/api/v5/account/set-auto-repay", timeout=10)
    except urllib.error.HTTPError as gone:
        assert gone.code == 410
    ops = console(open_page, live)
    server = ops.get_by_role("region", name="Server")
    stats = server.locator("#server-status")
    expect(stats).to_contain_text(re.compile(r"Journal seq\s*[1-9]\d*"))
    expect(stats).to_contain_text(re.compile(r"Last snapshot\s*(seq \d+, \d+ s ago|none)"))
    expect(stats).to_contain_text(re.compile(r"Durability\s*fsync"))
    expect(stats).to_contain_text(re.compile(r"WebSocket clients\s*[1-9]\d* public"))
    errors = server.get_by_role("table", name="Error answers")
    expect(errors.get_by_role("row", name="account/set-auto-repay 50005")).to_be_visible()
