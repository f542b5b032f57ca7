"""The terminal's files as the gateway serves them: index.html never cached, hashed assets cached for a year,
and a build that is complete (every file index.html names is in the package)."""
from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from quintex.gateway.static import register_static
from quintex.web import WEB_ROOT


def fetch(root: Path, *paths: str) -> list[tuple[int, dict[str, str], bytes]]:
    """GET each path from the static routes; on a thread of its own, since Playwright's sync API may hold this
    thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _fetch(root, *paths)).result()


async def _fetch(root: Path, *paths: str) -> list[tuple[int, dict[str, str], bytes]]:
    app = web.Application()
    register_static(app, root)
    async with TestClient(TestServer(app)) as client:
        answers = []
        for path in paths:
            response = await client.get(path)
            answers.append((response.status, dict(response.headers), await response.read()))
        return answers


def test_the_packaged_build_is_complete_and_served_with_cache_headers() -> None:
    index = (WEB_ROOT / "index.html").read_text(encoding="utf-8")
    assets = re.findall(r'"/assets/([^"]+)"', index)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets), index
    answers = fetch(WEB_ROOT, "/", *(f"/assets/{a}" for a in assets))
    status, headers, body = answers[0]
    assert (status, headers["Cache-Control"], body.decode()) == (200, "no-cache", index)
    assert headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    for name, (status, headers, body) in zip(assets, answers[1:], strict=True):
        assert status == 200, name
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert re.fullmatch(r"[a-z]+-[A-Za-z0-9_-]{8}\.(js|css)", name), name  # content-hashed
        assert body == (WEB_ROOT / "assets" / name).read_bytes()
        if name.endswith(".js"):
            assert headers["Content-Type"] in ("application/javascript", "text/javascript")
    assert "https://" not in index and "http://" not in index  # nothing from elsewhere: works offline


def test_unknown_or_sneaky_asset_names_and_a_missing_build_are_404(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("no")
    answers = fetch(WEB_ROOT, "/assets/nothing.js", "/assets/..%2F..%2Fweb%2F__init__.py",
                                "/assets/.hidden")
    assert [a[0] for a in answers] == [404, 404, 404]
    assert [a[0] for a in fetch(tmp_path, "/", "/assets/x.js")] == [404, 404]
