"""Accounts on the wire: register, login, refresh, logout, guest, me.

Validation that a client can do before sending (email shape, E.164 phone,
password strength, ISO codes) lives here, so the studio and the server give
the same message for the same mistake.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)

MIN_PASSWORD_LENGTH = 10
LANGUAGES = ("en", "fr")


class Role(StrEnum):
    CREATOR = "creator"
    FAN = "fan"


def _e164(value: str) -> str:
    """Accept only a full international number (+ and country code), the form we store."""
    if not value.startswith("+"):
        raise ValueError("phone must be in international form, e.g. +254712345678")
    import phonenumbers  # on first use: ~1.5 MB that idle studios and servers never need

    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("phone is not a valid phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("phone is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _strong_password(value: str) -> str:
    """Long enough and not all of one kind: a cheap check that stops the weakest choices."""
    if len(value) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if value.isdigit() or value.isalpha() or len(set(value)) < 4:
        raise ValueError("password is too weak: mix letters with digits or symbols")
    return value


Phone = Annotated[str, AfterValidator(_e164)]
Password = Annotated[str, Field(max_length=256)]
NewPassword = Annotated[str, Field(max_length=256), AfterValidator(_strong_password)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Language = Literal["en", "fr"]


class _Strict(BaseModel):
    """Request bodies refuse unknown fields, so a typo is an error rather than ignored."""

    model_config = ConfigDict(extra="forbid")


class _EmailOrPhone(_Strict):
    email: EmailStr | None = None
    phone: Phone | None = None

    @model_validator(mode="after")
    def _one_identifier(self) -> "_EmailOrPhone":
        if (self.email is None) == (self.phone is None):
            raise ValueError("give either email or phone, not both and not neither")
        return self


class RegisterRequest(_EmailOrPhone):
    password: NewPassword
    display_name: DisplayName
    role: Role = Role.CREATOR
    country: CountryCode
    currency: CurrencyCode
    language: Language = "en"


class LoginRequest(_EmailOrPhone):
    password: Password


class RefreshRequest(_Strict):
    refresh_token: Annotated[str, Field(min_length=1, max_length=2048)]


class LogoutRequest(RefreshRequest):
    pass


class GuestRequest(_Strict):
    display_name: DisplayName


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class GuestToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class User(BaseModel):
    id: str
    email: str | None
    phone: str | None
    display_name: str
    role: Role
    country: str
    currency: str
    language: str
    created_at: datetime
