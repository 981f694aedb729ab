"""Sign-up and sign-in forms turned into the contract's requests, checked before sending.

The checks are the contract's own validators, so the studio refuses exactly
what the server would, with the same field names, without a round trip. Every
problem of a form is reported at once, each under its field.
"""

import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from server.contract import LoginRequest, RegisterRequest
from studio.core.errors import InvalidInput, invalid_input_from

REQUIRED = "required"
"""The message of a field left empty (the UI words it in the user's language)."""

_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_LOGIN_FIELDS = ("", "email", "phone")

R = TypeVar("R", bound=BaseModel)


def identify(login: str) -> dict[str, str]:
    """One box takes either: with an @ it is an email, otherwise a phone number."""
    login = login.strip()
    if "@" in login:
        return {"email": login}
    return {"phone": _PHONE_PUNCTUATION.sub("", login)}


def _checked(model: type[R], body: dict[str, str], required: dict[str, str]) -> R:
    missing = {name: REQUIRED for name, value in required.items() if not value.strip()}
    try:
        request = model.model_validate(body)
    except ValidationError as exc:
        invalid = invalid_input_from(exc)
    else:
        if not missing:
            return request
        invalid = InvalidInput("", code="invalid_input")
    fields = {
        name: message
        for name, message in invalid.fields.items()
        if name not in missing and not ("login" in missing and name in _LOGIN_FIELDS)
    }
    fields = missing | fields
    name, message = next(iter(fields.items()))
    raise InvalidInput(f"{name}: {message}", code="invalid_input", fields=fields)


def sign_in_request(login: str, password: str) -> LoginRequest:
    body = {**identify(login), "password": password}
    return _checked(LoginRequest, body, {"login": login, "password": password})


def sign_up_request(
    *,
    login: str,
    password: str,
    display_name: str,
    role: str,
    country: str,
    currency: str,
    language: str,
) -> RegisterRequest:
    body = {
        **identify(login),
        "password": password,
        "display_name": display_name,
        "role": role,
        "country": country,
        "currency": currency,
        "language": language,
    }
    required = {
        "login": login,
        "password": password,
        "display_name": display_name,
        "country": country,
    }
    return _checked(RegisterRequest, body, required)
