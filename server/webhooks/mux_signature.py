"""Mux's webhook signature: `mux-signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.

Written here because `mux-python` has no webhook helper (Mux's Node and Elixir
SDKs do). Several `v1` values are accepted, so a secret can be rotated.
"""

import hashlib
import hmac

from server.errors import FlashError


class InvalidSignature(FlashError):
    status = 400
    code = "invalid_signature"


def verify(header: str | None, body: bytes, secret: str, *, tolerance_s: int, now: float) -> None:
    """Raise `InvalidSignature` unless `header` signs `body` with `secret` within the window."""
    if not header:
        raise InvalidSignature("the mux-signature header is missing")
    timestamp, signatures = _parse(header)
    if timestamp is None or not signatures:
        raise InvalidSignature("the mux-signature header is malformed")
    if abs(now - timestamp) > tolerance_s:
        raise InvalidSignature("the mux-signature timestamp is outside the allowed window")
    signed = str(timestamp).encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise InvalidSignature("the mux-signature does not match this body")


def _parse(header: str) -> tuple[int | None, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value.lower())
    return timestamp, signatures
