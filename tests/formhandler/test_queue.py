"""The queue: one row per application, also when the same one arrives twice at once; history; search."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from formhandler import queue
from formhandler.models import Event, Submission
from formhandler.states import TransitionError
from tests.formhandler.helpers import add_item, submission_data


def count(engine, model) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model.__table__))


@pytest.mark.both_databases
def test_a_resubmission_returns_the_stored_item(app):
    engine = app.extensions["formhandler.engine"]
    with engine.begin() as connection:
        first = queue.insert_submission(connection, submission_data(), None)
    with engine.begin() as connection:
        again = queue.insert_submission(connection, submission_data(), None)
    assert first[1] is True
    assert again == (first[0], False)
    assert count(engine, Submission) == count(engine, Event) == 1


def blocked_on_lock(engine, thread: threading.Thread) -> bool:
    """True once `thread`'s transaction waits for a lock held by another transaction."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            waiting = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            ).scalar()
        return bool(waiting)
    return thread.is_alive()  # SQLite's BEGIN IMMEDIATE waits inside the driver: alive means waiting


@pytest.mark.both_databases
def test_identical_submissions_at_the_same_moment_store_one_item(app):
    """The second waits for the first's transaction and then finds its row: no error, no second row."""
    engine = app.extensions["formhandler.engine"]
    inserted, release, results = threading.Event(), threading.Event(), {}

    def first():
        with engine.begin() as connection:
            results["first"] = queue.insert_submission(connection, submission_data(), None)
            inserted.set()
            release.wait(10)

    def second():
        with engine.begin() as connection:
            results["second"] = queue.insert_submission(connection, submission_data(), None)

    one = threading.Thread(target=first)
    one.start()
    assert inserted.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.2)  # a second that did not wait would be done by now
    assert blocked_on_lock(engine, two), "the second insert should wait for the first transaction"
    release.set()
    one.join(10)
    two.join(10)
    assert results["first"][1] is True
    assert results["second"] == (results["first"][0], False)
    assert count(engine, Submission) == count(engine, Event) == 1


def test_different_submissions_are_both_stored(app):
    engine = app.extensions["formhandler.engine"]
    with engine.begin() as connection:
        one = queue.insert_submission(connection, submission_data(), None)
        two = queue.insert_submission(connection, submission_data(organisation_name="Stichting Andere Wijk"), None)
    assert one[1] and two[1] and one[0] != two[0]
    assert count(engine, Submission) == 2


def test_the_first_event_says_where_the_item_came_from(session):
    item = add_item(session)
    [event] = item.events
    assert (event.actor, event.from_state, event.to_state, event.note) == (
        "systeem",
        "",
        "nieuw",
        "Ontvangen via het formulier",
    )


def test_a_state_change_and_a_note_are_history_entries_with_one_moment(session):
    item = add_item(session)
    moved = queue.change_state(item, "in_behandeling", "anna", "  Gebeld  ")
    noted = queue.add_note(item, "bert", "Stukken komen eraan")
    session.commit()
    session.expire_all()
    stored = queue.get(session, item.id)
    assert [(e.actor, e.from_state, e.to_state, e.note) for e in stored.events[1:]] == [
        ("anna", "nieuw", "in_behandeling", "Gebeld"),
        ("bert", "in_behandeling", "in_behandeling", "Stukken komen eraan"),
    ]
    assert stored.state == "in_behandeling" and stored.updated_at == noted.at and moved.at <= noted.at


@pytest.mark.parametrize(
    "target, message",
    [("getekend", "kan het item niet naar"), ("gepubliceerd", "kan het item niet naar"), ("klaar", "Onbekende status")],
)
def test_a_step_the_procedure_does_not_allow_changes_nothing(session, target, message):
    item = add_item(session)
    with pytest.raises(TransitionError, match=message):
        queue.change_state(item, target, "anna")
    assert item.state == "nieuw" and len(item.events) == 1


@pytest.mark.both_databases
@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, ["Tabakvrij BV", "Gemeente Rookloos", "Stichting Gezonde Wijk"]),
        ({"state": "in_behandeling"}, ["Gemeente Rookloos"]),
        ({"organisation_type": "bedrijf"}, ["Tabakvrij BV"]),
        ({"text": "ROOKLOOS"}, ["Gemeente Rookloos"]),
        ({"text": "FRYSLÂN"}, ["Tabakvrij BV"]),
        ({"text": "jan.geheim@"}, ["Stichting Gezonde Wijk"]),
        ({"kind": "wijziging"}, []),
    ],
)
def test_search_filters_and_matches_text_in_any_case(session, filters, expected):
    add_item(session)
    add_item(
        session,
        "in_behandeling",
        organisation_name="Gemeente Rookloos",
        organisation_type="overheid",
        city="Zwolle",
        email="info@rookloos.example.nl",
    )
    add_item(
        session,
        "spam",
        organisation_name="Tabakvrij BV",
        organisation_type="bedrijf",
        city="Súdwest-Fryslân",
        email="hallo@tabakvrij.example.com",
    )
    assert [item.organisation_name for item in queue.search(session, **filters)] == expected
    assert queue.counts(session) == {"nieuw": 1, "in_behandeling": 1, "spam": 1}
