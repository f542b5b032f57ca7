"""OKX request signing: Base64(HMAC-SHA256(secret, prehash))."""
from __future__ import annotations

import base64
import hashlib
import hmac


def sign(secret: str, prehash: bytes) -> str:
    digest = hmac.new(secret.encode(), prehash, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def rest_prehash(timestamp: str, method: str, request_path: bytes, body: bytes) -> bytes:
    """`timestamp + METHOD + path?query + body`, over the raw bytes received."""
    return timestamp.encode() + method.upper().encode() + request_path + body


def ws_login_prehash(timestamp: str) -> bytes:
    return (timestamp + "GET/users/self/verify").encode()


def signature_matches(secret: str, prehash: bytes, signature: str) -> bool:
    """Constant-time comparison of the expected and the received signature."""
    return hmac.compare_digest(sign(secret, prehash).encode(), signature.encode())
