"""The server's one exception tree, turned into the error body at the HTTP edge only."""

from typing import Any


class FlashError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: Any = None,
        code: str | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.keep_changes = keep_changes
        if code is not None:
            self.code = code


class InvalidInput(FlashError):
    status = 422
    code = "invalid_input"


class Unauthorized(FlashError):
    status = 401
    code = "unauthorized"


class Forbidden(FlashError):
    status = 403
    code = "forbidden"


class NotFound(FlashError):
    status = 404
    code = "not_found"


class Conflict(FlashError):
    status = 409
    code = "conflict"


class TooManyRequests(FlashError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after


class PayloadTooLarge(FlashError):
    status = 413
    code = "payload_too_large"


class ProviderUnavailable(FlashError):
    status = 502
    code = "provider_unavailable"
