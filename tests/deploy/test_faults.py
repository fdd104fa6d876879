"""Database faults during a submission: disk full, read-only, locked, PostgreSQL restarted; never a 500, never a lie.

Covered elsewhere: the mail server down (tests/formhandler/test_mail_outbox.py), publishing interrupted
(tests/formhandler/test_publishing_application.py), startup pragmas and a newer schema (tests/formhandler/test_db.py).
"""

from __future__ import annotations

import contextlib
import io
import logging
import sqlite3
import threading
import time

import pytest
from sqlalchemy import event, func, select

from benchmarks.loadgen import Applicant, png_logo
from formhandler.models import Submission
from tests.deploy_fixtures import wait_for
from tests.formhandler.helpers import db_session, form_tokens, valid_form
from tests.live import LiveServer

NOTHING_SAVED = "Er is niets opgeslagen"
NAME = "Stichting Rookvrij Sporten"
BUSY_MS = 200


@pytest.fixture
def sqlite_app(make_app):
    """The app on SQLite with a short busy timeout, so a held lock turns into an answer quickly."""
    application = make_app(SQLITE_BUSY_TIMEOUT_MS=BUSY_MS)
    application.db_path = application.extensions["formhandler.engine"].url.database
    return application


@contextlib.contextmanager
def on_every_connection(app, pragma_for):
    """Run a pragma on every new connection of the app's engine while the block runs."""
    engine = app.extensions["formhandler.engine"]

    def apply(dbapi_connection, _record):
        dbapi_connection.execute(pragma_for(dbapi_connection))

    event.listen(engine, "connect", apply)
    engine.dispose()  # pooled connections were made before the fault
    try:
        yield
    finally:
        event.remove(engine, "connect", apply)
        engine.dispose()


def disk_full(app):
    """No page beyond the ones the file has now: the next page the insert needs is SQLITE_FULL."""
    return on_every_connection(
        app, lambda conn: f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}"
    )


def read_only(app):
    """query_only, because tests run as root and chmod does not stop root."""
    return on_every_connection(app, lambda conn: "PRAGMA query_only = ON")


@contextlib.contextmanager
def locked(app):
    """Another connection holds the write lock for longer than the busy timeout."""
    holder = sqlite3.connect(app.db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def post(client, tokens, **changes):
    # A large noise logo: the insert needs new pages, so a full database cannot hide it in free space.
    data = {**valid_form(**changes), **tokens, "logo": (io.BytesIO(png_logo(60_000)), "logo.png")}
    return client.post("/aanmelden/", data=data, content_type="multipart/form-data")


def count(app) -> int:
    with db_session(app) as session:
        return session.execute(select(func.count()).select_from(Submission)).scalar_one()


@pytest.mark.parametrize("fault", [disk_full, read_only, locked])
def test_a_database_fault_gives_503_with_input_kept_then_recovers(sqlite_app, caplog, fault):
    client = sqlite_app.test_client()
    tokens = form_tokens(client)
    with fault(sqlite_app), caplog.at_level(logging.ERROR, logger="formhandler.forms.receive"):
        started = time.monotonic()
        response = post(client, tokens)
        elapsed = time.monotonic() - started
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and "Location" not in response.headers
    assert NOTHING_SAVED in html and 'lang="nl"' in html
    assert f'value="{NAME}"' in html and "Sport hoort rookvrij te zijn." in html
    assert 'name="email"' in html and 'value="anne@rookvrijsporten.nl"' in html
    assert any(r.levelno == logging.ERROR and "database unavailable" in r.getMessage() for r in caplog.records)
    assert "anne@" not in caplog.text  # the log says what broke, not who applied
    assert elapsed < 2  # the busy timeout (200 ms here) bounds the wait
    assert count(sqlite_app) == 0
    # The fault is gone: the same applicant sends the kept form again and is stored once.
    response = post(client, tokens)
    assert response.status_code == 303
    assert count(sqlite_app) == 1


def test_fault_after_success_leaves_the_stored_item_alone(sqlite_app):
    client = sqlite_app.test_client()
    tokens = form_tokens(client)
    assert post(client, tokens).status_code == 303
    with read_only(sqlite_app):
        assert post(client, tokens, organisation_name="Stichting Tweede").status_code == 503
    with sqlite3.connect(sqlite_app.db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert count(sqlite_app) == 1


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_restart_during_load_gives_503_then_recovers_without_restart(own_postgres, tmp_path):
    url = own_postgres.new_database()
    site = tmp_path / "site"
    site.mkdir()
    server = LiveServer({"DATABASE_URL": url, "SITE_DIR": str(site), "MAIL_BACKEND": "log"})
    seen, acknowledged, lock, stop = [], [], threading.Lock(), threading.Event()

    def submit_forever(index):
        applicant, number = Applicant(server.url, f"10.8.{index}.1"), 0
        while not stop.is_set():
            number += 1
            name = f"Stichting Herstart {index}-{number}"
            started = time.monotonic()
            status, page = applicant.submit(name, f"h{index}-{number}@example.org", timeout=10)
            with lock:
                seen.append((started, time.monotonic(), status, NOTHING_SAVED.encode() in page))
                if status == 303:
                    acknowledged.append(name)
            time.sleep(0.02)  # pace the applicants: two cores serve them, the server and PostgreSQL

    def answered(since: float, status: int | None = None) -> int:
        with lock:
            return sum(1 for start, _, got, _ in seen if start > since and status in (None, got))

    threads = [threading.Thread(target=submit_forever, args=(i,), daemon=True) for i in range(3)]
    try:
        for thread in threads:
            thread.start()
        wait_for(lambda: answered(0, 303) >= 3, what="three applications stored before the outage")
        own_postgres.down()
        down_at = time.monotonic()
        wait_for(lambda: answered(down_at) >= 3, what="three answers while PostgreSQL is down")
        restart_at = time.monotonic()
        own_postgres.up()
        up_at = time.monotonic()
        wait_for(lambda: answered(up_at, 303) >= 3, timeout=20, what="three applications stored after the restart")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        server.stop()

    statuses = {status for _, _, status, _ in seen}
    assert statuses <= {303, 503}, statuses  # never a 500
    # Requests sent and answered while the server was down: all told that nothing was saved.
    during = [(status, notice) for start, end, status, notice in seen if down_at < start and end < restart_at]
    assert during and all(status == 503 and notice for status, notice in during), during
    after = [status for start, _, status, _ in seen if start > up_at]
    assert after and set(after) == {303}  # pre-ping replaced the dead pooled connections
    engine = server.app.extensions["formhandler.engine"]
    with db_session(server.app) as session:
        names = list(session.scalars(select(Submission.organisation_name)))
    engine.dispose()
    # Every acknowledged application is stored once. (A commit cut off mid-answer may be stored
    # although the applicant saw the 503; sending again then gives one item through the fingerprint.)
    assert len(names) == len(set(names)) and set(acknowledged) <= set(names)
