"""The chart's bars: which days a period covers, and days folded into whole weeks."""

from datetime import date, timedelta

from studio.core.earnings_cache import DayTotal
from studio.core.earnings_timeline import Bar, Period, bars_of, span_of

WEDNESDAY = date(2026, 11, 25)


def test_a_month_is_thirty_days_one_bar_each_today_included() -> None:
    span = span_of(Period.MONTH, WEDNESDAY)
    assert (span.first_day, span.last_day, span.weekly) == (date(2026, 10, 27), WEDNESDAY, False)
    days = {WEDNESDAY: DayTotal(135_000, 2), date(2026, 10, 27): DayTotal(9_000, 1)}
    bars = bars_of(span, days)
    assert len(bars) == 30
    assert bars[0] == Bar(date(2026, 10, 27), date(2026, 10, 27), 9_000, 1)
    assert bars[-1] == Bar(WEDNESDAY, WEDNESDAY, 135_000, 2)
    assert sum(bar.net for bar in bars) == 144_000


def test_long_periods_are_whole_weeks_from_the_languages_first_weekday() -> None:
    monday_weeks = span_of(Period.QUARTER, WEDNESDAY, first_weekday=0)
    assert monday_weeks.weekly and monday_weeks.first_day == date(2026, 8, 24)  # a Monday
    sunday_weeks = span_of(Period.QUARTER, WEDNESDAY, first_weekday=6)
    assert sunday_weeks.first_day == date(2026, 8, 23)  # a Sunday

    days = {
        date(2026, 8, 24): DayTotal(100, 1),
        date(2026, 8, 30): DayTotal(200, 2),  # Sunday: still the first week
        date(2026, 8, 31): DayTotal(400, 1),
        WEDNESDAY: DayTotal(800, 1),
    }
    bars = bars_of(monday_weeks, days)
    assert bars[0] == Bar(date(2026, 8, 24), date(2026, 8, 30), 300, 3)
    assert bars[1] == Bar(date(2026, 8, 31), date(2026, 9, 6), 400, 1)
    assert bars[-1] == Bar(date(2026, 11, 23), WEDNESDAY, 800, 1)  # this week, so far
    assert len(bars) == 14
    assert all(b.last_day - b.first_day == timedelta(days=6) for b in bars[:-1])


def test_a_year_by_week_and_an_empty_period() -> None:
    span = span_of(Period.YEAR, WEDNESDAY)
    bars = bars_of(span, {})
    assert span.weekly and len(bars) == 53
    assert all(bar.net == 0 and bar.count == 0 for bar in bars)
    assert len(bars_of(span_of(Period.WEEK, WEDNESDAY), {})) == 7
