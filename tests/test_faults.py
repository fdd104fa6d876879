"""Database faults during a submission: disk full, read-only, locked, PostgreSQL restarted; never a 500, never a lie.

Covered elsewhere: mail server down (tests/test_mail.py::test_server_down_loses_nothing_and_delivers_exactly_once_later),
publish interrupted (tests/test_publish.py::test_an_unwritable_target_leaves_no_files_and_the_item_signed and
test_an_existing_file_is_never_overwritten), startup pragmas and a newer schema (tests/test_db.py).
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
from formhandler import create_app
from formhandler.models import Submission
from tests.conftest import REQUIRE_ALL, SECRET
from tests.live import LiveServer
from tests.pg import Cluster, postgres_bin
from tests.test_registration import form_tokens, valid_form

NOTHING_SAVED = "Er is niets opgeslagen"
NAME = "Stichting Rookvrij Sporten"
BUSY_MS = 200


@pytest.fixture
def sqlite_app(tmp_path):
    """The app on SQLite with a short busy timeout, so a held lock turns into an answer quickly."""
    site = tmp_path / "site"
    site.mkdir()
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
            "MIN_FILL_SECONDS": 0,
            "RATELIMIT_ENABLED": False,
            "SITE_DIR": str(site),
            "MAIL_BACKEND": "log",
            "SQLITE_BUSY_TIMEOUT_MS": BUSY_MS,
        }
    )
    application.db_path = tmp_path / "queue.sqlite3"
    yield application
    application.extensions["formhandler.engine"].dispose()


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
    with app.extensions["formhandler.sessionmaker"]() as session:
        return session.scalar(select(func.count()).select_from(Submission))


@pytest.mark.parametrize("fault", [disk_full, read_only, locked])
def test_a_database_fault_gives_503_with_input_kept_then_recovers(sqlite_app, caplog, fault):
    client = sqlite_app.test_client()
    tokens = form_tokens(client)
    with fault(sqlite_app), caplog.at_level(logging.ERROR, logger="formhandler.registration"):
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


class OutageCluster(Cluster):
    """A cluster of its own for this test: taking the shared one down would break other tests."""

    def down(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def up(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base}"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", "start")


@pytest.fixture
def outage_cluster():
    bin_dir = postgres_bin()
    if bin_dir is None:
        if REQUIRE_ALL:
            pytest.fail("PostgreSQL server not installed")
        pytest.skip("PostgreSQL server not installed")
    cluster = OutageCluster(bin_dir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_restart_during_load_gives_503_then_recovers_without_restart(outage_cluster, tmp_path):
    url = outage_cluster.new_database()
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
            time.sleep(0.02)

    threads = [threading.Thread(target=submit_forever, args=(i,), daemon=True) for i in range(3)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1)
        outage_cluster.down()
        down_at = time.monotonic()
        time.sleep(1.5)
        restart_at = time.monotonic()
        outage_cluster.up()
        up_at = time.monotonic()
        time.sleep(1.5)
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
    with server.app.extensions["formhandler.sessionmaker"]() as session:
        names = list(session.scalars(select(Submission.organisation_name)))
    engine.dispose()
    # Every acknowledged application is stored once. (A commit cut off mid-answer may be stored
    # although the applicant saw the 503; sending again then gives one item through the fingerprint.)
    assert len(names) == len(set(names)) and set(acknowledged) <= set(names)
