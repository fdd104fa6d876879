"""Dates the Dutch way."""

import datetime as dt

import pytest

from partners.dates import nl_date


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2013, 10, 1), "1 oktober 2013"),
        (dt.date(2024, 2, 29), "29 februari 2024"),
        (dt.date(2026, 3, 5), "5 maart 2026"),
    ],
)
def test_nl_date(day, text):
    assert nl_date(day) == text
