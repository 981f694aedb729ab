// English and French, picked from the browser and switchable; the choice is remembered.

const en = {
  tip: "Send a tip",
  chat: "Chat",
  your_name: "Your name in the chat",
  say_something: "Say something…",
  send: "Send",
  live: "Live",
  reconnecting: "Reconnecting",
  upcoming: "Upcoming",
  ended: "Ended",
  unavailable: "Unavailable",
  starts_at: "Starts {when}",
  not_started: "The stream has not started yet. Stay on this page: it starts by itself.",
  creator_reconnecting: "The creator's connection dropped. The stream resumes here by itself.",
  ended_no_replay: "This stream has ended. There is no replay yet.",
  watching_replay: "Replay",
  stream_disabled: "This stream is not available.",
  by: "by {name}",
  viewers_one: "{n} watching",
  viewers_many: "{n} watching",
  members_stream: "This stream is for members. Create a free fan account in the Flash Africa app, then subscribe to the creator to watch.",
  members_chat: "Only members can write in this chat. Create a free fan account in the Flash Africa app and subscribe to the creator to join in. You can still read.",
  ticket_needed: "This stream needs a ticket: {price}.",
  buy_ticket: "Buy a ticket",
  ticket_bought: "Your ticket is confirmed. The player opens in a moment: keep this page open.",
  ticket_checking: "Checking your ticket…",
  ticket_no_method: "Tickets in {currency} cannot be paid on this page yet.",
  player_loading: "Loading the video…",
  player_error: "The video could not load. Check your connection.",
  player_retry: "Try again",
  player_unsupported: "This browser cannot play the stream. Try Chrome or Firefox.",
  chat_connecting: "Connecting to the chat…",
  chat_offline: "The chat is offline. Reconnecting…",
  chat_empty: "No messages yet. Say hello!",
  chat_banned: "You were removed from this chat by the creator or a moderator.",
  chat_timeout: "You are muted in this chat for a while.",
  err_empty: "Write something first.",
  err_too_long: "That message is too long (500 characters at most).",
  err_rate_limited: "Slow down a little, then try again.",
  err_slow_mode: "Slow mode is on: wait a few seconds between messages.",
  err_members_only: "Only members can write in this chat.",
  err_banned: "You cannot write in this chat.",
  err_blocked_word: "That message contains a word the creator does not allow.",
  err_unknown_stream: "This stream no longer exists.",
  err_generic: "Your message was not sent. Try again.",
  tip_title: "Tip {name}",
  ticket_title: "Ticket for {title}",
  amount: "Amount",
  other_amount: "Other amount ({currency})",
  minimum: "At least {min}",
  message: "Message (optional)",
  method: "Pay with",
  phone: "Phone number",
  phone_format: "Format: {example}",
  pay: "Pay {amount}",
  cancel: "Close",
  mpesa: "M-Pesa",
  mtn_momo: "MTN MoMo",
  orange_money: "Orange Money",
  card: "Card",
  err_phone: "Enter a phone number like {example}.",
  err_amount_min: "The smallest amount is {min}.",
  err_amount_step: "Use whole amounts ({step}).",
  err_amount: "Enter an amount.",
  no_methods: "Tips cannot be paid on this server right now.",
  sending: "Sending…",
  pending: "Check your phone to approve the payment of {amount}.",
  pending_wait: "Waiting for your approval…",
  succeeded: "Thank you! Your {amount} reached {name}.",
  failed: "The payment did not go through.",
  cancelled: "You cancelled the payment. Nothing was charged.",
  expired: "The payment was not approved in time. Nothing was charged.",
  timeout: "We have not heard back from your phone. Check your M-Pesa messages before trying again: if you approved, your tip will still arrive.",
  network_lost: "We lost the connection. Your payment is safe: tap Retry to continue with the same payment.",
  retry: "Retry",
  try_again: "Try again",
  checking_payment: "Checking your payment…",
  to_payment_page: "Taking you to the payment page…",
  card_loading: "Loading the secure card form…",
  card_unavailable: "The card form could not load. Check your connection, then tap Retry.",
  network_lost_card: "We lost the connection. Tap Pay again: your card is charged at most once.",
  confirming: "Waiting for the payment to be confirmed…",
  confirming_wait: "This page updates by itself.",
  continue_payment: "Continue paying",
  timeout_page: "The payment is not confirmed yet. If you completed it, it still counts: nothing is charged twice.",
  done: "Done",
  server_error: "Something went wrong: {message}",
};

export type Key = keyof typeof en;

