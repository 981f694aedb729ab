// Paying a tip or a ticket. One attempt = one Idempotency-Key: a retry after a dropped
// connection resends the same key and body, so the server answers the first payment
// instead of charging the fan twice. Changing the amount, phone or method is a new attempt.

import { ApiError, api, guestToken, newKey, savedName } from "./api";
import { byId, el } from "./dom";
import { t, type Key } from "./i18n";
import { exponent, formatMoney, normalizePhone, parseMajor } from "./money";
import type { MethodOption, Payment, Price } from "./types";

const POLL_MS = 2000;
const GIVE_UP_MS = 120_000; // STK prompts expire on the phone well before this
const FINAL = ["succeeded", "failed", "cancelled", "expired"];

export interface PayOrder {
  kind: "tip" | "ticket";
  creatorId: string;
  creatorName: string;
  streamId: string;
  title: string;
  price?: Price; // tickets: the stream's price, not the fan's choice
  onSucceeded?: (payment: Payment) => void;
}

interface Attempt {
  key: string;
  body: Record<string, unknown>;
  token: string;
}

const sheet = () => byId("sheet");
const form = () => byId<HTMLFormElement>("pay");

export function openPayment(order: PayOrder, allMethods: MethodOption[]): void {
  const methods = order.price ? allMethods.filter((m) => m.currency === order.price!.currency) : allMethods;
  sheet().hidden = false;
  if (!methods.length) {
    const text = order.price ? t("ticket_no_method", { currency: order.price.currency }) : t("no_methods");
    return render(el("p", { class: "state bad" }, text), closeButton());
  }
  showForm(order, methods, methods[0]);
}

function close(): void {
  sheet().hidden = true;
  form().replaceChildren();
}

function closeButton(label: Key = "cancel"): HTMLButtonElement {
  const button = el("button", { type: "button", class: "secondary", "data-action": "close" }, t(label));
  button.onclick = close;
  return button;
}

function render(...children: Node[]): void {
  form().replaceChildren(...children);
}

function heading(order: PayOrder): HTMLHeadingElement {
  const text = order.kind === "ticket" ? t("ticket_title", { title: order.title }) : t("tip_title", { name: order.creatorName });
  return el("h2", {}, text);
}

function showForm(order: PayOrder, methods: MethodOption[], method: MethodOption, chosen?: number): void {
  let amount = order.price?.amount ?? chosen ?? method.presets[1] ?? method.presets[0] ?? method.minimum;
  const error = el("p", { class: "error", role: "alert", id: "pay-error" });
  const submit = el("button", { type: "submit", class: "primary", id: "pay-submit" });
  const refreshSubmit = () => (submit.textContent = t("pay", { amount: formatMoney(amount, method.currency) }));

  const methodRow = el("div", { class: "methods", role: "group" });
  for (const option of methods) {
    const button = el("button", { type: "button", "aria-pressed": String(option === method), "data-method": option.method }, t(option.method as Key));
    button.onclick = () => showForm(order, methods, option);
    methodRow.append(button);
  }
  const parts: Node[] = [heading(order), el("label", {}, t("method"), methodRow)];

  let other: HTMLInputElement | null = null;
  if (order.price) {
    parts.push(el("p", { class: "state" }, formatMoney(order.price.amount, order.price.currency)));
  } else {
    const presets = el("div", { class: "presets", role: "group" });
    const presetButtons = method.presets.map((preset) => {
      const button = el("button", { type: "button", "data-amount": String(preset) }, formatMoney(preset, method.currency));
      button.onclick = () => {
        amount = preset;
        other!.value = "";
        presetButtons.forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
        refreshSubmit();
      };
      button.setAttribute("aria-pressed", String(preset === amount));
      return button;
    });
    presets.append(...presetButtons);
    other = el("input", { id: "pay-amount", inputmode: "decimal", autocomplete: "off" });
    if (!method.presets.includes(amount)) other.value = String(amount / 10 ** exponent(method.currency));
    other.oninput = () => {
      const typed = parseMajor(other!.value, method.currency);
      if (typed !== null) amount = typed;
      presetButtons.forEach((b) => b.setAttribute("aria-pressed", "false"));
      refreshSubmit();
    };
    const minimum = el("span", { class: "hint" }, t("minimum", { min: formatMoney(method.minimum, method.currency) }));
    parts.push(el("label", {}, t("amount"), presets));
    parts.push(el("label", {}, t("other_amount", { currency: method.currency }), other, minimum));
  }

  let message: HTMLInputElement | null = null;
  if (order.kind === "tip") {
    message = el("input", { id: "pay-message", maxlength: "280" });
    parts.push(el("label", {}, t("message"), message));
  }
  let phone: HTMLInputElement | null = null;
  if (method.phone) {
    phone = el("input", { id: "pay-phone", type: "tel", inputmode: "tel", autocomplete: "tel", placeholder: method.phone.example });
    phone.value = readPhone();
    parts.push(el("label", {}, t("phone"), phone, el("span", { class: "hint" }, t("phone_format", { example: method.phone.example }))));
  }
  refreshSubmit();
  parts.push(error, submit, closeButton());
  render(...parts);

  form().oninput = () => (error.textContent = ""); // a stale complaint misleads once fixed
  form().onsubmit = (event) => {
    event.preventDefault();
    const problem = check(method, amount, other, phone);
    if (problem) {
      error.textContent = problem;
      return;
    }
    const e164 = phone && method.phone ? normalizePhone(phone.value, method.phone) : null;
    if (e164) savePhone(e164);
    const body: Record<string, unknown> = {
      kind: order.kind,
      method: method.method,
      amount,
      currency: method.currency,
      creator_id: order.creatorId,
      stream_id: order.streamId,
    };
    if (e164) {
      body.phone = e164;
      body.country = method.phone!.country;
    }
    if (message && message.value.trim()) body.message = message.value.trim();
    void start(order, methods, method, body, amount);
  };
}

