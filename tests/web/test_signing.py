"""The browser's signing code (the built module the page loads) against signatures Python's hmac computes,
run with node's test runner."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from quintex.web import WEB_ROOT

HERE = Path(__file__).parent


def okx_sign(secret: str, prehash: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), prehash.encode(), hashlib.sha256).digest()).decode()


def rest_vector(secret: str, timestamp: str, method: str, path: str, body: str) -> dict[str, str]:
    prehash = timestamp + method + path + body
    return {"secret": secret, "timestamp": timestamp, "method": method, "requestPath": path, "body": body,
            "prehash": prehash, "sign": okx_sign(secret, prehash)}


def vectors() -> dict[str, object]:
    creds = {"apiKey": "0d9b2c4e-5f1a-4c3b-9e8d-7a6b5c4d3e2f", "secretKey": "F3A1C0DE5EC12E7F00D1E5CA1AB1E123",
             "passphrase": "Pa55-word.#"}
    body = '{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","px":"60000","sz":"0.01"}'
    ms = 1_607_418_537_715  # 2020-12-08T09:08:57.715Z
    return {
        "rest": [
            rest_vector("22582BD0CFF14C41EDBF1AB98506286D", "2020-12-08T09:08:57.715Z", "GET",
                        "/api/v5/account/balance?ccy=BTC", ""),
            rest_vector(creds["secretKey"], "2024-01-01T00:00:00.000Z", "GET", "/api/v5/trade/orders-pending", ""),
            rest_vector(creds["secretKey"], "2024-05-06T07:08:09.010Z", "POST", "/api/v5/trade/order", body),
            rest_vector("sécret ✓ with unicode", "2024-05-06T07:08:09.010Z", "POST", "/api/v5/asset/transfer",
                        '{"memo":"ünïcode ✓"}'),
            rest_vector(creds["secretKey"], "2024-05-06T07:08:09.010Z", "GET",
                        "/api/v5/market/candles?instId=BTC-USDT&bar=1m&limit=300", ""),
        ],
        "headers": {
            "creds": creds, "method": "POST", "requestPath": "/api/v5/trade/order", "body": body, "ms": ms,
            "expected": {
                "OK-ACCESS-KEY": creds["apiKey"], "OK-ACCESS-PASSPHRASE": creds["passphrase"],
                "OK-ACCESS-TIMESTAMP": "2020-12-08T09:08:57.715Z",
                "OK-ACCESS-SIGN": okx_sign(creds["secretKey"], "2020-12-08T09:08:57.715ZPOST/api/v5/trade/order"
                                           + body),
            },
        },
        "login": {
            "creds": creds, "ms": ms,
            "expected": {"apiKey": creds["apiKey"], "passphrase": creds["passphrase"], "timestamp": "1607418537",
                         "sign": okx_sign(creds["secretKey"], "1607418537GET/users/self/verify")},
        },
    }


def test_the_built_signing_module_signs_as_okx_clients_do(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the front-end's signing tests need it (apt-get install nodejs)")
    modules = sorted((WEB_ROOT / "assets").glob("sign-*.js"))
    assert len(modules) == 1, f"expected one built sign-*.js in {WEB_ROOT / 'assets'}: {modules}"
    vector_file = tmp_path / "vectors.json"
    vector_file.write_text(json.dumps(vectors()), encoding="utf-8")
    run = subprocess.run([node, "--test", str(HERE / "sign.test.mjs")], check=False, capture_output=True,
                         text=True, timeout=60, env={**os.environ, "SIGN_MODULE": str(modules[0]), "VECTORS": str(vector_file)})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# pass 4" in run.stdout, run.stdout
