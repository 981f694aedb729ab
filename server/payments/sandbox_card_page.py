"""`GET|POST /pay/{id}/sandbox-card`: the card sandbox's payment page, in place of Stripe's.

Only a pending card payment of a server in card sandbox mode has one. The fan
types one of Stripe's test card numbers (see `stripe_sandbox.py`); the sandbox
plays Stripe's part, the outcome is then read back through the card gateway
exactly as a live payment's is, and the browser goes on to `GET /pay/{id}`.
"""

from html import escape
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from server.contract.money import format_amount
from server.contract.payments import PaymentMethod, PaymentStatus
from server.payments.gateways.card import CardGateway
from server.payments.models import PaymentRow
from server.payments.return_pages import HEADERS, html, load, page, payments_of, text
from server.payments.service.resolve import confirm_with_provider
from server.providers.errors import ProviderRefused
from server.providers.stripe_sandbox import IncorrectNumber, SandboxCards

router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 2_048

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Pay by card — Sandbox",
        "banner": "Sandbox — no real money. Use a Stripe test card.",
        "number": "Card number",
        "expiry": "Expiry (MM/YY)",
        "cvc": "CVC",
        "pay": "Pay {amount}",
        "cancel": "Cancel",
        "hint": "4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined; "
        "4000 0000 0000 9995 has insufficient funds. Any future date and any CVC.",
        "incorrect_number": "This card number is not valid. Check it and try again.",
        "unavailable": "This payment cannot be paid by card here.",
    },
    "fr": {
        "title": "Payer par carte — Bac à sable",
        "banner": "Bac à sable — aucun argent réel. Utilisez une carte de test Stripe.",
        "number": "Numéro de carte",
        "expiry": "Expiration (MM/AA)",
        "cvc": "CVC",
        "pay": "Payer {amount}",
        "cancel": "Annuler",
        "hint": "4242 4242 4242 4242 paie ; 4000 0000 0000 0002 est refusée ; "
        "4000 0000 0000 9995 n'a pas assez de fonds. Toute date future et tout CVC.",
        "incorrect_number": "Ce numéro de carte n'est pas valide. Vérifiez-le et réessayez.",
        "unavailable": "Ce paiement ne peut pas être payé par carte ici.",
    },
}


def _sandbox(request: Request, payment: PaymentRow | None) -> SandboxCards | None:
    """The card sandbox, if this payment is a pending card payment it can take."""
    if payment is None or payment.method != PaymentMethod.CARD.value:
        return None
    gateway = payments_of(request).gateways.for_method(PaymentMethod.CARD)
    if not isinstance(gateway, CardGateway) or not isinstance(gateway.api, SandboxCards):
        return None
    return gateway.api


@router.get("/pay/{payment_id}/sandbox-card")
async def sandbox_card_page(payment_id: str, request: Request) -> Response:
    payment = await load(payments_of(request), payment_id)
    if payment is None or _sandbox(request, payment) is None:
        return _unavailable(payment)
    if payment.status != PaymentStatus.PENDING.value:
        return RedirectResponse(f"/pay/{payment.id}", status_code=303, headers=HEADERS)
    return html(_form(payment, error=None))


@router.post("/pay/{payment_id}/sandbox-card")
async def sandbox_card_pay(payment_id: str, request: Request) -> Response:
    ctx = payments_of(request)
    payment = await load(ctx, payment_id)
    sandbox = _sandbox(request, payment)
    if payment is None or sandbox is None:
        return _unavailable(payment)
    body = await request.body()
    form = parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", "replace"))
    number = (form.get("number") or [""])[0]
    if payment.status == PaymentStatus.PENDING.value and payment.provider_ref is not None:
        try:
            sandbox.confirm(payment.provider_ref, number)
        except IncorrectNumber:
            return html(_form(payment, error="incorrect_number"), 422)
        except ProviderRefused:
            pass  # already confirmed or cancelled: the return page shows how it ended
        await confirm_with_provider(ctx, payment.id)
    return RedirectResponse(f"/pay/{payment.id}", status_code=303, headers=HEADERS)


def _form(payment: PaymentRow, error: str | None) -> str:
    language = payment.payer_language
    words = WORDS.get(language, WORDS["en"])
    amount = format_amount(payment.amount, payment.currency)
    problem = f'<p class="error" id="error">{escape(words[error])}</p>' if error else ""
    body = (
        f"<h1>{escape(words['title'])}</h1>"
        f'<p class="sandbox">{escape(words["banner"])}</p>'
        f'<p class="amount">{escape(amount)}</p>{problem}'
        f'<form method="post" action="/pay/{escape(payment.id, quote=True)}/sandbox-card">'
        f'<label for="number">{escape(words["number"])}</label>'
        '<input id="number" name="number" inputmode="numeric" autocomplete="off" '
        'placeholder="4242 4242 4242 4242" required>'
        f'<label for="expiry">{escape(words["expiry"])}</label>'
        '<input id="expiry" name="expiry" placeholder="12/34" autocomplete="off">'
        f'<label for="cvc">{escape(words["cvc"])}</label>'
        '<input id="cvc" name="cvc" placeholder="123" autocomplete="off">'
        f'<button type="submit">{escape(words["pay"].format(amount=amount))}</button>'
        "</form>"
        f'<p><a href="/pay/{escape(payment.id, quote=True)}/cancel">'
        f"{escape(words['cancel'])}</a></p>"
        f"<p><small>{escape(words['hint'])}</small></p>"
    )
    return page(words["title"], body, language)


def _unavailable(payment: PaymentRow | None) -> Response:
    language = payment.payer_language if payment is not None else "en"
    words = WORDS.get(language, WORDS["en"])
    missing = text(language)["missing"] if payment is None else words["unavailable"]
    return html(page(words["title"], f"<p>{escape(missing)}</p>", language), 404)
