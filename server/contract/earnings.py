"""A creator's earnings on the wire: `GET /earnings/summary` and `GET /earnings/transactions`.

All amounts are integer minor units of their `currency`; balances are kept per
currency and never converted.
"""

from datetime import datetime

from pydantic import BaseModel

from server.contract.payments import PaymentKind, PaymentMethod, PaymentStatus


class CurrencyTotals(BaseModel):
    currency: str
    gross: int
    fees: int
    net: int
    available: int
    pending: int
    paid_out: int


class MethodTotals(BaseModel):
    method: PaymentMethod
    currency: str
    gross: int
    net: int
    count: int


class StreamTotals(BaseModel):
    stream_id: str
    title: str | None
    currency: str
    gross: int
    net: int
    count: int


class EarningsSummary(BaseModel):
    totals: list[CurrencyTotals]
    by_method: list[MethodTotals]
    by_stream: list[StreamTotals]


class EarningsTransaction(BaseModel):
    id: str
    kind: PaymentKind
    method: PaymentMethod
    status: PaymentStatus
    amount: int
    currency: str
    fee: int
    net: int
    stream_id: str | None
    payer_name: str
    message: str | None
    created_at: datetime
    updated_at: datetime


class EarningsTransactions(BaseModel):
    """`next_cursor` is never null: save it and ask again later for every later change."""

    items: list[EarningsTransaction]
    next_cursor: str
