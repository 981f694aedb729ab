"""Payments on the wire: `POST /payments`, `GET /payments/{id}`, and phone numbers.

Phone normalisation lives here so the studio and the server read a number the
same way: E.164 (`+254712345678`), international digits (`254712345678`) or the
local form (`0712345678`, read with the payer's country).
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from server.contract.money import Amount, is_supported_currency


class PaymentKind(StrEnum):
    TIP = "tip"
    TICKET = "ticket"
    SUBSCRIPTION = "subscription"


class PaymentMethod(StrEnum):
    CARD = "card"
    MPESA = "mpesa"
    ORANGE_MONEY = "orange_money"
    MTN_MOMO = "mtn_momo"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


FINAL_STATUSES = frozenset(
    {PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.EXPIRED}
)

RawPhone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=32)]
Message = Annotated[str, StringConstraints(strip_whitespace=True, max_length=280)]


class CreatePaymentRequest(BaseModel):
    """What a fan sends to pay; unknown fields are refused so a typo is an error."""

    model_config = ConfigDict(extra="forbid")

    kind: PaymentKind
    method: PaymentMethod
    amount: Amount
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    creator_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    stream_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    phone: RawPhone | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    message: Message | None = None

    @field_validator("currency")
    @classmethod
    def _supported_currency(cls, value: str) -> str:
        if not is_supported_currency(value):
            raise ValueError(f"currency {value} is not supported")
        return value


class FailureReason(BaseModel):
    code: str
    message: str


class ApproveOnPhone(BaseModel):
    type: Literal["approve_on_phone"] = "approve_on_phone"
    message: str


class Redirect(BaseModel):
    type: Literal["redirect"] = "redirect"
    url: str


class StripeClientSecret(BaseModel):
    type: Literal["stripe_client_secret"] = "stripe_client_secret"
    client_secret: str
    publishable_key: str | None


NextAction = Annotated[ApproveOnPhone | Redirect | StripeClientSecret, Field(discriminator="type")]


class Payment(BaseModel):
    id: str
    kind: PaymentKind
    method: PaymentMethod
    status: PaymentStatus
    amount: int
    currency: str
    fee: int
    net: int
    creator_id: str
    stream_id: str | None
    message: str | None
    failure_reason: FailureReason | None
    next_action: NextAction | None
    refunded_amount: int = 0  # given back so far (or being given back), in minor units
    created_at: datetime
    updated_at: datetime


class RefundStatus(StrEnum):
    PENDING = "pending"  # the provider has not confirmed it yet
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class RefundRequest(BaseModel):
    """`POST /payments/{id}/refund`: without `amount`, whatever is left is refunded."""

    model_config = ConfigDict(extra="forbid")

    amount: Amount | None = None


class Refund(BaseModel):
    id: str
    payment_id: str
    amount: int  # minor units
    currency: str
    fee: int  # the platform's share given back with it
    status: RefundStatus
    failure_reason: FailureReason | None
    payment_refunded_amount: int  # the payment's refunded total after this refund
    created_at: datetime


class PhoneError(ValueError):
    """The text is not a phone number we can read; the message says why."""


def normalize_phone(raw: str, country: str | None) -> str:
    """Read a phone number in any accepted form and answer it in E.164 (`+254712345678`)."""
    import phonenumbers  # on first use: ~1.5 MB that idle studios and servers never need

    text = raw.strip().replace(" ", "").replace("-", "")
    if text.startswith("+"):
        candidate, region = text, None
    elif text.startswith("0"):
        if country is None:
            raise PhoneError(
                "phone is in local form: give it in international form (+254712345678) "
                "or send your country"
            )
        candidate, region = text, country
    elif text.isdigit():
        candidate, region = "+" + text, None
    else:
        raise PhoneError("phone is not a valid phone number")
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        raise PhoneError("phone is not a valid phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("phone is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_region(e164: str) -> str | None:
    """The ISO country of an E.164 number (`+254…` → `KE`)."""
    import phonenumbers

    return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
