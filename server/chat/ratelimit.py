"""Token buckets for chat: the per-user message limit and the per-connection flood guard.

Our own few lines rather than the `limits` library used for logins: a chat send must
answer *how long* to wait (`retry_after`, a fraction of a second) and runs on every
message, so an in-memory bucket with no storage round trip is the right tool. With
several replicas each keeps its own buckets; a user is almost always on one replica
(one connection), so the limit holds in practice.
"""

import time
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """`rate` tokens per second, up to `burst` saved; one token per event."""

    rate: float
    burst: int
    tokens: float = -1.0
    updated: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = float(self.burst)

    def take(self, now: float | None = None) -> float:
        """Spend a token: 0 when allowed, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def is_full(self, now: float) -> bool:
        return self.tokens + (now - self.updated) * self.rate >= self.burst


class SenderLimits:
    """One bucket per user, forgotten once it has refilled, so memory tracks active users."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, TokenBucket] = {}

    def take(self, user_id: str) -> float:
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = TokenBucket(self.rate, self.burst)
        return bucket.take()

    def forget_idle(self) -> None:
        now = time.monotonic()
        for user_id in [u for u, b in self._buckets.items() if b.is_full(now)]:
            del self._buckets[user_id]
