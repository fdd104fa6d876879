"""Storing a submission: one row per application, also when the same one arrives twice at once."""

import threading
import time

from sqlalchemy import func, select

from formhandler import queue
from formhandler.models import Event, Submission
from tests.queue_fixtures import submission_data


def count(engine, model) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model.__table__))


def test_a_resubmission_returns_the_stored_item(app):
    engine = app.extensions["formhandler.engine"]
    with engine.begin() as connection:
        first = queue.insert_submission(connection, submission_data(), None)
    with engine.begin() as connection:
        again = queue.insert_submission(connection, submission_data(), None)
    assert first[1] is True
    assert again == (first[0], False)
    assert count(engine, Submission) == count(engine, Event) == 1


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
    time.sleep(0.3)
    assert two.is_alive(), "the second insert should wait for the first transaction"
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
