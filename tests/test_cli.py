"""The command line through Flask's CLI runner: users, the queue, publishing and the privacy duties."""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import io
import json

import pytest
from sqlalchemy import func, select

from formhandler import queue
from formhandler.auth import verify_password
from formhandler.models import Event, Logo, OutboxMessage, Submission, User, utcnow

from .queue_fixtures import CONTACT, add_item, session  # noqa: F401

PASSWORD = "een lange zin als wachtwoord"


def invoke(runner, *args, input=None):
    """Run `flask <args>` and return the result."""
    return runner.invoke(args=[str(a) for a in args], input=input)


def count(session, model) -> int:
    """Rows of `model`; ends the read so SQLite's write lock is free for the next command."""
    session.expire_all()
    number = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return number


# --- user add ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, input",
    [
        (["--password-stdin"], PASSWORD + "\n"),
        ([], f"{PASSWORD}\n{PASSWORD}\n"),
        ([], f"{PASSWORD}\nverkeerd-getypt-xx\n{PASSWORD}\n{PASSWORD}\n"),
    ],
)
def test_user_add_stores_an_argon2_hash(runner, session, args, input):
    result = invoke(runner, "user", "add", "anna", *args, input=input)
    assert result.exit_code == 0, result.output
    assert "Gebruiker 'anna' is aangemaakt" in result.stdout
    user = session.scalar(select(User).where(User.username == "anna"))
    assert user.password_hash.startswith("$argon2id$") and verify_password(user, PASSWORD)
    assert PASSWORD not in result.output


@pytest.mark.parametrize(
    "name, input, message",
    [
        ("anna", "kort\n", "Het wachtwoord moet minstens 12 tekens lang zijn"),
        ("anna", "\n", "Het wachtwoord is leeg"),
        ("Anna Met Spatie", PASSWORD + "\n", "Een gebruikersnaam heeft 3 tot 80 tekens"),
    ],
)
def test_user_add_refuses_with_a_dutch_message(runner, session, name, input, message):
    result = invoke(runner, "user", "add", name, "--password-stdin", input=input)
    assert result.exit_code == 1 and message in result.stderr
    assert count(session, User) == 0


