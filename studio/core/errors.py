"""The studio's one exception tree.

Error bodies from the server (`{"error": {code, message, details}}`), network
failures and client-side validation all become a `FlashError`, so a screen has a
single thing to catch and can put each message next to the field it concerns.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pydantic is slow to import; the first window must not wait for it
    from pydantic import ValidationError


class FlashError(Exception):
    """Something the user should read: a code, a message, and per-field messages."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "error",
        status: int | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.fields: dict[str, str] = dict(fields or {})


class InvalidInput(FlashError):
    """The request was refused as written (400, 422, or caught before sending)."""


class Unauthorized(FlashError):
    """Wrong credentials, or a session the server no longer accepts (401)."""


class Forbidden(FlashError):
    """Signed in, but not allowed to do this (403)."""


class NotFound(FlashError):
    """The thing asked for does not exist, or is not yours to see (404)."""


class Conflict(FlashError):
    """It clashes with what exists, e.g. an account with this email (409)."""


class RateLimited(FlashError):
    """Too many attempts; `retry_after` says how many seconds to wait (429)."""

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerUnreachable(FlashError):
    """No answer: the server is down, or the network is."""


class ServerError(FlashError):
    """The server answered, but with a failure of its own (5xx or an unreadable body)."""


_BY_STATUS: dict[int, type[FlashError]] = {
    400: InvalidInput,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: InvalidInput,
    422: InvalidInput,
}


def _field_messages(details: Any) -> dict[str, str]:
    """`details` is a list of `{field, message}` or one `{field}` object naming the field."""
    fields: dict[str, str] = {}
    items = details if isinstance(details, list) else [details]
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("field"), str):
            message = item.get("message")
            fields.setdefault(item["field"], str(message) if message else "")
    return fields


def error_from_response(status: int, body: Any, retry_after: str | None = None) -> FlashError:
    """Turn a non-2xx answer into the matching `FlashError`."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return ServerError(f"the server answered {status} without an explanation", status=status)
    code = str(error.get("code") or "error")
    message: str = error["message"]
    details = error.get("details")
    fields = _field_messages(details)
    for field, text in fields.items():
        fields[field] = text or message
    if status == 429:
        seconds = details.get("retry_after") if isinstance(details, dict) else None
        if not isinstance(seconds, int):
            seconds = int(retry_after) if retry_after and retry_after.isdigit() else 60
        return RateLimited(message, retry_after=seconds, code=code, status=status, fields=fields)
    kind = _BY_STATUS.get(status, ServerError if status >= 500 else FlashError)
    return kind(message, code=code, status=status, fields=fields)


def invalid_input_from(exc: "ValidationError") -> InvalidInput:
    """Client-side validation with the contract's own models gives the server's messages."""
    fields: dict[str, str] = {}
    for err in exc.errors():
        field = ".".join(str(part) for part in err.get("loc", ()))
        fields.setdefault(field, str(err.get("msg", "invalid value")).removeprefix("Value error, "))
    first_field, first_message = next(iter(fields.items()), ("", "invalid input"))
    summary = f"{first_field}: {first_message}" if first_field else first_message
    return InvalidInput(summary, code="invalid_input", fields=fields)
