// What the browser keeps: the API key and the admin token, in sessionStorage only (gone with the tab).
import type { Credentials } from "./okx/sign";

const CREDS = "quintex.credentials";
const ADMIN = "quintex.adminToken";

export function loadCredentials(): Credentials | null {
  try {
    const c = JSON.parse(sessionStorage.getItem(CREDS) ?? "null") as Credentials | null;
    return c && c.apiKey && c.secretKey && c.passphrase ? c : null;
  } catch {
    return null;
  }
}

export function saveCredentials(c: Credentials | null): void {
  if (c) sessionStorage.setItem(CREDS, JSON.stringify(c));
  else sessionStorage.removeItem(CREDS);
}

export function loadAdminToken(): string {
  return sessionStorage.getItem(ADMIN) ?? "";
}

export function saveAdminToken(token: string): void {
  if (token) sessionStorage.setItem(ADMIN, token);
  else sessionStorage.removeItem(ADMIN);
}
