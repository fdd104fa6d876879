"""One Unicode normalisation on both databases: e-mail look-ups fold every script, NFC and NFD are one item."""

from __future__ import annotations

import json
import unicodedata

import pytest
from sqlalchemy import text

from formhandler.db import make_engine, upgrade
from tests.formhandler.helpers import add_item, insert_old_submission, rows, submission_data
from tests.hostile_corpus import HOSTILE

pytestmark = pytest.mark.both_databases

CORPUS = json.loads((HOSTILE / "unicode-case" / "cases.json").read_text(encoding="utf-8"))
ADDRESSES = [(case["stored"], case["asked"]) for case in CORPUS["addresses"]]


@pytest.mark.parametrize("stored, asked", ADDRESSES)
def test_privacy_export_finds_the_address_in_any_case(runner, session, stored, asked):
    item = add_item(session, email=stored)
    result = runner.invoke(args=["privacy", "export", asked])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [entry["id"] for entry in data["submissions"]] == [item.id]


@pytest.mark.parametrize("stored, asked", ADDRESSES)
def test_privacy_erase_removes_the_address_in_any_case(app, runner, session, stored, asked):
    add_item(session, email=stored)
    result = runner.invoke(args=["privacy", "erase", asked, "--yes"])
    assert result.exit_code == 0, result.output
    assert "Verwijderd: 1 item" in result.stdout
    assert rows(app) == []


@pytest.mark.parametrize("first, second", CORPUS["names"])
def test_a_name_in_nfc_and_in_nfd_is_one_queue_item(app, session, first, second):
    from formhandler import queue

    one, created = queue.add_submission(session, submission_data(organisation_name=first), None)
    again, created_again = queue.add_submission(session, submission_data(organisation_name=second), None)
    assert created and not created_again
    assert again.id == one.id
    assert [item.organisation_name for item in rows(app)] == [unicodedata.normalize("NFC", first)]


def test_text_is_stored_in_nfc(app, session):
    add_item(session, organisation_name="Cafe\u0301 Ré", contact_name="Zoe\u0308", email="ZOE\u0308@example.nl")
    [item] = rows(app)
    assert (item.organisation_name, item.contact_name, item.email) == ("Café Ré", "Zoë", "ZOË@example.nl")


def test_the_migration_fills_the_key_of_existing_rows(empty_db_url):
    engine = make_engine(empty_db_url)
    upgrade(engine, "0003_procedure")
    with engine.begin() as connection:
        insert_old_submission(connection, contact_name="Åsa", email="A\u030aSA.ÖBERG@example.nl")
    upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT email, email_key FROM submissions")).one()
    assert tuple(row) == ("A\u030aSA.ÖBERG@example.nl", "åsa.öberg@example.nl")
    engine.dispose()
