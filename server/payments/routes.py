"""`/payments`: thin handlers that parse, call the service, and answer."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from server.contract.errors import ErrorBody
from server.contract.payments import CreatePaymentRequest, Payment, Refund, RefundRequest
from server.deps import PrincipalDep
from server.payments import service
from server.payments.service import PaymentsContext
from server.payments.service.refund import refund_payment


def get_payments(request: Request) -> PaymentsContext:
    ctx: PaymentsContext = request.app.state.payments
    return ctx


PaymentsDep = Annotated[PaymentsContext, Depends(get_payments)]

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 404, 409, 422, 502)
}
router = APIRouter(tags=["payments"], responses=ERRORS)


@router.post("/payments", response_model=Payment, status_code=201)
async def create_payment(
    body: CreatePaymentRequest,
    payer: PrincipalDep,
    payments: PaymentsDep,
    idempotency_key: Annotated[str | None, Header()] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    answer = await service.create_payment(payments, payer, idempotency_key, body, accept_language)
    return Response(answer.body, status_code=answer.status, media_type="application/json")


@router.get("/payments/{payment_id}", response_model=Payment)
async def get_payment(payment_id: str, reader: PrincipalDep, payments: PaymentsDep) -> Payment:
    return await service.read_payment(payments, reader, payment_id)


@router.post("/payments/{payment_id}/refund", response_model=Refund, status_code=201)
async def refund(
    payment_id: str,
    creator: PrincipalDep,
    payments: PaymentsDep,
    body: RefundRequest | None = None,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """The receiving creator gives money back: all that is left, or `amount` of it."""
    answer = await refund_payment(
        payments, creator, payment_id, idempotency_key, body or RefundRequest()
    )
    return Response(answer.body, status_code=answer.status, media_type="application/json")
