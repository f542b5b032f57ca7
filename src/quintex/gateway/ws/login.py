"""WebSocket login: `{"op":"login","args":[{apiKey, passphrase, timestamp, sign}]}`.

`sign` = Base64(HMAC-SHA256(secret, timestamp + "GET" + "/users/self/verify")), where `timestamp`
is Unix seconds exactly as the client wrote it: a string ("1538054050", or cryptofeed's decimal
"1597026383.085"), or a JSON number (python-okx). It must lie within 30 s of the server's clock or of
the wall clock (they differ when the exchange runs on an accelerated or manual clock).
"""
from __future__ import annotations

import hmac
import math
import re
from typing import Any, Protocol

from quintex.core.records import ApiKey
from quintex.okx import ws
from quintex.okx.signing import signature_matches, ws_login_prehash
from quintex.runtime.clock import wall_ms

from .errors import Malformed

MAX_SKEW_S = 30.0
_SECONDS = re.compile(r"\d{1,12}(?:\.\d{1,9})?")


class KeyStore(Protocol):
    def api_key(self, api_key: str) -> ApiKey | None: ...


def verify(args: Any, keys: KeyStore, now_ms: int, remote: str | None) -> ApiKey:
    """The API key the login request proves; OkxError with OKX's login code otherwise."""
    if not isinstance(args, list) or len(args) != 1 or not isinstance(args[0], dict):
        raise Malformed("args")
    arg = args[0]
    api_key, passphrase, sign = (_text(arg, name) for name in ("apiKey", "passphrase", "sign"))
    timestamp = _timestamp_text(arg.get("timestamp"))
    if not (api_key and passphrase and sign and timestamp):
        raise ws.login_failed()
    if not _SECONDS.fullmatch(timestamp):
        raise ws.invalid_timestamp()
    sent = float(timestamp)
    if abs(now_ms / 1000 - sent) > MAX_SKEW_S and abs(wall_ms() / 1000 - sent) > MAX_SKEW_S:
        raise ws.timestamp_expired()
    key = keys.api_key(api_key)
    if key is None:
        raise ws.invalid_api_key()
    if not hmac.compare_digest(key.passphrase.encode(), passphrase.encode()):
        raise ws.wrong_passphrase()
    if not signature_matches(key.secret_key, ws_login_prehash(timestamp), sign):
        raise ws.invalid_sign()
    if key.ips and remote not in key.ips:
        raise ws.login_failed()
    return key


def _text(arg: dict[str, Any], name: str) -> str:
    value = arg.get(name)
    return value if isinstance(value, str) else ""


def _timestamp_text(value: object) -> str:
    """The timestamp as the client wrote it: strings as they are, JSON numbers as their decimal text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return ""
