// The live chat over Socket.IO. Reading needs no sign-up: the page connects with a guest
// token under the fan's saved name (or "Fan"); writing asks for a name, kept in the browser.

import { io, type Socket } from "socket.io-client";
import { forgetGuest, guestToken, newKey, savedName } from "./api";
import { byId, el } from "./dom";
import { t, type Key } from "./i18n";
import { formatMoney } from "./money";
import type { ChatMessage } from "./types";

const READER_NAME = "Fan";
const ERROR_KEYS: Record<string, Key> = {
  empty: "err_empty",
  too_long: "err_too_long",
  rate_limited: "err_rate_limited",
  slow_mode: "err_slow_mode",
  members_only: "err_members_only",
  banned: "err_banned",
  blocked_word: "err_blocked_word",
  unknown_stream: "err_unknown_stream",
};

export interface ChatEvents {
  onViewers(count: number): void;
  onStatus(status: string): void;
}

interface JoinAck {
  ok: boolean;
  role?: string;
  history?: ChatMessage[];
  settings?: { audience: string };
  viewers?: number;
  error?: { code: string; message: string };
}

export class Chat {
  private socket: Socket | null = null;
  private lastId: string | undefined;
  private tokenName = "";
  private membersOnly = false;
  private role = "guest";
  private readonly list = byId<HTMLOListElement>("messages");
  private readonly note = byId<HTMLParagraphElement>("chat-note");
  private readonly nameInput = byId<HTMLInputElement>("chat-name");
  private readonly textInput = byId<HTMLInputElement>("chat-text");

  constructor(
    private readonly streamId: string,
    private readonly events: ChatEvents,
  ) {
    this.nameInput.value = savedName() === READER_NAME ? "" : savedName();
    byId<HTMLFormElement>("chat-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.send();
    });
  }

  async start(): Promise<void> {
    this.say(t("chat_connecting"));
    await this.connect(this.nameInput.value.trim() || READER_NAME);
  }

  private async connect(name: string): Promise<void> {
    let token: string;
    try {
      token = await guestToken(name);
    } catch {
      this.say(t("chat_offline"), true);
      window.setTimeout(() => void this.connect(name), 5000);
      return;
    }
    this.socket?.disconnect();
    this.tokenName = name;
    // The same origin, our own server: no CDN, no third party.
    const socket = io({ path: "/socket.io", auth: { token } }); // long-polling first, then upgrades: works behind proxies that block websockets
    this.socket = socket;
    socket.on("connect", () => void this.join());
    socket.on("connect_error", (error: Error & { data?: { code?: string } }) => {
      this.say(t("chat_offline"), true);
      if (error.data?.code) forgetGuest(); // refused by the server, not by the network
      void this.freshToken(socket); // an expired guest token is refused at connect
    });
    socket.on("disconnect", (reason: string) => {
      this.say(t("chat_offline"), true);
      // The server closed the link (token expired, flood): Socket.IO does not retry that
      // on its own, so come back with a fresh token after a pause.
      if (reason === "io server disconnect") {
        window.setTimeout(() => void this.freshToken(socket).then(() => socket === this.socket && socket.connect()), 3000);
      }
    });
    socket.on("message", (message: ChatMessage) => this.add(message));
    socket.on("deleted", (body: { id: string }) => this.list.querySelector(`[data-id="${CSS.escape(body.id)}"]`)?.remove());
    socket.on("viewers", (body: { count: number }) => this.events.onViewers(body.count));
    socket.on("stream_status", (body: { status: string }) => this.events.onStatus(body.status));
    socket.on("chat_settings", (body: { audience: string }) => this.setAudience(body.audience));
    socket.on("moderation", (body: { action: string }) => {
      if (body.action === "ban") this.say(t("chat_banned"), true);
      else if (body.action === "timeout") this.say(t("chat_timeout"), true);
      else this.say("");
    });
  }

  private async freshToken(socket: Socket): Promise<void> {
    try {
      socket.auth = { token: await guestToken(this.tokenName) };
    } catch {
      // The server is unreachable; Socket.IO keeps retrying with the token it has.
    }
  }

  private async join(): Promise<void> {
    const body: Record<string, string> = { stream_id: this.streamId };
    if (this.lastId) body.since = this.lastId; // catch up on what was missed while away
    const ack = (await this.socket?.emitWithAck("join", body)) as JoinAck | undefined;
    if (!ack || !ack.ok) return this.say(this.errorText(ack?.error), true);
    this.say("");
    (ack.history ?? []).forEach((message) => this.add(message));
    if (ack.role) this.role = ack.role;
    if (ack.settings) this.setAudience(ack.settings.audience);
    if (typeof ack.viewers === "number") this.events.onViewers(ack.viewers);
    if (!this.list.children.length) this.list.append(el("li", { class: "muted empty" }, t("chat_empty")));
  }

  private async send(): Promise<void> {
    const name = this.nameInput.value.trim();
    const text = this.textInput.value;
    if (!name) return this.nameInput.focus();
    if (!text.trim()) return this.say(t("err_empty"), true);
    if (name !== this.tokenName) {
      // A guest token carries its name: a new name means a new token and a fresh link.
      await this.connect(name);
      await this.connected();
    }
    const clientId = newKey();
    let ack: { ok: boolean; error?: { code: string; message: string } };
    try {
      ack = await this.socket!.timeout(10_000).emitWithAck("send", { stream_id: this.streamId, text, client_id: clientId });
    } catch {
      return this.say(t("chat_offline"), true);
    }
    if (!ack.ok) return this.say(this.errorText(ack.error), true);
    this.textInput.value = "";
    this.say(this.membersOnly ? t("members_chat") : "");
  }

  /** Resolves once joined on the new link, or after 10 s: the send then times out and
   *  says the chat is offline instead of waiting for ever. */
  private connected(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket?.connected) return resolve();
      this.socket?.once("connect", () => window.setTimeout(resolve, 50));
      window.setTimeout(resolve, 10_000);
    });
  }

  private add(message: ChatMessage): void {
    if (this.list.querySelector(`[data-id="${CSS.escape(message.id)}"]`)) return;
    this.list.querySelector(".empty")?.remove();
    const tipLine = message.kind === "tip" && message.amount && message.currency;
    const item = el(
      "li",
      { "data-id": message.id, class: tipLine ? "tip" : message.author.role },
      el("b", {}, message.author.name),
      tipLine ? `${formatMoney(message.amount!, message.currency!)} · ` : "",
      message.text,
    );
    const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    this.list.append(item);
    if (atBottom) this.list.scrollTop = this.list.scrollHeight;
    if (!this.lastId || message.id > this.lastId) this.lastId = message.id;
  }

  private setAudience(audience: string): void {
    this.membersOnly = audience === "members";
    // A guest cannot write in a members-only room: hide the box, say how to join instead.
    byId("chat-form").hidden = this.membersOnly && this.role === "guest";
    this.say(this.membersOnly ? t("members_chat") : "");
  }

  private errorText(error?: { code: string; message: string }): string {
    const key = error ? ERROR_KEYS[error.code] : undefined;
    if (key) return t(key);
    return error?.message || t("err_generic");
  }

  private say(text: string, bad = false): void {
    this.note.textContent = text;
    this.note.hidden = !text;
    this.note.classList.toggle("bad", bad);
  }
}
