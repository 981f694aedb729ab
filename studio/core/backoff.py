"""How long to wait before trying again: doubling delays up to a ceiling."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Delays of `first`, then ×`factor` each attempt, never above `longest` (seconds)."""

    first: float = 1.0
    factor: float = 2.0
    longest: float = 30.0

    def delay(self, attempt: int) -> float:
        """The wait before try number `attempt` (1 for the first retry)."""
        return float(min(self.longest, self.first * self.factor ** max(0, attempt - 1)))
