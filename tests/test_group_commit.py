"""The group commit: writes share a transaction, fail alone or together, and answer only after commit."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from formhandler import queue
from formhandler.group_commit import GroupCommitter
from formhandler.models import Submission

from .queue_fixtures import submission_data

WRITERS = 12


@pytest.fixture
def committer(app):
    """A group committer of its own on the test app's engine."""
    return GroupCommitter(app, app.extensions["formhandler.engine"])


@pytest.fixture
def commits(app):
    """The number of transactions committed on the app's engine so far (a list, read at the end)."""
    counted = []
    event.listen(app.extensions["formhandler.engine"], "commit", lambda _connection: counted.append(1))
    return counted


def stored_names(app) -> set[str]:
    with app.extensions["formhandler.engine"].connect() as connection:
        return set(connection.scalars(select(Submission.organisation_name)))


def data(n: int) -> dict:
    """Application number n."""
    return submission_data(organisation_name=f"Stichting Groep {n}")


def insert(n: int):
    """A write that stores application number n."""
    return lambda connection: queue.insert_submission(connection, data(n), None)


def run_while_writer_is_busy(committer, works) -> list:
    """Hold the writer in a first write until every other write waits, then let it go; outcomes in order."""
    release, started = threading.Event(), threading.Event()

    def blocking(connection):
        started.set()
        assert release.wait(10)
        return "first"

    outcomes: list = [None] * len(works)

    def call(index, work):
        try:
            outcomes[index] = committer.run(work)
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes[index] = exc

    first = threading.Thread(target=call, args=(0, blocking))
    first.start()
    assert started.wait(10)
    threads = [threading.Thread(target=call, args=(i + 1, work)) for i, work in enumerate(works[1:])]
    for thread in threads:
        thread.start()
    while committer._queue.qsize() < len(threads):  # every write is waiting for the writer
        threading.Event().wait(0.01)
    release.set()
    for thread in [first, *threads]:
        thread.join(20)
    return outcomes


def test_waiting_writes_share_one_commit(app, committer, commits):
    works = [None] + [insert(n) for n in range(WRITERS)]
    outcomes = run_while_writer_is_busy(committer, works)
    assert outcomes[0] == "first"
    assert all(created for _id, created in outcomes[1:])
    assert len({item_id for item_id, _created in outcomes[1:]}) == WRITERS
    assert len(stored_names(app)) == WRITERS
    assert len(commits) == 2, "the blocking write's batch, then one batch for all the writes that waited"


def test_a_failing_write_fails_alone(app, committer):
    def broken(connection):
        queue.insert_submission(connection, data(99), None)
        raise ValueError("kapot")
    outcomes = run_while_writer_is_busy(committer, [None, insert(1), broken, insert(2)])
    assert isinstance(outcomes[2], ValueError)
    assert stored_names(app) == {"Stichting Groep 1", "Stichting Groep 2"}


def test_a_database_error_undoes_the_whole_batch_and_reaches_every_writer(app, committer):
    def database_trouble(connection):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))
    outcomes = run_while_writer_is_busy(committer, [None, insert(1), database_trouble, insert(2)])
    assert outcomes[0] == "first"  # its own batch, committed before the others arrived
    assert all(isinstance(outcome, OperationalError) for outcome in outcomes[1:])
    assert stored_names(app) == set()


def test_a_write_is_on_disk_when_run_returns(app, committer):
    item_id, created = committer.run(insert(7))
    assert created
    # A separate connection sees it: the answer came after the commit, not before.
    with app.extensions["formhandler.engine"].connect() as connection:
        assert connection.scalar(select(func.count()).where(Submission.id == item_id)) == 1


def test_the_writer_starts_again_after_a_fork(app, committer, monkeypatch):
    committer.run(insert(1))
    first_queue = committer._queue
    monkeypatch.setattr("formhandler.group_commit.os.getpid", lambda: -1)
    committer.run(insert(2))
    assert committer._queue is not first_queue
    assert len(stored_names(app)) == 2


def test_a_resubmission_through_the_group_commit_is_stored_once(app, committer):
    first = committer.run(insert(3))
    again = committer.run(insert(3))
    assert first == (first[0], True) and again == (first[0], False)