def test_user_add_refuses_an_existing_name_and_mismatching_prompts(runner, session):
    assert invoke(runner, "user", "add", "anna", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    again = invoke(runner, "user", "add", "anna", "--password-stdin", input=PASSWORD + "\n")
    assert again.exit_code == 1 and "bestaat al" in again.stderr
    mismatch = invoke(runner, "user", "add", "bert", input="a" * 12 + "\n" + "b" * 12 + "\n" * 1 + ("x\ny\n" * 2))
    assert mismatch.exit_code == 1 and "niet gelijk" in mismatch.stderr and "er is geen gebruiker" in mismatch.stderr
    assert count(session, User) == 1


# --- list, show, set --------------------------------------------------------------------------


def test_list_json_filters_by_state(runner, session):
    signed = add_item(session, organisation_name="Getekende Stichting")
    new = add_item(session, organisation_name="Nieuwe Stichting", state="nieuw")
    everything = json.loads(invoke(runner, "queue", "list", "--json").stdout)
    assert [row["id"] for row in everything] == [new.id, signed.id]
    only_new = json.loads(invoke(runner, "queue", "list", "--state", "nieuw", "--json").stdout)
    assert [(row["id"], row["organisation_name"], row["state"]) for row in only_new] == [
        (new.id, "Nieuwe Stichting", "nieuw")
    ]
    assert CONTACT["email"] not in json.dumps(everything)
    text = invoke(runner, "queue", "list").stdout
    assert "Getekende Stichting" in text and "2 item(s)." in text


def test_list_refuses_an_unknown_state(runner):
    result = invoke(runner, "queue", "list", "--state", "klaar")
    assert result.exit_code == 1 and "Onbekende status 'klaar'" in result.stderr


def test_show_json_has_every_field_the_history_and_the_logo_as_size_only(runner, session):
    item = add_item(session)
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
    item = add_item(session, state="nieuw")
    result = invoke(runner, "queue", "set", item.id, "in_behandeling", "--note", "Gebeld")
    assert result.exit_code == 0 and "In behandeling" in result.stdout
    assert invoke(runner, "queue", "set", item.id, "afgewezen", "--actor", "bureau-piet").exit_code == 0
    session.expire_all()
    events = queue.get(session, item.id).events
    assert [(e.actor, e.to_state, e.note) for e in events[1:]] == [
        (getpass.getuser(), "in_behandeling", "Gebeld"),
        ("bureau-piet", "afgewezen", ""),
    ]


@pytest.mark.parametrize(
    "state, target, message",
    [
        ("nieuw", "getekend", "Van 'Nieuw' kan het item niet naar 'Overeenkomst getekend'."),
        ("getekend", "gepubliceerd", "Publiceren gaat via 'publiceren'"),
        ("afgewezen", "nieuw", "Het is afgesloten."),
        ("nieuw", "klaar", "Onbekende status 'klaar'"),
    ],
)
def test_set_refuses_an_illegal_transition(runner, session, state, target, message):
    item = add_item(session, state=state)
    result = invoke(runner, "queue", "set", item.id, target)
    assert result.exit_code == 1 and message in result.stderr
    session.expire_all()
    assert queue.get(session, item.id).state == state


# --- publish, export, announce ----------------------------------------------------------------


def test_publish_writes_the_files_and_tells_the_next_steps(runner, session, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    item = add_item(session)
    result = invoke(runner, "queue", "publish", item.id)  # default: CONTENT_DIR of the app
    assert result.exit_code == 0, result.output
    record = content / "partners" / "stichting-gezonde-wijk.md"
    assert str(record) in result.stdout and str(content / "logos" / "stichting-gezonde-wijk.svg") in result.stdout
    assert "make check" in result.stdout and "commit" in result.stdout and "make build" in result.stdout
    assert f"Since: {dt.date.today().isoformat()}" in record.read_text()
    again = invoke(runner, "queue", "publish", item.id)
    assert again.exit_code == 1 and "is niet gepubliceerd" in again.stderr


def test_publish_into_another_folder_and_refusal_from_an_open_state(runner, session, tmp_path):
    other = tmp_path / "elders"
    other.mkdir()
    item = add_item(session, state="stukken_verstuurd")
    refused = invoke(runner, "queue", "publish", item.id, "--content", other)
    assert refused.exit_code == 1 and "Overeenkomst getekend" in refused.stderr
    assert not any(other.iterdir())
    signed = add_item(session, organisation_name="Gemeente Ergens", organisation_type="overheid", logo=None)
    assert invoke(runner, "queue", "publish", signed.id, "--content", other).exit_code == 0
    assert sorted(p.name for p in other.rglob("*.md")) == ["gemeente-ergens.md"]


def test_export_csv_neutralises_formulas_and_warns_about_personal_data(runner, session):
    add_item(session, organisation_name='=HYPERLINK("http://x")', contact_name="+Kwaad", city="@stad")
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
    add_item(session)
    data = json.loads(invoke(runner, "queue", "export", "--format", "json").stdout)
    assert data[0]["organisation_name"] == "Stichting Gezonde Wijk" and "history" not in data[0]
    bad = invoke(runner, "queue", "export", "--format", "xlsx")
    assert bad.exit_code == 1 and "Onbekend formaat 'xlsx'" in bad.stderr


def test_announce_lists_a_published_item(runner, session, tmp_path):
    (tmp_path / "content").mkdir()
    item = add_item(session, organisation_type="bedrijf")
    assert invoke(runner, "queue", "publish", item.id).exit_code == 0
    result = invoke(runner, "queue", "announce", "--since", (dt.date.today() - dt.timedelta(days=7)).isoformat())
    assert result.exit_code == 0
    assert "- **Stichting Gezonde Wijk** (Bedrijf (status aparte))" in result.stdout
    bad = invoke(runner, "queue", "announce", "--since", "vorige week")
    assert bad.exit_code == 1 and "is geen datum" in bad.stderr


# --- privacy ----------------------------------------------------------------------------------


def with_mail(session, item, to=None):
    """Queue one outbox mail about `item`."""
    session.add(OutboxMessage(to_addr=to or item.email, subject="Bevestiging", body="Beste", submission_id=item.id))
    session.commit()


def age(session, item, days):
    """Pretend the item's last change was `days` ago."""
    item.updated_at = utcnow() - dt.timedelta(days=days)
    session.commit()


@pytest.fixture
def aged_queue(session):
    """Closed and open items of various ages, each with a mail."""
    names = {}
    for name, state, days in [
        ("oud-afgewezen", "afgewezen", 400),
        ("oud-spam", "spam", 400),
        ("oud-ingetrokken", "ingetrokken", 366),
        ("recent-afgewezen", "afgewezen", 30),
        ("oud-nieuw", "nieuw", 400),
        ("oud-getekend", "getekend", 400),
    ]:
        item = add_item(session, organisation_name=name, state=state, email=f"{name}@example.org")
        with_mail(session, item)
        age(session, item, days)
        names[name] = item.id
    return names


def remaining(session) -> list[str]:
    """Names of the items left; ends the read so SQLite's write lock is free for the next command."""
    session.expire_all()
    names = sorted(session.scalars(select(Submission.organisation_name)))
    session.rollback()
    return names


def test_purge_deletes_only_old_closed_items_with_everything_attached(runner, session, aged_queue):
    dry = invoke(runner, "queue", "purge", "--dry-run")
    assert "Zou verwijderen" in dry.stdout and "3 item(s), 3 logo('s)" in dry.stdout
    assert len(remaining(session)) == 6
    result = invoke(runner, "queue", "purge")
    assert result.exit_code == 0 and "Verwijderd" in result.stdout and "3 e-mail(s)" in result.stdout
    assert remaining(session) == ["oud-getekend", "oud-nieuw", "recent-afgewezen"]
    assert count(session, Logo) == 3 and count(session, OutboxMessage) == 3
    assert count(session, Event) == session.scalar(
        select(func.count())
        .select_from(Event)
        .where(Event.submission_id.in_(list(session.scalars(select(Submission.id)))))
    )


def test_privacy_purge_keeps_ninety_days_by_default(runner, session):
    """The default retention is 90 days, measured from an item's last change (a controlled clock)."""
    for name, days in [("afgewezen-91", 91), ("afgewezen-89", 89)]:
        item = add_item(session, organisation_name=name, state="afgewezen", email=f"{name}@example.org")
        age(session, item, days)
    result = invoke(runner, "privacy", "purge")
    assert result.exit_code == 0 and "ouder dan 90 dagen" in result.stdout
    assert remaining(session) == ["afgewezen-89"]


def test_purge_with_a_shorter_period(runner, session, aged_queue):
    assert invoke(runner, "queue", "purge", "--days", "10").exit_code == 0
    assert remaining(session) == ["oud-getekend", "oud-nieuw"]
    bad = invoke(runner, "queue", "purge", "--days", "veel")
    assert bad.exit_code == 1 and "Het aantal dagen moet een geheel getal zijn" in bad.stderr


@pytest.fixture
def person(session, tmp_path):
    """Two items of one address (one published), a stray mail to it, and someone else's item."""
    (tmp_path / "content").mkdir()
    first = add_item(session, organisation_name="Eerste Stichting", email="Piet@Example.org", state="nieuw")
    with_mail(session, first)
    published = add_item(session, organisation_name="Tweede Stichting", email="piet@example.org")
    queue.change_state(session, published, "gepubliceerd", "tester", publishing=True)
    published.published_slug = "tweede-stichting"
    session.add(OutboxMessage(to_addr="Piet <piet@example.org>", subject="Los", body="x"))
    other = add_item(session, organisation_name="Andere Stichting", email="p_et@example.org")
    with_mail(session, other)
    return first, published, other


def test_privacy_export_holds_everything_about_one_address(runner, person):
    first, published, other = person
    result = invoke(runner, "privacy", "export", "piet@example.org")
    assert result.exit_code == 0 and "persoonsgegevens" in result.stderr
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["submissions"]] == [first.id, published.id]
    assert data["submissions"][0]["history"][0]["to_state"] == "nieuw"
    assert sorted(m["subject"] for m in data["mails"]) == ["Bevestiging", "Los"]
    assert "Andere Stichting" not in result.stdout and "p_et@" not in result.stdout


def test_privacy_erase_asks_first_then_removes_everything(runner, session, person):
    ids = [item.id for item in person[:2]]
    declined = invoke(runner, "privacy", "erase", "piet@example.org", input="nee\n")
    assert declined.exit_code == 1 and "er is niets verwijderd" in declined.stderr
    assert len(remaining(session)) == 3
    result = invoke(runner, "privacy", "erase", "PIET@example.org", input="ja\n")
    assert result.exit_code == 0 and "2 item(s)" in result.stdout and "2 e-mail(s)" in result.stdout
    assert "content/partners/tweede-stichting.md blijft staan" in result.stdout
    assert remaining(session) == ["Andere Stichting"]
    assert [m.to_addr for m in session.scalars(select(OutboxMessage))] == ["p_et@example.org"]
    assert session.scalar(select(func.count()).select_from(Event).where(Event.submission_id.in_(ids))) == 0
    session.rollback()
    nothing = invoke(runner, "privacy", "erase", "piet@example.org", "--yes")
    assert nothing.exit_code == 0 and "niets opgeslagen" in nothing.stdout


def test_a_locked_database_gives_a_dutch_message(runner, session, app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def locked(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(queue, "search", locked)
    result = invoke(runner, "queue", "list")
    assert result.exit_code == 1 and "De database is bezet of niet bereikbaar" in result.stderr


# --- help -------------------------------------------------------------------------------------

OUR_GROUPS = ("db", "mail", "privacy", "queue", "user")
# Words that mark a sentence as Dutch and never occur in an English one.
DUTCH_WORDS = {
    "de",
    "het",
    "een",
    "één",
    "van",
    "en",
    "op",
    "naar",
    "met",
    "voor",
    "tot",
    "aan",
    "wat",
    "als",
    "alles",
    "alle",
    "om",
    "bij",
    "die",
    "dat",
    "niet",
    "wordt",
    "zijn",
}


def helps(app):
    """(name, help text) of each of our command groups and each command in them."""
    for group_name in OUR_GROUPS:
        group = app.cli.get_command(None, group_name)
        yield group_name, group.help
        for name, command in group.commands.items():
            yield f"{group_name} {name}", command.help


def test_every_command_of_ours_has_a_dutch_help_text(app):
    english = [
        name
        for name, text in helps(app)
        if not text or not DUTCH_WORDS & set(text.lower().replace(".", " ").replace(",", " ").split())
    ]
    assert english == []
