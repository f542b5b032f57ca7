"""A small client of the admin API (stdlib only), used by `quintex user`."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from .errors import CliError

TIMEOUT_S = 10.0


def admin_post(server: str, token: str, path: str, payload: dict[str, Any],
               timeout_s: float | None = None) -> dict[str, Any]:
    """POST `payload` to `server + path`; the decoded JSON answer, or a CliError saying what failed (no answer
    within `timeout_s`, default `TIMEOUT_S`, is one)."""
    request = urllib.request.Request(
        server.rstrip("/") + path, data=json.dumps(payload).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s or TIMEOUT_S) as response:
            return _decode(response.read(), server)
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            raise CliError(f"the server at {server} rejected the admin token "
                           "(is --data-dir the server's data dir?)") from None
        raise CliError(f"the server answered HTTP {exc.code}: {_error_message(exc)}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CliError(f"cannot reach a Quintex server at {server} ({reason}); "
                       "is `quintex serve` running?") from None


def _decode(body: bytes, server: str) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise CliError(f"{server} did not answer like a Quintex server (no JSON object)")
    return answer


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        answer = json.loads(exc.read())
    except ValueError:
        answer = None
    if isinstance(answer, dict) and isinstance(answer.get("error"), str):
        return answer["error"]
    return str(exc.reason)