function check(method: MethodOption, amount: number, other: HTMLInputElement | null, phone: HTMLInputElement | null): string {
  if (other && other.value.trim()) {
    const typed = parseMajor(other.value, method.currency);
    if (typed === null) return t("err_amount");
  }
  if (amount < method.minimum) return t("err_amount_min", { min: formatMoney(method.minimum, method.currency) });
  if (amount % method.step) return t("err_amount_step", { step: formatMoney(method.step, method.currency) });
  if (phone && method.phone && !normalizePhone(phone.value, method.phone)) return t("err_phone", { example: method.phone.example });
  return "";
}

async function start(order: PayOrder, methods: MethodOption[], method: MethodOption, body: Record<string, unknown>, amount: number): Promise<void> {
  render(heading(order), el("p", { class: "state", id: "pay-state", "data-status": "sending" }, t("sending")));
  let token: string;
  try {
    token = await guestToken(savedName() || "Fan");
  } catch {
    return networkLost(order, () => void start(order, methods, method, body, amount));
  }
  await send(order, methods, method, { key: newKey(), body, token }, amount);
}

async function send(order: PayOrder, methods: MethodOption[], method: MethodOption, attempt: Attempt, amount: number): Promise<void> {
  render(heading(order), el("p", { class: "state", id: "pay-state", "data-status": "sending" }, t("sending")));
  let payment: Payment;
  try {
    payment = await api<Payment>("/payments", {
      method: "POST",
      body: JSON.stringify(attempt.body),
      headers: { "Idempotency-Key": attempt.key },
    }, attempt.token);
  } catch (error) {
    const err = error as ApiError;
    if (err.status === 0 || err.status >= 500) {
      return networkLost(order, () => void send(order, methods, method, attempt, amount));
    }
    // The server refused the request itself (phone, amount, method): back to the form.
    showForm(order, methods, method, amount);
    byId("pay-error").textContent = err.code.startsWith("phone") ? t("err_phone", { example: method.phone?.example ?? "" }) : err.message;
    return;
  }
  // Trying again after a refusal is a new payment (a new key), from the same form.
  await follow(order, payment, attempt.token, () => showForm(order, methods, method, amount));
}

function networkLost(order: PayOrder, retry: () => void): void {
  const again = el("button", { type: "button", class: "primary", "data-action": "retry" }, t("retry"));
  again.onclick = retry;
  render(heading(order), el("p", { class: "state bad", id: "pay-state", "data-status": "network" }, t("network_lost")), again, closeButton());
}

async function follow(order: PayOrder, first: Payment, token: string, again: () => void): Promise<void> {
  const started = Date.now();
  let payment = first;
  while (!FINAL.includes(payment.status)) {
    const approve = payment.next_action?.message ?? t("pending", { amount: formatMoney(payment.amount, payment.currency) });
    render(
      heading(order),
      el("p", { class: "state", id: "pay-state", "data-status": "pending" }, approve),
      el("p", { class: "hint state" }, t("pending_wait")),
      closeButton(),
    );
    if (Date.now() - started > GIVE_UP_MS) return finish(order, "timeout", t("timeout"), again);
    await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
    if (sheet().hidden) return; // the fan closed the sheet; the payment carries on server-side
    try {
      payment = await api<Payment>(`/payments/${encodeURIComponent(payment.id)}`, {}, token);
    } catch {
      // A dropped poll changes nothing: the payment is the server's; ask again next tick.
    }
  }
  if (payment.status === "succeeded") {
    order.onSucceeded?.(payment);
    return finish(order, "succeeded", t("succeeded", { amount: formatMoney(payment.amount, payment.currency), name: order.creatorName }));
  }
  const why = payment.failure_reason?.message;
  const plain = t(payment.status as Key);
  return finish(order, payment.status, why && payment.status === "failed" ? `${plain} ${why}` : plain, again);
}

function finish(order: PayOrder, status: string, text: string, again?: () => void): void {
  const ok = status === "succeeded";
  const parts: Node[] = [heading(order), el("p", { class: `state ${ok ? "ok" : "bad"}`, id: "pay-state", "data-status": status }, text)];
  if (!ok && again) {
    const button = el("button", { type: "button", class: "primary", "data-action": "again" }, t("try_again"));
    button.onclick = again;
    parts.push(button);
  }
  render(...parts, closeButton(ok ? "done" : "cancel"));
}

const PHONE_STORE = "flash.phone";

function readPhone(): string {
  try {
    return localStorage.getItem(PHONE_STORE) ?? "";
  } catch {
    return "";
  }
}

function savePhone(e164: string): void {
  try {
    localStorage.setItem(PHONE_STORE, e164);
  } catch {
    // Not remembered; the fan types it again next time.
  }
}
