"""Browser tests: headless Debian chromium driven by Playwright for Python, against a real `quintex serve`.

The browser is the system's (`/usr/bin/chromium`, or $QUINTEX_CHROMIUM); nothing is downloaded. When it or
Playwright is missing the browser tests skip and say why (.ci/run installs chromium, so on CI they run).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.clients.server import Server
from tests.integration.okxrest import Account, create_user

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def chromium_path() -> str | None:
    for candidate in (os.environ.get("QUINTEX_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Per module: Playwright's sync API holds the thread's event loop while it runs, which asyncio.run() in
    other tests must not meet."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("no chromium found (/usr/bin/chromium or $QUINTEX_CHROMIUM): apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@dataclass
class Exchange:
    server: Server

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def token(self) -> str:
        return (self.server.data_dir / "admin-token").read_text().strip()

    def user(self, name: str, **fund: str) -> Account:
        return create_user(self.url, self.token, name, fund)

    def rest(self, who: Account, method: str, path: str, payload: dict[str, Any] | None = None) -> list[Any]:
        """A signed OKX call, as any client makes it; returns `data` and insists on code 0."""
        body = json.dumps(payload) if payload is not None else ""
        now = datetime.now(UTC)
        ts = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
        sign = base64.b64encode(hmac.new(who.secret_key.encode(), (ts + method + path + body).encode(),
                                         hashlib.sha256).digest()).decode()
        request = urllib.request.Request(self.url + path, method=method, data=body.encode() if body else None, headers={
            "OK-ACCESS-KEY": who.api_key, "OK-ACCESS-SIGN": sign, "OK-ACCESS-TIMESTAMP": ts,
            "OK-ACCESS-PASSPHRASE": who.passphrase, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
        assert answer["code"] == "0", answer
        return answer["data"]

    def order(self, who: Account, side: str, px: str, sz: str, inst_id: str = "BTC-USDT") -> str:
        data = self.rest(who, "POST", "/api/v5/trade/order", {
            "instId": inst_id, "tdMode": "cash", "side": side, "ordType": "limit", "px": px, "sz": sz})
        return str(data[0]["ordId"])


def _exchange(tmp_path_factory: pytest.TempPathFactory, *args: str) -> Iterator[Exchange]:
    server = Server(Path(tmp_path_factory.mktemp("quintex-web")) / "data", *args)
    yield Exchange(server)
    assert server.stop() == 0


@pytest.fixture(scope="module")
def quiet(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exchange]:
    """An exchange with the market simulator off: only the tests' users trade."""
    yield from _exchange(tmp_path_factory)


@pytest.fixture(scope="module")
def live(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exchange]:
    """The simulated market on a manual clock: it moves only when the operator advances the clock."""
    yield from _exchange(tmp_path_factory, "--market", "live", "--clock", "manual")


class Console:
    """Everything the page wrote to the console as a warning or error, and the uncaught errors: a test ends
    with none, but for messages it expects (`allow`, e.g. the browser's own note of an HTTP 401)."""

    def __init__(self, page: Any, allow: str | None) -> None:
        self.errors: list[str] = []
        self.allow = re.compile(allow) if allow else None
        page.on("console", lambda m: m.type in ("error", "warning") and self.note(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.note(f"uncaught: {e}"))

    def note(self, text: str) -> None:
        if not (self.allow and self.allow.search(text)):
            self.errors.append(text)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """`open_page(url, width, height)`: a page in a fresh context (its own sessionStorage), checked for
    console errors when the test ends."""
    contexts: list[tuple[Any, Console]] = []

    def make(url: str, width: int = 1280, height: int = 800, allow: str | None = None) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(10_000)
        console = Console(page, allow)
        contexts.append((context, console))
        page.goto(url)
        return page

    yield make
    errors = [e for _, console in contexts for e in console.errors]
    for context, _ in contexts:
        context.close()
    assert errors == [], errors


def screenshot(page: Any, name: str) -> None:
    """Refresh docs/img/NAME.png when QUINTEX_SCREENSHOTS is set (so a test run leaves the tree clean)."""
    if os.environ.get("QUINTEX_SCREENSHOTS"):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_IMG / f"{name}.png"))


def connect(page: Any, who: Account) -> None:
    """Paste a key into the terminal, as a person does."""
    page.get_by_label("API key", exact=True).fill(who.api_key)
    page.get_by_label("Secret key").fill(who.secret_key)
    page.get_by_label("Passphrase").fill(who.passphrase)
    page.get_by_role("button", name="Connect").click()
    page.locator("#who").wait_for()
