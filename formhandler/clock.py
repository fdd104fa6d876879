"""Time: moments are stored in UTC; the dates and times people read are Dutch local time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")


def utcnow() -> dt.datetime:
    """Timezone-aware now, in UTC."""
    return dt.datetime.now(dt.UTC)


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date in the Netherlands at `moment`."""
    return moment.astimezone(LOCAL_ZONE).date()


def start_of_local_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the Netherlands, as a UTC moment."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_ZONE).astimezone(dt.UTC)


def local_time(moment: dt.datetime | None) -> str:
    """A moment as Dutch local time for a reviewer, e.g. '20-11-2026 11:30'."""
    if moment is None:
        return "onbekend"
    return moment.astimezone(LOCAL_ZONE).strftime("%d-%m-%Y %H:%M")
