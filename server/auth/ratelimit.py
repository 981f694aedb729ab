"""Login throttling with the `limits` library (moving window, per client address and login)."""

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from server.errors import TooManyRequests


class LoginThrottle:
    def __init__(self, attempts_per_minute: int) -> None:
        self.limit = RateLimitItemPerMinute(attempts_per_minute)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def check(self, client: str, login: str) -> None:
        for key in (f"ip:{client}", f"login:{login}"):
            if not await self.limiter.hit(self.limit, key):
                stats = await self.limiter.get_window_stats(self.limit, key)
                import time

                retry_after = max(1, int(stats.reset_time - time.time()) + 1)
                raise TooManyRequests(
                    "too many sign-in attempts; wait a moment and try again",
                    retry_after=retry_after,
                )
