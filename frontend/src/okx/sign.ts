// OKX v5 request signing with WebCrypto, exactly as OKX's own clients sign:
//   sign = base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath(+?query) + body))
// REST sends it in OK-ACCESS-SIGN with OK-ACCESS-TIMESTAMP (ISO 8601, milliseconds, Z); the WebSocket
// login signs timestamp (Unix seconds) + "GET" + "/users/self/verify".
// The browser only has crypto.subtle in a secure context: https, or http on 127.0.0.1 / localhost.

export interface Credentials {
  apiKey: string;
  secretKey: string;
  passphrase: string;
}

const encoder = new TextEncoder();

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) {
    throw new Error("WebCrypto is unavailable: open the terminal over https (quintex serve --tls) " +
      "or at http://127.0.0.1 / http://localhost");
  }
  return s;
}

function base64(bytes: ArrayBuffer): string {
  let binary = "";
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** base64 of HMAC-SHA256(key = the secret's UTF-8 bytes, used as is, message = the prehash's UTF-8 bytes). */
export async function hmacSha256Base64(secret: string, message: string): Promise<string> {
  const key = await subtle().importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" },
    false, ["sign"]);
  return base64(await subtle().sign("HMAC", key, encoder.encode(message)));
}

/** The text OKX signs: timestamp + METHOD + requestPath (with "?query" for GET) + body ("" when none). */
export function prehash(timestamp: string, method: string, requestPath: string, body = ""): string {
  return timestamp + method.toUpperCase() + requestPath + body;
}

/** OK-ACCESS-TIMESTAMP: ISO 8601 in UTC with milliseconds, e.g. 2020-12-08T09:08:57.715Z. */
export function isoTimestamp(date: Date = new Date()): string {
  return date.toISOString();
}

export async function signRest(secret: string, timestamp: string, method: string, requestPath: string,
  body = ""): Promise<string> {
  return hmacSha256Base64(secret, prehash(timestamp, method, requestPath, body));
}

/** The four OK-ACCESS-* headers of one REST request. */
export async function restHeaders(creds: Credentials, method: string, requestPath: string, body = "",
  date: Date = new Date()): Promise<Record<string, string>> {
  const timestamp = isoTimestamp(date);
  return {
    "OK-ACCESS-KEY": creds.apiKey,
    "OK-ACCESS-SIGN": await signRest(creds.secretKey, timestamp, method, requestPath, body),
    "OK-ACCESS-TIMESTAMP": timestamp,
    "OK-ACCESS-PASSPHRASE": creds.passphrase,
  };
}

/** The WebSocket `login` op's argument: timestamp in Unix seconds, signed with GET /users/self/verify. */
export async function wsLoginArgs(creds: Credentials, date: Date = new Date()): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(date.getTime() / 1000));
  return {
    apiKey: creds.apiKey,
    passphrase: creds.passphrase,
    timestamp,
    sign: await hmacSha256Base64(creds.secretKey, prehash(timestamp, "GET", "/users/self/verify")),
  };
}
