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
