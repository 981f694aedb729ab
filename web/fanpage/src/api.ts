// The public REST API (/api/v1) and the guest token a fan chats and pays with.

import { lang } from "./i18n";

const API = "/api/v1";
const GUEST_STORE = "flash.guest";

/** Every failure the page can show: `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit = {}, token?: string): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set("Accept-Language", lang());
  if (init.body) headers.set("Content-Type", "application/json");
  if (token) headers.set("Authorization", `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(API + path, { ...init, headers });
  } catch {
    throw new ApiError(0, "network", "the server could not be reached");
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    throw new ApiError(response.status, error.code || "http_error", error.message || response.statusText);
  }
  return body as T;
}

interface Guest {
  token: string;
  name: string;
  expires_at: number;
}

/** A guest token under `name`, reused while it has a minute left, so a fan keeps one
 *  identity in the chat (and can read back the payments it made) across reloads. */
export async function guestToken(name: string): Promise<string> {
  const saved = readGuest();
  if (saved && saved.name === name && saved.expires_at - Date.now() > 60_000) return saved.token;
  const answer = await api<{ access_token: string; expires_in: number }>("/auth/guest", {
    method: "POST",
    body: JSON.stringify({ display_name: name }),
  });
  const guest = { token: answer.access_token, name, expires_at: Date.now() + answer.expires_in * 1000 };
  try {
    localStorage.setItem(GUEST_STORE, JSON.stringify(guest));
  } catch {
    // Storage is off: the token lives for this visit only.
  }
  return guest.token;
}

/** Drop a token the server refused (expired, or signed with a key since rotated). */
export function forgetGuest(): void {
  try {
    localStorage.removeItem(GUEST_STORE);
  } catch {
    // Nothing was stored.
  }
}

export function savedName(): string {
  return readGuest()?.name ?? "";
}

function readGuest(): Guest | null {
  try {
    const raw = localStorage.getItem(GUEST_STORE);
    return raw ? (JSON.parse(raw) as Guest) : null;
  } catch {
    return null;
  }
}

/** A fresh idempotency key. `crypto.randomUUID` exists only on https and localhost, so a
 *  server reached over plain http on a LAN falls back to the same random bits by hand. */
export function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