const fr: Record<Key, string> = {
  tip: "Envoyer un pourboire",
  chat: "Discussion",
  your_name: "Votre nom dans la discussion",
  say_something: "Écrivez quelque chose…",
  send: "Envoyer",
  live: "En direct",
  reconnecting: "Reconnexion",
  upcoming: "À venir",
  ended: "Terminé",
  unavailable: "Indisponible",
  starts_at: "Commence {when}",
  not_started: "Le direct n’a pas encore commencé. Restez sur cette page : il démarre tout seul.",
  creator_reconnecting: "La connexion du créateur a coupé. Le direct reprend ici tout seul.",
  ended_no_replay: "Ce direct est terminé. Pas encore de rediffusion.",
  watching_replay: "Rediffusion",
  stream_disabled: "Ce direct n’est pas disponible.",
  by: "par {name}",
  viewers_one: "{n} spectateur",
  viewers_many: "{n} spectateurs",
  members_stream: "Ce direct est réservé aux membres. Créez un compte fan gratuit dans l’application Flash Africa, puis abonnez-vous au créateur pour regarder.",
  members_chat: "Seuls les membres peuvent écrire ici. Créez un compte fan gratuit dans l’application Flash Africa et abonnez-vous au créateur pour participer. Vous pouvez toujours lire.",
  ticket_needed: "Ce direct demande un billet : {price}.",
  buy_ticket: "Acheter un billet",
  ticket_bought: "Votre billet est confirmé. Le lecteur s’ouvre dans un instant : gardez cette page ouverte.",
  ticket_checking: "Vérification de votre billet…",
  ticket_no_method: "Les billets en {currency} ne peuvent pas encore être payés ici.",
  player_loading: "Chargement de la vidéo…",
  player_error: "La vidéo n’a pas pu se charger. Vérifiez votre connexion.",
  player_retry: "Réessayer",
  player_unsupported: "Ce navigateur ne peut pas lire le direct. Essayez Chrome ou Firefox.",
  chat_connecting: "Connexion à la discussion…",
  chat_offline: "La discussion est hors ligne. Reconnexion…",
  chat_empty: "Aucun message pour l’instant. Dites bonjour !",
  chat_banned: "Le créateur ou un modérateur vous a retiré de cette discussion.",
  chat_timeout: "Vous êtes mis en sourdine pour un moment.",
  err_empty: "Écrivez d’abord quelque chose.",
  err_too_long: "Message trop long (500 caractères au plus).",
  err_rate_limited: "Doucement : réessayez dans un instant.",
  err_slow_mode: "Mode lent : attendez quelques secondes entre deux messages.",
  err_members_only: "Seuls les membres peuvent écrire ici.",
  err_banned: "Vous ne pouvez pas écrire dans cette discussion.",
  err_blocked_word: "Ce message contient un mot que le créateur n’autorise pas.",
  err_unknown_stream: "Ce direct n’existe plus.",
  err_generic: "Votre message n’est pas parti. Réessayez.",
  tip_title: "Pourboire pour {name}",
  ticket_title: "Billet pour {title}",
  amount: "Montant",
  other_amount: "Autre montant ({currency})",
  minimum: "Au moins {min}",
  message: "Message (facultatif)",
  method: "Payer avec",
  phone: "Numéro de téléphone",
  phone_format: "Format : {example}",
  pay: "Payer {amount}",
  cancel: "Fermer",
  mpesa: "M-Pesa",
  mtn_momo: "MTN MoMo",
  orange_money: "Orange Money",
  card: "Carte",
  err_phone: "Entrez un numéro comme {example}.",
  err_amount_min: "Le montant minimum est {min}.",
  err_amount_step: "Utilisez des montants entiers ({step}).",
  err_amount: "Entrez un montant.",
  no_methods: "Les pourboires ne peuvent pas être payés sur ce serveur pour l’instant.",
  sending: "Envoi…",
  pending: "Vérifiez votre téléphone pour approuver le paiement de {amount}.",
  pending_wait: "En attente de votre approbation…",
  succeeded: "Merci ! Vos {amount} sont arrivés chez {name}.",
  failed: "Le paiement n’a pas abouti.",
  cancelled: "Vous avez annulé le paiement. Rien n’a été débité.",
  expired: "Le paiement n’a pas été approuvé à temps. Rien n’a été débité.",
  timeout: "Nous n’avons pas de réponse de votre téléphone. Vérifiez vos messages M-Pesa avant de réessayer : si vous avez approuvé, votre pourboire arrivera quand même.",
  network_lost: "La connexion a été perdue. Votre paiement est en sécurité : touchez Réessayer pour continuer le même paiement.",
  retry: "Réessayer",
  try_again: "Réessayer",
  checking_payment: "Vérification de votre paiement…",
  to_payment_page: "Redirection vers la page de paiement…",
  card_loading: "Chargement du formulaire de carte sécurisé…",
  card_unavailable: "Le formulaire de carte n’a pas pu se charger. Vérifiez votre connexion, puis touchez Réessayer.",
  network_lost_card: "La connexion a été perdue. Touchez Payer à nouveau : votre carte est débitée au plus une fois.",
  confirming: "En attente de la confirmation du paiement…",
  confirming_wait: "Cette page se met à jour toute seule.",
  continue_payment: "Continuer le paiement",
  timeout_page: "Le paiement n’est pas encore confirmé. Si vous l’avez terminé, il compte quand même : rien n’est débité deux fois.",
  done: "Terminé",
  server_error: "Un problème est survenu : {message}",
};

const STRINGS: Record<string, Record<Key, string>> = { en, fr };
const STORE = "flash.lang";
let current = pick();
const listeners: Array<() => void> = [];

function pick(): string {
  const saved = safeGet(STORE);
  if (saved && saved in STRINGS) return saved;
  return (navigator.language || "en").toLowerCase().startsWith("fr") ? "fr" : "en";
}

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // private mode or storage disabled: fall back to the browser's language
  }
}

export function lang(): string {
  return current;
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const text = STRINGS[current][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? ""));
}

export function setLang(next: string): void {
  current = next in STRINGS ? next : "en";
  try {
    localStorage.setItem(STORE, current);
  } catch {
    // Not remembered across visits; the switch still applies now.
  }
  document.documentElement.lang = current;
  applyStatic();
  listeners.forEach((listener) => listener());
}

/** Re-render whatever depends on the language when it changes. */
export function onLangChange(listener: () => void): void {
  listeners.push(listener);
}

/** Fill the elements that carry a `data-i18n` key in the HTML shell. */
export function applyStatic(): void {
  document.querySelectorAll<HTMLElement>("[data-i18n]").forEach((node) => {
    node.textContent = t(node.dataset.i18n as Key);
  });
  document.querySelectorAll<HTMLInputElement>("[data-i18n-placeholder]").forEach((node) => {
    node.placeholder = t(node.dataset.i18nPlaceholder as Key);
  });
}
