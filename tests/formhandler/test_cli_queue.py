"""`flask queue`: list, show and set items, publish them, export the queue (safe for spreadsheets), announce."""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import io
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from formhandler import queue
from formhandler.clock import local_date, utcnow
from formhandler.models import Submission
from tests.formhandler.helpers import CONTACT, add_item


def invoke(runner, *args, input=None):
    """Run `flask <args>` and return the result."""
    return runner.invoke(args=[str(a) for a in args], input=input)


def count(session, model) -> int:
    """Rows of `model`; ends the read so SQLite's write lock is free for the next command."""
    session.expire_all()
    number = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return number


def test_list_json_filters_by_state(runner, session):
    signed = add_item(session, "getekend", "svg", organisation_name="Getekende Stichting")
    new = add_item(session, organisation_name="Nieuwe Stichting")
    everything = json.loads(invoke(runner, "queue", "list", "--json").stdout)
    assert [row["id"] for row in everything] == [new.id, signed.id]
    only_new = json.loads(invoke(runner, "queue", "list", "--state", "nieuw", "--json").stdout)
    assert [(row["id"], row["organisation_name"], row["state"]) for row in only_new] == [
        (new.id, "Nieuwe Stichting", "nieuw")
    ]
    assert CONTACT["email"] not in json.dumps(everything)
    text = invoke(runner, "queue", "list").stdout
    assert "Getekende Stichting" in text and "2 items." in text


def test_list_refuses_an_unknown_state(runner):
    result = invoke(runner, "queue", "list", "--state", "klaar")
    assert result.exit_code == 1 and "Onbekende status ‘klaar’" in result.stderr


def test_show_json_has_every_field_the_history_and_the_logo_as_size_only(runner, session):
    item = add_item(session, "getekend", "svg")
    data = json.loads(invoke(runner, "queue", "show", item.id, "--json").stdout)
    for column in Submission.__table__.columns:
        assert column.name in data
    assert data["email"] == CONTACT["email"] and data["state"] == "getekend"
    assert data["logo"] == {
        "type": "svg",
        "bytes": len(item.logo.data),
        "width": 120,
        "height": 60,
        "sha256": item.logo.sha256,
    }
    assert [e["to_state"] for e in data["history"]] == ["nieuw", "in_behandeling", "stukken_verstuurd", "getekend"]
    text = invoke(runner, "queue", "show", item.id).stdout
    assert "logo: svg" in text and "Geschiedenis:" in text and "<svg" not in text


@pytest.mark.parametrize(
    "item_id, message",
    [("999", "Er is geen item met nummer 999."), ("abc", "Het itemnummer moet een geheel getal zijn")],
)
def test_show_refuses_an_unknown_item(runner, item_id, message):
    result = invoke(runner, "queue", "show", item_id)
    assert result.exit_code == 1 and message in result.stderr


def test_set_records_actor_and_note(runner, session):
    item = add_item(session)
    result = invoke(runner, "queue", "set", item.id, "in_behandeling", "--note", "Gebeld")
    assert result.exit_code == 0 and "In behandeling" in result.stdout
    assert invoke(runner, "queue", "set", item.id, "afgewezen", "--actor", "bureau-piet").exit_code == 0
    session.expire_all()
    events = queue.get(session, item.id).events
    # Each step also notes the message that went to the applicant.
    assert [(e.actor, e.to_state, e.note) for e in events[1:]] == [
        (getpass.getuser(), "in_behandeling", "Gebeld"),
        (getpass.getuser(), "in_behandeling", "Bericht aan de aanvrager: ‘Uw aanmelding is in behandeling (nummer 1)’"),
        ("bureau-piet", "afgewezen", ""),
        (
            "bureau-piet",
            "afgewezen",
            "Bericht aan de aanvrager: ‘Uw aanmelding bij de Alliantie Nederland Rookvrij! (nummer 1)’",
        ),
    ]


