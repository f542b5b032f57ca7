// Quintex's OKX v5 REST API and admin API, from the page's own origin.
import { type Credentials, restHeaders } from "./okx/sign";

export type Row = Record<string, string>;

/** OKX's error: `code` and `msg` of the envelope, or an order's `sCode`/`sMsg`. */
export class OkxError extends Error {
  constructor(readonly code: string, readonly msg: string) {
    super(`${code}: ${msg || "(no message)"}`);
  }
}

export class AdminError extends Error {
  constructor(readonly status: number, message: string) {
    super(`HTTP ${status}: ${message}`);
  }
}

type Params = Record<string, string | undefined>;

function query(params: Params = {}): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== "") as [string, string][];
  return entries.length ? "?" + new URLSearchParams(entries).toString() : "";
}

async function envelope<T>(response: Response): Promise<T[]> {
  let body: { code?: string; msg?: string; data?: T[] };
  try {
    body = await response.json();
  } catch {
    throw new OkxError(String(response.status), `HTTP ${response.status} ${response.statusText}`);
  }
  if (body.code !== "0") {
    // order endpoints answer code "1"/"2" with the reason per item in sCode/sMsg
    const first = (body.data ?? [])[0] as Row | undefined;
    if (first && first.sCode && first.sCode !== "0") throw new OkxError(first.sCode, first.sMsg ?? "");
    throw new OkxError(body.code ?? String(response.status), body.msg ?? "");
  }
  return body.data ?? [];
}

export async function publicGet<T = Row>(path: string, params?: Params): Promise<T[]> {
  return envelope<T>(await fetch(`/api/v5${path}${query(params)}`));
}

export async function privateGet<T = Row>(creds: Credentials, path: string, params?: Params): Promise<T[]> {
  const requestPath = `/api/v5${path}${query(params)}`;
  const headers = await restHeaders(creds, "GET", requestPath);
  return envelope<T>(await fetch(requestPath, { headers }));
}

export async function privatePost<T = Row>(creds: Credentials, path: string, payload: object): Promise<T[]> {
  const requestPath = `/api/v5${path}`;
  const body = JSON.stringify(payload);
  const headers = { ...(await restHeaders(creds, "POST", requestPath, body)), "Content-Type": "application/json" };
  return envelope<T>(await fetch(requestPath, { method: "POST", headers, body }));
}

export async function admin<T = unknown>(token: string, method: "GET" | "POST", path: string,
  payload?: object): Promise<T> {
  const init: RequestInit = { method, headers: { Authorization: `Bearer ${token}` } };
  if (payload !== undefined) {
    init.body = JSON.stringify(payload);
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
  }
  const response = await fetch(`/admin/${path}`, init);
  let body: { error?: string } & Record<string, unknown> = {};
  try {
    body = await response.json();
  } catch {
    /* not JSON: reported below by status */
  }
  if (!response.ok) throw new AdminError(response.status, body.error ?? response.statusText);
  return body as T;
}

export function describe(err: unknown): string {
  if (err instanceof OkxError || err instanceof AdminError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
