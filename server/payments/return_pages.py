"""`GET /pay/{id}` and `GET /pay/{id}/cancel`: where a provider's page sends the fan back.

Server-rendered and light (no script), in the payer's language. The return page
shows the outcome: while pending it asks the provider once per view and
refreshes itself. The cancel page calls the payment off only where the provider
confirms it was not paid (a `CancellingGateway`, cards) or has already ended it;
otherwise the payment stays as the provider says, and the page shows it.

Payment ids are long random strings, and the page shows no name or phone number.
"""

from html import escape

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from server.contract.money import format_amount
from server.contract.payments import PaymentMethod, PaymentStatus
from server.errors import InvalidInput
from server.logs import get_logger
from server.payments.gateways.base import CancellingGateway, PaymentGateway
from server.payments.models import PaymentRow
from server.payments.reasons import failure_message
from server.payments.repository import PaymentsRepository
from server.payments.service.context import PaymentsContext
from server.payments.service.resolve import confirm_with_provider, resolve_payment
from server.providers.errors import ProviderError

log = get_logger("flash.payments")
router = APIRouter(include_in_schema=False)

REFRESH_S = 3
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "Referrer-Policy": "no-referrer",
}
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;"
    "color:#1d1d1f}h1{font-size:1.4rem}.amount{font-size:1.6rem;font-weight:600}"
    ".sandbox{background:#fff3cd;border:1px solid #e0c36a;padding:.5rem .75rem;"
    "border-radius:.4rem}.error{color:#b00020}.ok{color:#137333}label{display:block;"
    "margin:.75rem 0 .25rem}input{font-size:1.1rem;padding:.4rem;width:100%;"
    "box-sizing:border-box}button{margin-top:1rem;font-size:1.1rem;padding:.5rem 1.2rem}"
    "table{border-collapse:collapse;font-size:.85rem}td{padding:.15rem .5rem}"
)

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your payment",
        "sandbox": "Sandbox — no real money is moved.",
        "pending": "Waiting for the payment to be confirmed… this page refreshes by itself.",
        "succeeded": "Thank you! Your payment went through.",
        "failed": "The payment did not go through.",
        "cancelled": "The payment was cancelled. Nothing was charged.",
        "expired": "The payment expired. Nothing was charged.",
        "back": "Back to the stream",
        "refunded": "Refunded: {amount}.",
        "missing": "There is no such payment.",
    },
    "fr": {
        "title": "Votre paiement",
        "sandbox": "Bac à sable — aucun argent réel n'est débité.",
        "pending": "Confirmation du paiement en cours… cette page s'actualise toute seule.",
        "succeeded": "Merci ! Votre paiement a été effectué.",
        "failed": "Le paiement n'a pas abouti.",
        "cancelled": "Le paiement a été annulé. Rien n'a été débité.",
        "expired": "Le paiement a expiré. Rien n'a été débité.",
        "back": "Retour au direct",
        "refunded": "Remboursé : {amount}.",
        "missing": "Ce paiement n'existe pas.",
    },
}


def text(language: str) -> dict[str, str]:
    return TEXT.get(language, TEXT["en"])


def page(title: str, body: str, language: str, *, refresh_s: int | None = None) -> str:
    """The pages' one shell: a title, inline styles, and an optional self-refresh."""
    refresh = f'<meta http-equiv="refresh" content="{refresh_s}">' if refresh_s else ""
    return (
        f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"{refresh}<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def html(content: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(content, status_code=status_code, headers=HEADERS)


def payments_of(request: Request) -> PaymentsContext:
    ctx: PaymentsContext = request.app.state.payments
    return ctx


def gateway_of(ctx: PaymentsContext, payment: PaymentRow) -> PaymentGateway | None:
    try:
        return ctx.gateways.for_method(PaymentMethod(payment.method))
    except InvalidInput:  # a method switched off since: the page still shows the payment
        return None


async def load(ctx: PaymentsContext, payment_id: str) -> PaymentRow | None:
    if len(payment_id) > 32:
        return None
    async with ctx.database.session() as session:
        return await PaymentsRepository(session).by_id(payment_id)


@router.get("/pay/{payment_id}")
async def return_page(payment_id: str, request: Request) -> Response:
    ctx = payments_of(request)
    payment = await load(ctx, payment_id)
    if payment is None:
        return html(page(text("en")["missing"], f"<p>{text('en')['missing']}</p>", "en"), 404)
    if payment.status == PaymentStatus.PENDING.value and payment.provider_ref is not None:
        await confirm_with_provider(ctx, payment.id)  # False while the provider has no answer
        payment = await load(ctx, payment_id) or payment
    return html(render_outcome(payment, gateway_of(ctx, payment)))


@router.get("/pay/{payment_id}/cancel")
async def cancel_page(payment_id: str, request: Request) -> Response:
    ctx = payments_of(request)
    payment = await load(ctx, payment_id)
    if payment is None:
        return html(page(text("en")["missing"], f"<p>{text('en')['missing']}</p>", "en"), 404)
    gateway = gateway_of(ctx, payment)
    ref = payment.provider_ref
    if payment.status == PaymentStatus.PENDING.value and gateway is not None and ref is not None:
        try:
            if isinstance(gateway, CancellingGateway):
                outcome = await gateway.cancel(ref)
            else:
                outcome = await gateway.outcome(ref)
        except ProviderError as exc:
            log.info("cancel_query_failed", payment_id=payment.id, error=type(exc).__name__)
            outcome = None
        if outcome is not None:
            await resolve_payment(
                ctx,
                payment.id,
                outcome.status,
                outcome.failure_code,
                outcome.provider_result,
                queried_ref=ref,
            )
    return RedirectResponse(f"/pay/{payment.id}", status_code=303, headers=HEADERS)


def render_outcome(payment: PaymentRow, gateway: PaymentGateway | None) -> str:
    words = text(payment.payer_language)
    status = PaymentStatus(payment.status)
    parts = [f"<h1>{escape(words['title'])}</h1>"]
    if gateway is not None and gateway.mode == "sandbox":
        parts.append(f'<p class="sandbox">{escape(words["sandbox"])}</p>')
    parts.append(f'<p class="amount">{escape(format_amount(payment.amount, payment.currency))}</p>')
    css = {"succeeded": "ok", "failed": "error"}.get(status.value, "")
    parts.append(f'<p class="{css}" id="status">{escape(words[status.value])}</p>')
    if payment.failure_code is not None and status is not PaymentStatus.SUCCEEDED:
        reason = failure_message(payment.failure_code, payment.payer_language)
        parts.append(f'<p class="error" id="reason">{escape(reason)}</p>')
    if payment.refunded_amount:
        refunded = format_amount(payment.refunded_amount, payment.currency)
        parts.append(f"<p>{escape(words['refunded'].format(amount=refunded))}</p>")
    if payment.stream_id is not None:
        href = f"/live/{escape(payment.stream_id, quote=True)}"
        parts.append(f'<p><a href="{href}" id="back">{escape(words["back"])}</a></p>')
    refresh = REFRESH_S if status is PaymentStatus.PENDING else None
    return page(words["title"], "".join(parts), payment.payer_language, refresh_s=refresh)
