"""OKX REST authentication: the OK-ACCESS-* headers, checked against the raw bytes received.

Signature = Base64(HMAC-SHA256(secret, timestamp + METHOD + raw request target + raw body)); the
request target is taken exactly as sent (path + `?` + query, never re-encoded) and the body is
never re-serialized, so python-okx (`json.dumps` spacing, unencoded query) and ccxt (compact JSON,
url-encoded query) both verify.
"""
from __future__ import annotations

import functools
import hmac
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from aiohttp import web

from quintex.core.enums import Perm
from quintex.core.records import ApiKey
from quintex.okx.codes import AuthFailure, auth_error
from quintex.okx.signing import rest_prehash, signature_matches
from quintex.runtime.clock import wall_ms
from quintex.runtime.sequencer import Runtime

from .catalog import Catalog
from .keys import CATALOG, RUNTIME, UID

MAX_SKEW_MS = 30_000
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

PrivateHandler = Callable[[web.Request, ApiKey, bytes], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _raw(text: str) -> bytes:
    """The bytes aiohttp decoded `text` from (it decodes UTF-8 with surrogateescape)."""
    return text.encode("utf-8", "surrogateescape")


def _header(request: web.Request, name: str, missing: AuthFailure) -> str:
    value = request.headers.get(name, "")
    if not value:
        raise auth_error(missing)
    return value


def parse_timestamp(value: str) -> int:
    """`2020-12-08T09:08:57.715Z` -> Unix ms; anything else is 50112."""
    try:
        if not _TIMESTAMP.fullmatch(value):
            raise ValueError(value)
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        raise auth_error(AuthFailure.TIMESTAMP_INVALID) from None
    return (moment - _EPOCH) // timedelta(milliseconds=1)


class Credentials(NamedTuple):
    api_key: str
    signature: str
    timestamp: str
    passphrase: str


def credentials(request: web.Request, now_ms: int) -> Credentials:
    """The OK-ACCESS-* headers of `request`, or the OKX auth error (HTTP 401) saying which is wrong.

    The timestamp may be within 30 s of the exchange's clock (`now_ms`) or of the wall clock: with an
    accelerated or manual clock, clients sign with their own clock or with the server's time.
    """
    api_key = _header(request, "OK-ACCESS-KEY", AuthFailure.KEY_MISSING)
    signature = _header(request, "OK-ACCESS-SIGN", AuthFailure.SIGN_MISSING)
    timestamp = _header(request, "OK-ACCESS-TIMESTAMP", AuthFailure.TIMESTAMP_MISSING)
    passphrase = _header(request, "OK-ACCESS-PASSPHRASE", AuthFailure.PASSPHRASE_MISSING)
    sent = parse_timestamp(timestamp)
    if abs(now_ms - sent) > MAX_SKEW_MS and abs(wall_ms() - sent) > MAX_SKEW_MS:
        raise auth_error(AuthFailure.TIMESTAMP_EXPIRED)
    return Credentials(api_key, signature, timestamp, passphrase)


def verify(request: web.Request, body: bytes, creds: Credentials, key: ApiKey | None) -> ApiKey:
    """`key` (the stored key named by `creds`) if it signed `request`; the OKX auth error otherwise."""
    if key is None:
        raise auth_error(AuthFailure.KEY_INVALID)
    if not hmac.compare_digest(_raw(key.passphrase), _raw(creds.passphrase)):
        raise auth_error(AuthFailure.PASSPHRASE_WRONG)
    prehash = rest_prehash(creds.timestamp, request.method, _raw(request.raw_path), body)
    if not signature_matches(key.secret_key, prehash, creds.signature):
        raise auth_error(AuthFailure.SIGN_INVALID)
    if key.ips and request.remote not in key.ips:
        raise auth_error(AuthFailure.IP_NOT_ALLOWED, request.remote or "")
    return key


def authenticate(request: web.Request, body: bytes, runtime: Runtime, catalog: Catalog) -> ApiKey:
    """The API key that signed `request`, from the catalog's durable keys (a key created by a command signs
    nothing before that command is on disk), or the OKX auth error (HTTP 401) explaining why not."""
    creds = credentials(request, runtime.now_ms())
    return verify(request, body, creds, catalog.keys.get(creds.api_key))


def require_perm(key: ApiKey, perm: Perm) -> None:
    if perm not in key.perm:
        raise auth_error(AuthFailure.NO_PERMISSION)


def private(perm: Perm) -> Callable[[PrivateHandler], Handler]:
    """Turn `handler(request, key, body)` into an aiohttp handler that authenticates first.

    The body is read once; the handler gets the raw bytes the signature was checked over.
    """

    def wrap(handler: PrivateHandler) -> Handler:
        @functools.wraps(handler)
        async def route(request: web.Request) -> web.StreamResponse:
            body = await request.read()
            key = authenticate(request, body, request.app[RUNTIME], request.app[CATALOG])
            request[UID] = key.uid
            require_perm(key, perm)
            return await handler(request, key, body)

        return route

    return wrap
