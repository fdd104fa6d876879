"""Time: UTC moments shown as Dutch dates and times, across the clock changes."""

from __future__ import annotations

import datetime as dt

import pytest

from formhandler.clock import local_date, local_time, start_of_local_day, utcnow


@pytest.mark.parametrize(
    "moment, date, time",
    [
        (dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC), dt.date(2026, 2, 1), "01-02-2026 00:30"),  # winter: +1
        (dt.datetime(2026, 7, 31, 22, 30, tzinfo=dt.UTC), dt.date(2026, 8, 1), "01-08-2026 00:30"),  # summer: +2
        (dt.datetime(2026, 7, 31, 21, 30, tzinfo=dt.UTC), dt.date(2026, 7, 31), "31-07-2026 23:30"),
    ],
)
def test_a_moment_in_dutch_local_time(moment, date, time):
    assert (local_date(moment), local_time(moment)) == (date, time)


def test_no_moment_is_unknown():
    assert local_time(None) == "onbekend"


@pytest.mark.parametrize(
    "day, start",
    [
        (dt.date(2026, 1, 1), dt.datetime(2025, 12, 31, 23, 0, tzinfo=dt.UTC)),
        (dt.date(2026, 7, 1), dt.datetime(2026, 6, 30, 22, 0, tzinfo=dt.UTC)),
    ],
)
def test_a_dutch_day_starts_at_local_midnight(day, start):
    assert start_of_local_day(day) == start


def test_now_is_aware_and_utc():
    assert utcnow().utcoffset() == dt.timedelta(0)
