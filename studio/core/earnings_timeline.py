"""Net earnings over time: the bars of the "Over time" chart, one per day or per week.

The cache sums the payments per local day (`EarningsCache.daily_net`); this
module only chooses the span and folds days into weeks, so a short period reads
day by day and a long one stays a readable number of bars. Integers only.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from studio.core.earnings_cache import DayTotal

WEEKLY_FROM_DAYS = 60
"""Longer than this and one bar per day would be too thin to read or point at."""


class Period(StrEnum):
    """How far back the chart looks, ending today."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def days(self) -> int:
        return {"week": 7, "month": 30, "quarter": 90, "year": 365}[self.value]

    @property
    def weekly(self) -> bool:
        return self.days > WEEKLY_FROM_DAYS


@dataclass(frozen=True)
class Bar:
    """One day (first == last) or one week, and what it brought."""

    first_day: date
    last_day: date
    net: int
    count: int


@dataclass(frozen=True)
class Span:
    first_day: date
    last_day: date
    weekly: bool


def span_of(period: Period, today: date, first_weekday: int = 0) -> Span:
    """The days the chart covers, today included; weekly spans start on a whole week,
    `first_weekday` as `date.weekday()` counts (0 Monday, 6 Sunday), so no bar is a stub."""
    first = today - timedelta(days=period.days - 1)
    if period.weekly:
        first -= timedelta(days=(first.weekday() - first_weekday) % 7)
    return Span(first, today, period.weekly)


def bars_of(span: Span, days: dict[date, DayTotal]) -> list[Bar]:
    """Every day or week of the span in order, empty ones included (a gap is news too)."""
    step = 7 if span.weekly else 1
    bars: list[Bar] = []
    first = span.first_day
    while first <= span.last_day:
        last = min(first + timedelta(days=step - 1), span.last_day)
        totals = [days[d] for d in _days(first, last) if d in days]
        bars.append(Bar(first, last, sum(t.net for t in totals), sum(t.payments for t in totals)))
        first = last + timedelta(days=1)
    return bars


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
