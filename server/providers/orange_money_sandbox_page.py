"""`GET|POST /pay/{id}/sandbox-orange`: the Orange Money sandbox's payment page.

It stands in for Orange's own page (the sandbox's `payment_url`): server-rendered,
in French or English, and plainly marked as a sandbox. The fan types a test phone
number (its last four digits choose the outcome, see `orange_money_sandbox.py`)
or cancels; the page then sends the browser on to the payment's return or cancel
page, as Orange does, after the sandbox's "thinking time".
"""

import math
from html import escape
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse

from server.contract.money import format_amount
from server.contract.payments import PaymentMethod
from server.providers.orange_money_sandbox import PAGE_PATH, SandboxOrange, SandboxSession

router = APIRouter(include_in_schema=False)
PATH = "/pay/{payment_id}" + PAGE_PATH
MAX_FORM_BYTES = 2_048
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "Referrer-Policy": "no-referrer",
}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Orange Money — Sandbox",
        "banner": "Sandbox — no real money is moved.",
        "pay": "Pay {amount} to {merchant}",
        "phone": "Your Orange Money number",
        "hint": "Ending in 0001 cancels, 0002 fails, 0004 expires, "
        "0005 pays but the notification is lost; any other number pays.",
        "submit": "Pay",
        "cancel": "Cancel",
        "bad_phone": "Type a phone number: digits, optionally starting with +.",
        "waiting": "Confirming your payment… you will be taken back in a moment.",
        "leaving": "Payment cancelled: taking you back.",
        "continue": "Continue",
        "gone": "This payment page does not exist or has expired.",
    },
    "fr": {
        "title": "Orange Money — Bac à sable",
        "banner": "Bac à sable — aucun argent réel n'est débité.",
        "pay": "Payer {amount} à {merchant}",
        "phone": "Votre numéro Orange Money",
        "hint": "Se termine par 0001 : annulé, 0002 : échoué, 0004 : expiré, "
        "0005 : payé mais notification perdue ; tout autre numéro paie.",
        "submit": "Payer",
        "cancel": "Annuler",
        "bad_phone": "Saisissez un numéro : des chiffres, éventuellement précédés de +.",
        "waiting": "Confirmation du paiement… vous allez être redirigé dans un instant.",
        "leaving": "Paiement annulé : retour au site.",
        "continue": "Continuer",
        "gone": "Cette page de paiement n'existe pas ou a expiré.",
    },
}


def sandbox_of(request: Request) -> SandboxOrange | None:
    """The running Orange sandbox, or None when Orange Money is live (or not offered)."""
    payments = getattr(request.app.state, "payments", None)
    if payments is None:
        return None
    try:
        gateway = payments.gateways.for_method(PaymentMethod.ORANGE_MONEY)
    except Exception:
        return None
    api = getattr(gateway, "api", None)
    return api if isinstance(api, SandboxOrange) else None


def _session(request: Request, payment_id: str, pay_token: str) -> SandboxSession | None:
    sandbox = sandbox_of(request)
    session = sandbox.session(pay_token) if sandbox is not None else None
    if session is None or not session.return_url.rstrip("/").endswith(f"/pay/{payment_id}"):
        return None
    return session


@router.get(PATH)
async def sandbox_orange_page(
    payment_id: str, request: Request, pay_token: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    session = _session(request, payment_id, pay_token)
    if session is None:
        return _gone(request)
    return _page(session.lang, _form(session, ""))


@router.post(PATH)
async def sandbox_orange_answer(payment_id: str, request: Request) -> HTMLResponse:
    body = await request.body()
    form = parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", "replace"))
    pay_token = form.get("pay_token", [""])[0]
    session = _session(request, payment_id, pay_token)
    sandbox = sandbox_of(request)
    if session is None or sandbox is None:
        return _gone(request)
    text = TEXT[session.lang]
    if form.get("action", [""])[0] == "cancel":
        phone = "0001"  # the same as the table's "cancelled" number
    else:
        phone = form.get("phone", [""])[0].replace(" ", "")
        digits = phone.removeprefix("+")
        if not (digits.isdigit() and 8 <= len(digits) <= 15):
            return _page(session.lang, _form(session, text["bad_phone"]), status_code=400)
    session = sandbox.answer(pay_token, phone)
    if sandbox.leaves_through_cancel(session):
        return _onward(session.lang, session.cancel_url, 0, text["leaving"])
    return _onward(session.lang, session.return_url, math.ceil(sandbox.delay_s), text["waiting"])


def _form(session: SandboxSession, error: str) -> str:
    text = TEXT[session.lang]
    amount = format_amount(session.amount, session.currency)
    heading = text["pay"].format(amount=escape(amount), merchant=escape(session.reference))
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return (
        f"<h1>{heading}</h1>{problem}"
        '<form method="post">'
        f'<input type="hidden" name="pay_token" value="{escape(session.pay_token)}">'
        f'<label for="phone">{escape(text["phone"])}</label>'
        '<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" '
        'placeholder="+225 07 00 00 00 00" required>'
        f'<p class="hint">{escape(text["hint"])}</p>'
        f'<button type="submit" name="action" value="pay">{escape(text["submit"])}</button> '
        f'<button type="submit" name="action" value="cancel" formnovalidate>'
        f"{escape(text['cancel'])}</button>"
        "</form>"
    )


def _onward(language: str, url: str, delay_s: int, message: str) -> HTMLResponse:
    target = escape(url)
    body = (
        f'<p role="status">{escape(message)}</p>'
        f'<p><a href="{target}">{escape(TEXT[language]["continue"])}</a></p>'
    )
    refresh = f'<meta http-equiv="refresh" content="{delay_s};url={target}">'
    return _page(language, body, head=refresh)


def _gone(request: Request) -> HTMLResponse:
    language = "fr" if request.headers.get("accept-language", "").startswith("fr") else "en"
    return _page(language, f"<p>{escape(TEXT[language]['gone'])}</p>", status_code=404)


def _page(language: str, body: str, *, head: str = "", status_code: int = 200) -> HTMLResponse:
    text = TEXT[language]
    html = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(text['title'])}</title>{head}<style>{STYLE}</style></head><body>"
        f'<p class="banner">{escape(text["banner"])}</p><main>{body}</main></body></html>'
    )
    return HTMLResponse(html, status_code=status_code, headers=HEADERS)


STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0;background:#fff7f0;color:#222}"
    ".banner{margin:0;padding:.6em 1em;background:#222;color:#fff;font-weight:600;"
    "text-align:center}"
    "main{max-width:28em;margin:2em auto;padding:0 1em}"
    "h1{font-size:1.3em;color:#ff7900}"
    "label{display:block;margin:1em 0 .3em}"
    "input{width:100%;box-sizing:border-box;padding:.6em;font-size:1.1em}"
    ".hint{font-size:.85em;color:#555}.error{color:#b00020}"
    "button{padding:.6em 1.2em;font-size:1em;margin-top:.5em}"
)
