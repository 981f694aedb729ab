// The fan page: reads the stream inlined by the server, then keeps it live through the
// chat's events and the public API. Every failure ends in words on the page, never a blank.

import { ApiError, api, forgetGuest, forgetTicket, pendingFor, rememberTicket, savedToken, ticketToken } from "./api";
import { Chat } from "./chat";
import { byId } from "./dom";
import { applyStatic, lang, onLangChange, setLang, t } from "./i18n";
import { formatMoney } from "./money";
import { openPayment, resumePayment, type PayOrder } from "./pay";
import { play, showNotice, stop } from "./player";
import type { Boot, Payment, Stream } from "./types";

const REPLAY_CHECK_MS = 10_000; // the replay is packaged a few seconds after the stream ends
const REPLAY_CHECKS = 30;
let boot: Boot;
let stream: Stream;
let viewers = 0;
let ticketHeld = false;
let checkingTicket = false;
let replayChecks = 0;

function renderInfo(): void {
  byId("title").textContent = stream.title;
  byId("creator").textContent = t("by", { name: stream.creator.display_name });
  const badge = byId("status");
  const label = {
    active: t("live"),
    disconnected: t("reconnecting"),
    idle: t("upcoming"),
    completed: t("ended"),
    disabled: t("unavailable"),
  }[stream.status];
  badge.textContent = label;
  badge.className = `badge ${stream.status === "active" ? "live" : ""}`;
  byId("viewers").textContent = stream.status === "active" || stream.status === "disconnected"
    ? t(viewers === 1 ? "viewers_one" : "viewers_many", { n: viewers })
    : "";
  byId("lang").textContent = lang() === "fr" ? "EN" : "FR";
}

function when(iso: string): string {
  return new Date(iso).toLocaleString(lang() === "fr" ? "fr-FR" : "en-GB", {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  });
}

/** What fills the video area for the stream's current state. */
function renderScreen(): void {
  if (stream.visibility === "ticketed" && !stream.playback_url) {
    stop();
    if (ticketHeld) return showNotice(t("ticket_bought"));
    if (checkingTicket) return showNotice(t("ticket_checking"));
    const price = stream.price ? formatMoney(stream.price.amount, stream.price.currency) : "";
    return showNotice(t("ticket_needed", { price }), { label: t("buy_ticket"), run: buyTicket });
  }
  if (stream.visibility === "members" && !stream.playback_url) {
    stop();
    return showNotice(t("members_stream"));
  }
  switch (stream.status) {
    case "active":
      if (stream.playback_url) void play(stream.playback_url, boot.hls_url);
      return;
    case "disconnected":
      stop();
      return showNotice(t("creator_reconnecting"));
    case "idle":
      stop();
      return showNotice(stream.scheduled_at ? `${t("starts_at", { when: when(stream.scheduled_at) })}. ${t("not_started")}` : t("not_started"));
    case "completed": {
      const replay = stream.replays[stream.replays.length - 1];
      if (replay) return void play(replay.playback_url, boot.hls_url);
      stop();
      if (replayChecks++ < REPLAY_CHECKS) window.setTimeout(() => void refresh(), REPLAY_CHECK_MS);
      return showNotice(t("ended_no_replay"));
    }
    default:
      stop();
      showNotice(t("stream_disabled"));
  }
}

/** Fetch the stream again (its status changed); a ticket holder reads it with their token. */
async function refresh(): Promise<void> {
  try {
    stream = await api<Stream>(`/streams/${encodeURIComponent(stream.id)}`, {}, ticketToken(stream.id) ?? undefined);
  } catch {
    return; // keep what is shown; the next status event or a reload tries again
  }
  renderInfo();
  renderScreen();
}

/** The shell is the anonymous view: a fan who bought a ticket on an earlier visit reads
 *  the stream again with the token that bought it (or the saved guest token), and the
 *  server hands back the playback URL instead of the page asking to pay again. */
async function admitTicketHolder(): Promise<void> {
  if (stream.visibility !== "ticketed" || stream.playback_url) return;
  const tokens = [ticketToken(stream.id), savedToken()].filter((token, i, all): token is string => !!token && all.indexOf(token) === i);
  if (!tokens.length) return;
  checkingTicket = true;
  renderScreen();
  try {
    for (const token of tokens) {
      try {
        const seen = await api<Stream>(`/streams/${encodeURIComponent(stream.id)}`, {}, token);
        if (!seen.playback_url) continue;
        rememberTicket(stream.id, token);
        stream = seen;
        return;
      } catch (error) {
        if ((error as ApiError).status !== 401) return; // offline: the buy button stays, the server refuses a second ticket
        if (token === ticketToken(stream.id)) forgetTicket(stream.id);
        else forgetGuest(); // expired, or signed with a key since rotated
      }
    }
  } finally {
    checkingTicket = false;
    renderInfo();
    renderScreen();
  }
}

function order(kind: "tip" | "ticket"): PayOrder {
  const base = {
    creatorId: stream.creator.id,
    creatorName: stream.creator.display_name,
    streamId: stream.id,
    title: stream.title,
  };
  if (kind === "tip") return { kind, ...base };
  return {
    kind,
    ...base,
    price: stream.price ?? undefined,
    onSucceeded: (_payment: Payment, token: string) => {
      rememberTicket(stream.id, token);
      ticketHeld = true;
      void refresh();
    },
  };
}

function buyTicket(): void {
  openPayment(order("ticket"), boot.methods);
}

function tip(): void {
  openPayment(order("tip"), boot.methods);
}

function main(): void {
  boot = JSON.parse(byId("boot").textContent || "") as Boot;
  stream = boot.stream;
  viewers = stream.viewer_count;
  applyStatic();
  renderInfo();
  renderScreen();
  byId("tip").onclick = tip;
  byId("lang").onclick = () => setLang(lang() === "fr" ? "en" : "fr");
  onLangChange(() => {
    renderInfo();
    if (document.body.dataset.player !== "ready") renderScreen();
  });
  const chat = new Chat(stream.id, {
    onViewers: (count) => {
      viewers = count;
      renderInfo();
    },
    onStatus: (status) => {
      if (status !== stream.status) void refresh();
    },
  });
  void chat.start();
  void admitTicketHolder();
  // Back from a provider's page (Orange Money, a card check): show how that payment ended.
  const pending = pendingFor(stream.id);
  if (pending) void resumePayment(order(pending.kind), pending, boot.methods);
}

try {
  main();
} catch (error) {
  // The last guard against a blank screen: say something a fan can act on.
  showNotice(t("server_error", { message: String((error as Error).message || error) }));
}
