// Paying a tip or a ticket. One attempt = one Idempotency-Key: a retry after a dropped
// connection resends the same key and body, so the server answers the first payment
// instead of charging the fan twice. Changing the amount, phone or method is a new attempt.
// A payment that continues on another page (Orange Money's, a bank's card check) is saved
// first, so the page shows its outcome when the fan comes back.

import { ApiError, api, clearPending, guestToken, newKey, savedName, savePending, type PendingPayment } from "./api";
import { byId, el } from "./dom";
import { t, type Key } from "./i18n";
import { exponent, formatMoney, normalizePhone, parseMajor } from "./money";
import { stripeClient } from "./stripe";
import type { MethodOption, NextAction, Payment, Price } from "./types";

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
  onSucceeded?: (payment: Payment, token: string) => void; // token: the payer's, e.g. a ticket's
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

/** Show how a saved payment ended (or carries on) when the fan is back from the page it
 *  continued on. The server is the judge: nothing is assumed from the return itself. */
export async function resumePayment(order: PayOrder, pending: PendingPayment, methods: MethodOption[]): Promise<void> {
  sheet().hidden = false;
  render(heading(order), el("p", { class: "state", id: "pay-state", "data-status": "sending" }, t("checking_payment")));
  let payment: Payment;
  try {
    payment = await api<Payment>(`/payments/${encodeURIComponent(pending.payment_id)}`, {}, pending.token);
  } catch (error) {
    const err = error as ApiError;
    if (err.status === 0 || err.status >= 500) return networkLost(order, () => void resumePayment(order, pending, methods));
    clearPending(pending.payment_id); // expired token or unknown payment: nothing left to show
    return close();
  }
  await follow(order, payment, pending.token, () => openPayment(order, methods), "resumed");
}

function remember(order: PayOrder, payment: Payment, token: string): void {
  savePending({ payment_id: payment.id, stream_id: order.streamId, kind: order.kind, token });
}

/** Send the fan to the provider's page (Orange Money, a card page); it sends them back. */
function leaveFor(order: PayOrder, payment: Payment, token: string, url: string): void {
  remember(order, payment, token);
  render(heading(order), el("p", { class: "state", id: "pay-state", "data-status": "redirect" }, t("to_payment_page")));
  window.location.assign(url);
}

/** Card details in Stripe's Payment Element; Stripe.js is fetched now, not before. */
async function payByCard(order: PayOrder, payment: Payment, token: string, action: NextAction, again?: () => void): Promise<void> {
  remember(order, payment, token); // a bank's check (3-D Secure) may leave the page
  render(heading(order), el("p", { class: "state", id: "pay-state", "data-status": "card-loading" }, t("card_loading")), closeButton());
  let stripe;
  try {
    stripe = await stripeClient(action.publishable_key ?? "");
  } catch {
    const retry = el("button", { type: "button", class: "primary", "data-action": "retry" }, t("retry"));
    retry.onclick = () => void payByCard(order, payment, token, action, again);
    return render(heading(order), el("p", { class: "state bad", id: "pay-state", "data-status": "card-unavailable" }, t("card_unavailable")), retry, closeButton());
  }
  if (sheet().hidden) return;
  const elements = stripe.elements({
    clientSecret: action.client_secret ?? "",
    appearance: { variables: { colorPrimary: "#e4572e", borderRadius: "6px" } },
  });
  const mount = el("div", { id: "card-element", class: "card-element" });
  const error = el("p", { class: "error", role: "alert", id: "pay-error" });
  const submit = el("button", { type: "submit", class: "primary", id: "pay-submit" }, t("pay", { amount: formatMoney(payment.amount, payment.currency) }));
  render(heading(order), mount, error, submit, closeButton());
  elements.create("payment").mount(mount);
  form().oninput = null;
  form().onsubmit = async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = "";
    const returnUrl = `${window.location.origin}/pay/${encodeURIComponent(payment.id)}`;
    let result;
    try {
      // Cards that need no check stay on this page; others come back through /pay/{id}.
      result = await stripe.confirmPayment({ elements, confirmParams: { return_url: returnUrl }, redirect: "if_required" });
    } catch {
      result = { error: { message: t("network_lost_card") } };
    }
    if (result.error && result.error.type === "validation_error") {
      // Mistyped: nothing reached the bank; corrected in the same form, the same payment.
      submit.disabled = false;
      error.textContent = result.error.message || t("failed");
      return;
    }
    if (result.error && result.error.type !== "card_error") {
      // Stripe could not be asked (network): the same payment may still be paid in this form.
      submit.disabled = false;
      error.textContent = result.error.message || t("network_lost_card");
      return;
    }
    // Paid, or refused by the bank: a refused card ends this payment (the server cancels its
    // PaymentIntent), so the server's answer shows the reason and another card is a new payment.
    form().onsubmit = null;
    await follow(order, payment, token, again, "confirmed"); // the server's word (Stripe's webhook) decides
  };
}

function networkLost(order: PayOrder, retry: () => void): void {
  const again = el("button", { type: "button", class: "primary", "data-action": "retry" }, t("retry"));
  again.onclick = retry;
  render(heading(order), el("p", { class: "state bad", id: "pay-state", "data-status": "network" }, t("network_lost")), again, closeButton());
}

/** `stage`: "new" opens the page to visit or the card form the payment asks for; "resumed"
 *  (the fan came back) offers them with a button instead; "confirmed" (the card form was
 *  just sent) only waits for the server's word. */
type Stage = "new" | "resumed" | "confirmed";

async function follow(order: PayOrder, first: Payment, token: string, again?: () => void, stage: Stage = "new"): Promise<void> {
  const action = first.next_action;
  const onPage = action?.type === "redirect" || action?.type === "stripe_client_secret";
  let carried = false; // the fan went on with the payment: this wait is over
  const carryOn = (): void => {
    carried = true;
    if (action?.type === "redirect" && action.url) return leaveFor(order, first, token, action.url);
    if (action?.type === "stripe_client_secret") void payByCard(order, first, token, action, again);
  };
  if (first.status === "pending" && onPage && stage === "new") return carryOn();
  const started = Date.now();
  let payment = first;
  while (!FINAL.includes(payment.status)) {
    const waiting = payment.next_action?.message
      ?? (onPage ? t("confirming") : t("pending", { amount: formatMoney(payment.amount, payment.currency) }));
    const parts: Node[] = [
      heading(order),
      el("p", { class: "state", id: "pay-state", "data-status": "pending" }, waiting),
      el("p", { class: "hint state" }, t(onPage ? "confirming_wait" : "pending_wait")),
    ];
    if (onPage && stage === "resumed") {
      const resume = el("button", { type: "button", class: "primary", "data-action": "continue" }, t("continue_payment"));
      resume.onclick = carryOn;
      parts.push(resume);
    }
    render(...parts, closeButton());
    if (Date.now() - started > GIVE_UP_MS) return finish(order, "timeout", t(onPage ? "timeout_page" : "timeout"), again);
    await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
    if (sheet().hidden || carried) return; // closed (the payment carries on server-side), or carried on
    try {
      payment = await api<Payment>(`/payments/${encodeURIComponent(payment.id)}`, {}, token);
    } catch {
      // A dropped poll changes nothing: the payment is the server's; ask again next tick.
    }
  }
  clearPending(payment.id);
  if (payment.status === "succeeded") {
    order.onSucceeded?.(payment, token);
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
