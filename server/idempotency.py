"""The `Idempotency-Key` header every money-moving request requires (payments, refunds,
payouts): one rule for what a key may be, so every endpoint refuses the same way."""

from server.errors import FlashError, InvalidInput

MAX_KEY_CHARS = 255


def checked_key(key: str | None, *, per: str) -> str:
    """The stripped key, or a clear refusal naming what one key stands for (`per`)."""
    if key is None or not key.strip():
        raise FlashError(
            f"an Idempotency-Key header is required: a unique value per {per}, reused on retries",
            code="idempotency_key_required",
        )
    key = key.strip()
    if len(key) > MAX_KEY_CHARS or not key.isprintable():
        raise InvalidInput(
            f"Idempotency-Key must be at most {MAX_KEY_CHARS} printable characters",
            code="invalid_idempotency_key",
        )
    return key
