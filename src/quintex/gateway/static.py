"""The browser terminal's built files at `/` (index.html) and `/assets/` (content-hashed names).

index.html is never cached (`no-cache`: revalidated each load, so a new build shows at once); the
hashed assets are cached for a year as immutable. These routes are outside /api/v5 and /admin/, so
they spend no rate limit; what the page then asks of the API is counted like any client's.
"""
from __future__ import annotations

import re
from pathlib import Path

from aiohttp import web

INDEX_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
                               "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
}
ASSET_HEADERS = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}
_ASSET_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")


def register_static(app: web.Application, root: Path) -> None:
    """Serve the build in `root` (index.html and assets/); a missing build answers 404."""
    index = root / "index.html"
    assets = root / "assets"

    async def page(request: web.Request) -> web.StreamResponse:
        if not index.is_file():
            raise web.HTTPNotFound(text="the web terminal is not built (see docs/web.md)")
        return web.FileResponse(index, headers=INDEX_HEADERS)

    async def asset(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        path = assets / name
        if not _ASSET_NAME.fullmatch(name) or not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers=ASSET_HEADERS)

    app.router.add_get("/", page)
    app.router.add_get("/index.html", page)
    app.router.add_get("/assets/{name}", asset)
