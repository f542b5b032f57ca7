"""The browser terminal and operator console: its build (`static/`), made from `frontend/` with
`npm run build` (see docs/web.md) and committed, so serving it needs no Node.js."""
from __future__ import annotations

from pathlib import Path

WEB_ROOT = Path(__file__).parent / "static"
"""index.html and assets/, served at / by `quintex serve`."""
