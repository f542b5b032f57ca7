// Runs under `node --test` from tests/web/test_signing.py: the signing module the browser loads
// (SIGN_MODULE, the built file) against vectors that Python's hmac computed (VECTORS, a JSON file).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

globalThis.crypto ??= webcrypto; // node 18 has WebCrypto, but not as a global
const sign = await import(pathToFileURL(process.env.SIGN_MODULE).href);
const vectors = JSON.parse(readFileSync(process.env.VECTORS, "utf8"));

test("REST signatures are base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body))", async () => {
  for (const v of vectors.rest) {
    assert.equal(sign.prehash(v.timestamp, v.method, v.requestPath, v.body), v.prehash);
    assert.equal(await sign.signRest(v.secret, v.timestamp, v.method, v.requestPath, v.body), v.sign, v.prehash);
  }
});

test("the four OK-ACCESS headers carry the key, the ISO timestamp with milliseconds, the sign, the passphrase",
  async () => {
    const v = vectors.headers;
    const headers = await sign.restHeaders(v.creds, v.method, v.requestPath, v.body, new Date(v.ms));
    assert.deepEqual(headers, v.expected);
  });

test("the WebSocket login signs Unix seconds + GET + /users/self/verify", async () => {
  const v = vectors.login;
  assert.deepEqual(await sign.wsLoginArgs(v.creds, new Date(v.ms)), v.expected);
});

test("the OKX v5 digest's fixed signature vectors (spec.md §13.1)", async () => {
  const secret = "22582BD0CFF14C41EDBF1AB98506286D";
  const ts = "2020-12-08T09:08:57.715Z";
  const compact = '{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","px":"2.15","sz":"2"}';
  const spaced = '{"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "2.15", "sz": "2"}';
  const cases = [
    [ts, "GET", "/api/v5/account/balance?ccy=BTC", "", "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY="],
    [ts, "POST", "/api/v5/trade/order", compact, "iwrdSpN7pm4G4u8+fswZUyH6mOM48+sBF6WvKpj4Dvk="],
    [ts, "POST", "/api/v5/trade/order", spaced, "ndhLECBZOdEnKUoXpFMXtL/rmKwKjNKUys4V5s4RLDc="],
    ["1538054050", "GET", "/users/self/verify", "", "+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M="],
    ["1597026383.085", "GET", "/users/self/verify", "", "88le049BenFbfVeQkMYJNp+4AQhTfGQ4lkbPyPb68uM="],
  ];
  for (const [timestamp, method, path, body, expected] of cases) {
    assert.equal(await sign.signRest(secret, timestamp, method, path, body), expected, timestamp + method + path);
  }
  const login = await sign.wsLoginArgs({ apiKey: "k", secretKey: secret, passphrase: "p" }, new Date(1538054050000));
  assert.equal(login.sign, "+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M=");
});
