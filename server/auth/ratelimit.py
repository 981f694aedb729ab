"""Login throttling with the `limits` library (moving window, per client address and login).

`limits` (~1.5 MB with its storage back-ends) is imported at the first sign-in attempt:
a server nobody has tried to sign in to yet does not need it.
"""

import time
from typing import TYPE_CHECKING

from server.errors import TooManyRequests

if TYPE_CHECKING:
    from limits import RateLimitItem
    from limits.aio.strategies import MovingWindowRateLimiter


class LoginThrottle:
    def __init__(self, attempts_per_minute: int) -> None:
        self.attempts_per_minute = attempts_per_minute
        self._window: tuple[RateLimitItem, MovingWindowRateLimiter] | None = None

    def _limiter(self) -> "tuple[RateLimitItem, MovingWindowRateLimiter]":
        if self._window is None:
            from limits import RateLimitItemPerMinute
            from limits.aio.storage import MemoryStorage
            from limits.aio.strategies import MovingWindowRateLimiter

            limit = RateLimitItemPerMinute(self.attempts_per_minute)
            self._window = (limit, MovingWindowRateLimiter(MemoryStorage()))
        return self._window

    async def check(self, client: str, login: str) -> None:
        limit, limiter = self._limiter()
        for key in (f"ip:{client}", f"login:{login}"):
            if not await limiter.hit(limit, key):
                stats = await limiter.get_window_stats(limit, key)
                retry_after = max(1, int(stats.reset_time - time.time()) + 1)
                raise TooManyRequests(
                    "too many sign-in attempts; wait a moment and try again",
                    retry_after=retry_after,
                )