@pytest.mark.parametrize(
    "state, target, message",
    [
        ("nieuw", "getekend", "Van ‘Nieuw’ kan het item niet naar ‘Overeenkomst getekend’."),
        ("getekend", "gepubliceerd", "Publiceren gaat via ‘publiceren’"),
        ("afgewezen", "nieuw", "Het is afgesloten."),
        ("nieuw", "klaar", "Onbekende status ‘klaar’"),
    ],
)
def test_set_refuses_an_illegal_transition(runner, session, state, target, message):
    item = add_item(session, state)
    result = invoke(runner, "queue", "set", item.id, target)
    assert result.exit_code == 1 and message in result.stderr
    session.expire_all()
    assert queue.get(session, item.id).state == state


def test_publish_writes_the_files_and_tells_the_next_steps(runner, session, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    item = add_item(session, "getekend", "svg")
    result = invoke(runner, "queue", "publish", item.id)  # default: CONTENT_DIR of the app
    assert result.exit_code == 0, result.output
    record = content / "partners" / "stichting-gezonde-wijk.md"
    assert str(record) in result.stdout and str(content / "logos" / "stichting-gezonde-wijk.svg") in result.stdout
    assert "make check" in result.stdout and "commit" in result.stdout and "make publish" in result.stdout
    assert f"Since: {local_date(utcnow()).isoformat()}" in record.read_text()  # the Dutch date, not the host's
    again = invoke(runner, "queue", "publish", item.id)
    assert again.exit_code == 1 and "is niet gepubliceerd" in again.stderr


def test_publish_into_another_folder_and_refusal_from_an_open_state(runner, session, tmp_path):
    other = tmp_path / "elders"
    other.mkdir()
    item = add_item(session, "stukken_verstuurd", "svg")
    refused = invoke(runner, "queue", "publish", item.id, "--content", other)
    assert refused.exit_code == 1 and "Overeenkomst getekend" in refused.stderr
    assert not any(other.iterdir())
    signed = add_item(session, "getekend", organisation_name="Gemeente Ergens", organisation_type="overheid")
    assert invoke(runner, "queue", "publish", signed.id, "--content", other).exit_code == 0
    assert sorted(p.name for p in other.rglob("*.md")) == ["gemeente-ergens.md"]


def test_export_csv_neutralises_formulas_and_warns_about_personal_data(runner, session):
    add_item(
        session, "getekend", "svg", organisation_name='=HYPERLINK("http://x")', contact_name="+Kwaad", city="@stad"
    )
    result = invoke(runner, "queue", "export")
    assert result.exit_code == 0 and "persoonsgegevens" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (rows[0]["organisation_name"], rows[0]["contact_name"], rows[0]["city"]) == (
        '\'=HYPERLINK("http://x")',
        "'+Kwaad",
        "'@stad",
    )
    assert rows[0]["email"] == CONTACT["email"] and rows[0]["logo"] == "svg"
    assert "fingerprint" not in rows[0]


def test_export_json_and_a_bad_format(runner, session):
    add_item(session, "getekend", "svg")
    data = json.loads(invoke(runner, "queue", "export", "--format", "json").stdout)
    assert data[0]["organisation_name"] == "Stichting Gezonde Wijk" and "history" not in data[0]
    bad = invoke(runner, "queue", "export", "--format", "xlsx")
    assert bad.exit_code == 1 and "Onbekend formaat ‘xlsx’" in bad.stderr


def test_announce_lists_a_published_item(runner, session, tmp_path):
    (tmp_path / "content").mkdir()
    item = add_item(session, "getekend", "svg", organisation_type="bedrijf")
    assert invoke(runner, "queue", "publish", item.id).exit_code == 0
    result = invoke(runner, "queue", "announce", "--since", (dt.date.today() - dt.timedelta(days=7)).isoformat())
    assert result.exit_code == 0
    assert "- **Stichting Gezonde Wijk** (Bedrijf (status aparte))" in result.stdout
    bad = invoke(runner, "queue", "announce", "--since", "vorige week")
    assert bad.exit_code == 1 and "is geen datum" in bad.stderr


def test_a_locked_database_gives_a_dutch_message(runner, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(queue, "search", locked)
    result = invoke(runner, "queue", "list")
    assert result.exit_code == 1 and "De database is bezet of niet bereikbaar" in result.stderr
