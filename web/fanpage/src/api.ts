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

/** The saved guest token while it has a minute left, without asking for a new one. */
export function savedToken(): string | null {
  const saved = readGuest();
  return saved && saved.expires_at - Date.now() > 60_000 ? saved.token : null;
}

const TICKETS_STORE = "flash.tickets";

/** The token that bought a ticket, per stream: a later change of chat name makes a new
 *  guest, and only the buyer's token opens the player after a reload. */
export function rememberTicket(streamId: string, token: string): void {
  const tickets = readTickets();
  tickets[streamId] = { token, expires_at: expiresAt(token) };
  writeStore(TICKETS_STORE, tickets);
}

export function ticketToken(streamId: string): string | null {
  const found = readTickets()[streamId];
  return found ? found.token : null;
}

export function forgetTicket(streamId: string): void {
  const tickets = readTickets();
  delete tickets[streamId];
  writeStore(TICKETS_STORE, tickets);
}

type Tickets = Record<string, { token: string; expires_at: number }>;

function readTickets(): Tickets {
  const tickets = (readStore(TICKETS_STORE) as Tickets | null) ?? {};
  for (const [id, held] of Object.entries(tickets)) {
    if (held.expires_at <= Date.now()) delete tickets[id]; // the server would refuse it
  }
  return tickets;
}

/** A JWT's `exp` in milliseconds (the page only reads it; the server checks it). */
function expiresAt(token: string): number {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return Number(JSON.parse(atob(payload)).exp) * 1000 || 0;
  } catch {
    return 0;
  }
}

/** A payment that left the page (a provider's page, a card check): what is needed to
 *  show its outcome when the fan comes back. */
export interface PendingPayment {
  payment_id: string;
  stream_id: string;
  kind: "tip" | "ticket";
  token: string;
}

const PENDING_STORE = "flash.pending";

export function savePending(pending: PendingPayment): void {
  writeStore(PENDING_STORE, pending);
}

export function pendingFor(streamId: string): PendingPayment | null {
  const pending = readStore(PENDING_STORE) as PendingPayment | null;
  return pending && pending.stream_id === streamId ? pending : null;
}

export function clearPending(paymentId: string): void {
  const pending = readStore(PENDING_STORE) as PendingPayment | null;
  if (pending && pending.payment_id === paymentId) writeStore(PENDING_STORE, null);
}

function readStore(key: string): unknown {
  try {
    const raw = localStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function writeStore(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage is off: nothing survives the visit, and the page still works for it.
  }
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
