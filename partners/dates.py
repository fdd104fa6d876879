"""Dates written the Dutch way, for templates and mail."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def nl_date(value: dt.date) -> str:
    """1 oktober 2013."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
