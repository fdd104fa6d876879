"""After `privacy erase` no readable copy of the person is left: not in the database file, its WAL, or other notes."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import text

from formhandler import queue
from formhandler.models import Event
from tests.formhandler.helpers import add_item, db_session, rows
from tests.hostile_corpus import HOSTILE

pytestmark = pytest.mark.both_databases

PEOPLE = json.loads((HOSTILE / "erasure" / "cases.json").read_text(encoding="utf-8"))["people"]


def needles(person: dict) -> list[bytes]:
    """The person's data as the database stores it (NFC, UTF-8)."""
    values = (person["contact_name"], person["email"], person["phone"])
    return [unicodedata.normalize("NFC", value).encode("utf-8") for value in values]


def stored_bytes(app, db_backend: str, request) -> bytes:
    """Every byte the database holds on disk for our data: SQLite's file and WAL, or PostgreSQL's table files."""
    engine = app.extensions["formhandler.engine"]
    if db_backend == "sqlite":
        path = Path(engine.url.database)
        wal = path.with_name(path.name + "-wal")
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    cluster = request.getfixturevalue("postgres_cluster")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("CHECKPOINT")  # the table files on disk, not only in shared buffers
        files = [
            connection.execute(text("SELECT pg_relation_filepath(:t)"), {"t": table}).scalar_one()
            for table in ("submissions", "events", "outbox")
        ]
    return b"".join((cluster.data / name).read_bytes() for name in files if (cluster.data / name).exists())


@pytest.mark.parametrize("person", PEOPLE, ids=[p["email"] for p in PEOPLE])
def test_erase_leaves_no_copy_on_disk(app, runner, session, db_backend, request, person):
    add_item(session, contact_name=person["contact_name"], email=person["email"], phone=person["phone"])
    other = add_item(session, organisation_name="Stichting Ander", email="ander@example.org", contact_name="Piet")
    queue.add_note(other, "reviewer.anna", person["note_on_other_item"])
    session.commit()
    session.close()
    before = stored_bytes(app, db_backend, request)
    assert all(needle in before for needle in needles(person))  # the test sees the bytes where they are

    result = runner.invoke(args=["privacy", "erase", person["email"].lower(), "--yes"])
    assert result.exit_code == 0, result.output
    after = stored_bytes(app, db_backend, request)
    assert [needle for needle in needles(person) if needle in after] == []
    assert "Verwijderd: 1 item" in result.stdout
    assert "In 1 notitie bij een ander item zijn de naam" in result.stdout
    [kept] = rows(app)
    assert kept.organisation_name == "Stichting Ander"
    with db_session(app) as check:
        notes = [event.note for event in check.query(Event).filter(Event.submission_id == kept.id)]
    assert any("[verwijderd]" in note for note in notes)
    assert not any(unicodedata.normalize("NFC", person["contact_name"]).casefold() in n.casefold() for n in notes)


def test_privacy_scrub_rewrites_the_database(app, runner, session, db_backend, request):
    add_item(session, contact_name="Wilhelmina Zeldzaamheid")
    session.close()
    with app.app_context(), db_session(app) as direct:
        direct.execute(text("DELETE FROM events"))
        direct.execute(text("DELETE FROM submissions"))
        direct.commit()
    assert b"Wilhelmina Zeldzaamheid" in stored_bytes(app, db_backend, request)  # deleted, yet on disk
    result = runner.invoke(args=["privacy", "scrub"])
    assert result.exit_code == 0, result.output
    assert "De database is herschreven" in result.stdout
    assert b"Wilhelmina Zeldzaamheid" not in stored_bytes(app, db_backend, request)
