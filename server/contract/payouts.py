"""Payouts on the wire: `POST /payouts`, `GET /payouts`, `GET /payouts/{id}`.

A creator withdraws part of their `available` balance to a mobile-money wallet.
The amount is held from the moment the payout is accepted; it is paid out when
the provider confirms, or given back to `available` when the payout fails.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from server.contract.money import Amount, is_supported_currency
from server.contract.payments import FailureReason, RawPhone


class PayoutMethod(StrEnum):
    MPESA = "mpesa"
    MTN_MOMO = "mtn_momo"
    ORANGE_MONEY = "orange_money"


class PayoutStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class CreatePayoutRequest(BaseModel):
    """What a creator sends to withdraw; unknown fields are refused so a typo is an error."""

    model_config = ConfigDict(extra="forbid")

    amount: Amount
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    method: PayoutMethod
    phone: RawPhone

    @field_validator("currency")
    @classmethod
    def _supported_currency(cls, value: str) -> str:
        if not is_supported_currency(value):
            raise ValueError(f"currency {value} is not supported")
        return value


class Payout(BaseModel):
    id: str
    status: PayoutStatus
    amount: int
    currency: str
    method: PayoutMethod
    phone: str  # E.164, where the money goes
    failure_reason: FailureReason | None
    created_at: datetime
    updated_at: datetime


class Payouts(BaseModel):
    """The creator's payouts, newest first."""

    items: list[Payout]
