"""The tables: every moment is stored as UTC and read back aware, on SQLite as on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from formhandler.models import Event, Submission
from tests.formhandler.helpers import add_item

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.both_databases
@pytest.mark.parametrize(
    "written",
    [
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),  # the night the clocks go forward
        dt.datetime(2026, 3, 29, 3, 30, tzinfo=AMSTERDAM),
        dt.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=AMSTERDAM),  # the hour that happens twice
    ],
)
def test_a_moment_comes_back_as_the_same_moment_in_utc(session, written):
    item = add_item(session)
    item.updated_at = written
    session.commit()
    session.expire_all()
    read = session.get(Submission, item.id).updated_at
    assert read == written.astimezone(dt.UTC) and read.utcoffset() == dt.timedelta(0)


@pytest.mark.both_databases
def test_defaults_and_queries_compare_aware_moments(session):
    before = dt.datetime.now(dt.UTC)
    item = add_item(session, state="in_behandeling")
    session.expire_all()
    events = session.scalars(select(Event).where(Event.submission_id == item.id, Event.at >= before)).all()
    assert [event.to_state for event in events] == ["nieuw", "in_behandeling"]
    assert all(event.at.tzinfo is not None for event in events)


def test_sqlite_stores_the_utc_wall_clock(session):
    item = add_item(session)
    item.updated_at = dt.datetime(2026, 7, 1, 14, 0, tzinfo=AMSTERDAM)  # 12:00 UTC in summer
    session.commit()
    stored = session.execute(text("SELECT updated_at FROM submissions WHERE id = :id"), {"id": item.id}).scalar()
    assert str(stored).startswith("2026-07-01 12:00:00")


def test_a_moment_without_a_zone_is_refused(session):
    item = add_item(session)
    item.updated_at = dt.datetime(2026, 7, 1, 14, 0)
    with pytest.raises(StatementError, match="zonder tijdzone"):
        session.commit()
    session.rollback()
