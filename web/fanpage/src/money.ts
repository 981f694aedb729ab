// Amounts are integers in the currency's minor unit (server/contract/money.py); these
// helpers only format and parse them for people, never do arithmetic in floats.

import type { PhoneFormat } from "./types";
import { lang } from "./i18n";

const EXPONENTS: Record<string, number> = {
  KES: 2, GHS: 2, NGN: 2, ZAR: 2, USD: 2, EUR: 2, XOF: 0, XAF: 0, UGX: 0, RWF: 0,
};

export function exponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** 10000 KES → "KES 100"; 12345 KES → "KES 123.45" (French: "123,45 KES"). */
export function formatMoney(amount: number, currency: string): string {
  const digits = exponent(currency);
  const major = amount / 10 ** digits;
  const fraction = amount % 10 ** digits === 0 ? 0 : digits;
  const number = major.toLocaleString(lang() === "fr" ? "fr-FR" : "en-GB", {
    minimumFractionDigits: fraction,
    maximumFractionDigits: fraction,
  });
  return lang() === "fr" ? `${number} ${currency}` : `${currency} ${number}`;
}

/** What the fan typed in major units ("150", "150.5", "150,50") → minor units, or null. */
export function parseMajor(text: string, currency: string): number | null {
  const clean = text.trim().replace(/\s/g, "").replace(",", ".");
  const digits = exponent(currency);
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(clean);
  if (!match || (match[2] && match[2].length > digits)) return null;
  const minor = (match[2] || "").padEnd(digits, "0");
  return Number(match[1]) * 10 ** digits + (digits ? Number(minor) : 0);
}

/** The number in E.164 when it matches the country's format, else null. Accepts the
 *  forms the server accepts: "+254712345678", "254712345678", "0712345678". */
export function normalizePhone(raw: string, format: PhoneFormat): string | null {
  let digits = raw.replace(/[\s\-().]/g, "");
  if (digits.startsWith("+")) digits = digits.slice(1);
  else if (digits.startsWith("0")) digits = format.dial_code + digits.slice(1);
  if (!/^\d+$/.test(digits)) return null;
  const e164 = `+${digits}`;
  return new RegExp(format.pattern).test(e164) ? e164 : null;
}
