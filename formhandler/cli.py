"""Click commands for the bureau: reviewers, the queue, publishing and the privacy duties."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import getpass
import io
import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from partners.export import neutralise_cell

from . import changes, privacy, queue
from .db import UNAVAILABLE_ERRORS
from .models import Submission
from .publish import PublishError, announcement, publish_item
from .states import STATES, TransitionError

PERSONAL_DATA_WARNING = (
    "Let op: deze uitvoer bevat persoonsgegevens (namen, e-mailadressen, telefoonnummers). "
    "Bewaar en deel het bestand alleen binnen het bureau en verwijder het na gebruik."
)


def fail(message: str) -> None:
    """Print a Dutch message on stderr and stop with exit code 1."""
    click.echo(message, err=True)
    raise click.exceptions.Exit(1)


@contextlib.contextmanager
def open_session():
    """A database session for one command."""
    session = current_app.extensions["formhandler.sessionmaker"]()
    try:
        yield session
    except UNAVAILABLE_ERRORS:
        session.rollback()
        fail("De database is bezet of niet bereikbaar; er is niets gewijzigd. Probeer het zo opnieuw.")
    finally:
        session.close()


def parse_number(raw: str, what: str) -> int:
    """A whole number ≥ 0 from the command line, or a Dutch message."""
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        fail(f"{what} moet een geheel getal zijn, bijvoorbeeld 12; u gaf '{raw}'.")
    return value


def load_item(session, raw_id: str) -> Submission:
    """The item with this number, or a Dutch message."""
    item = queue.get(session, parse_number(raw_id, "Het itemnummer"))
    if item is None:
        fail(f"Er is geen item met nummer {raw_id}.")
    return item


def default_actor() -> str:
    """The operating-system user who runs the command."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in a bare container
        return "cli"


# --- users ------------------------------------------------------------------------------------

user_cli = AppGroup("user", help="Beheerders (reviewers) van het bureau.")


def read_new_password() -> str:
    """Ask twice without echo; three tries."""
    for _ in range(3):
        first = click.prompt("Wachtwoord", hide_input=True, default="", show_default=False)
        second = click.prompt("Herhaal het wachtwoord", hide_input=True, default="", show_default=False)
        if first == second:
            return first
        click.echo("De twee wachtwoorden zijn niet gelijk. Probeer het opnieuw.", err=True)
    fail("Drie keer geen gelijke wachtwoorden; er is geen gebruiker aangemaakt.")


@user_cli.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer (één regel).")
def user_add(name: str, password_stdin: bool) -> None:
    """Maak een beheerder aan; het wachtwoord wordt gevraagd zonder het te tonen."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else read_new_password()
    if not password:
        fail("Het wachtwoord is leeg; er is geen gebruiker aangemaakt.")
    from .auth import create_user  # imported late: auth pulls in the login form and limiter

    with open_session() as session:
        try:
            create_user(session, name.strip(), password)
        except ValueError as exc:
            session.rollback()
            fail(str(exc))
        except IntegrityError:
            session.rollback()
            fail(f"De gebruiker '{name}' bestaat al.")
    click.echo(f"Gebruiker '{name.strip()}' is aangemaakt. Inloggen kan op /beheer/.")


# --- the queue --------------------------------------------------------------------------------

queue_cli = AppGroup("queue", help="De wachtrij met aanmeldingen.")


def all_items(session, state: str | None = None) -> list[Submission]:
    """Every item, newest first."""
    return queue.search(session, state=state, limit=1_000_000)


@queue_cli.command("list")
@click.option("--state", default=None, help="Alleen items met deze status.")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def queue_list(state: str | None, as_json: bool) -> None:
    """Toon de items in de wachtrij, nieuwste eerst."""
    if state and state not in STATES:
        fail(f"Onbekende status '{state}'. Kies uit: {', '.join(STATES)}.")
    with open_session() as session:
        items = all_items(session, state)
        rows = [
            {
                "id": i.id,
                "kind": i.kind,
                "state": i.state,
                "created_at": i.created_at.isoformat(),
                "organisation_name": i.organisation_name,
                "organisation_type": i.organisation_type,
                "city": i.city,
                "published_slug": i.published_slug,
            }
            for i in items
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("Er zijn geen items" + (f" met de status '{STATES[state]}'." if state else "."))
        return
    click.echo(f"{'nr':>5}  {'status':<18}  {'ontvangen':<10}  {'type':<28}  organisatie")
    for row in rows:
        click.echo(
            f"{row['id']:>5}  {row['state']:<18}  {row['created_at'][:10]:<10}  "
            f"{row['organisation_type']:<28}  {row['organisation_name']}"
        )
    click.echo(f"{len(rows)} item(s).")


@queue_cli.command("show")
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def queue_show(item_id: str, as_json: bool) -> None:
    """Toon alle gegevens en de geschiedenis van één item."""
    with open_session() as session:
        data = privacy.describe(load_item(session, item_id))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    history, logo = data.pop("history"), data.pop("logo")
    click.echo(f"Item {data['id']}: {data['organisation_name']} ({STATES.get(data['state'], data['state'])})")
    for name, value in data.items():
        click.echo(f"  {name}: {export_cell(value) if isinstance(value, (bool, list)) else value}")
    click.echo(
        f"  logo: {logo['type']}, {logo['bytes']} bytes, {logo['width']}×{logo['height']}" if logo else "  logo: geen"
    )
    click.echo("Geschiedenis:")
    for event in history:
        step = f"{event['from_state']} → {event['to_state']}" if event["from_state"] != event["to_state"] else "notitie"
        click.echo(f"  {event['at'][:16]}  {event['actor']}: {step}" + (f" — {event['note']}" if event["note"] else ""))


@queue_cli.command("set")
@click.argument("item_id")
@click.argument("state")
@click.option("--note", default="", help="Toelichting bij de wijziging.")
@click.option("--actor", default=None, help="Wie de wijziging doet (standaard: uw gebruikersnaam).")
def queue_set(item_id: str, state: str, note: str, actor: str | None) -> None:
    """Zet een item op een nieuwe status, volgens de procedure."""
    with open_session() as session:
        item = load_item(session, item_id)
        try:
            changes.change_state(
                session, item, state, actor or default_actor(), note, content_dir=current_app.config["CONTENT_DIR"]
            )
        except TransitionError as exc:
            session.rollback()
            hint = " Gebruik: flask --app formhandler queue publish ID." if state == "gepubliceerd" else ""
            fail(f"{exc}{hint}")
        session.commit()
        click.echo(f"Item {item.id} heeft nu de status '{STATES[state]}'.")


@queue_cli.command("publish")
@click.argument("item_id")
@click.option("--content", "content", default=None, help="De contentmap van de site (standaard: CONTENT_DIR).")
@click.option("--actor", default=None, help="Wie publiceert (standaard: uw gebruikersnaam).")
def queue_publish(item_id: str, content: str | None, actor: str | None) -> None:
    """Schrijf het partnerrecord en logo van een getekend item, of verwerk een goedgekeurde wijziging."""
    content_dir = Path(content or current_app.config["CONTENT_DIR"])
    with open_session() as session:
        item = load_item(session, item_id)
        try:
            publication = publish_item(session, item, content_dir, actor or default_actor())
        except PublishError as exc:
            fail(f"Item {item.id} is niet gepubliceerd. {exc}")
        click.echo(f"Item {item.id} ({item.organisation_name}) is gepubliceerd. Geschreven:")
        record = publication.record_path(content_dir)
        logo = publication.logo_path(content_dir)
    for path in (logo, record):
        if path is not None:
            click.echo(f"  {path}")
    if getattr(publication, "old_logo", ""):
        click.echo(f"Verwijderd: {content_dir / publication.old_logo}")
    click.echo(
        "Volgende stappen voor de redacteur:\n"
        f"  1. Lees {record.name} na en vul de beschrijving eventueel aan.\n"
        "  2. Controleer de records: make check\n"
        "  3. Leg het record en het logo vast in git (commit) en push.\n"
        "  4. Bouw en publiceer de site: make build"
    )


EXPORT_COLUMNS = [c.name for c in Submission.__table__.columns if c.name != "fingerprint"] + ["logo"]


def export_cell(value) -> str:
    """One CSV cell, never read as a formula by a spreadsheet."""
    if isinstance(value, bool):
        value = "ja" if value else "nee"
    elif isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):  # the logo's description, or a change request's requested fields
        value = value["type"] if "bytes" in value else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return neutralise_cell("" if value is None else str(value))


@queue_cli.command("export")
@click.option("--format", "fmt", default="csv", help="csv (standaard) of json.")
def queue_export(fmt: str) -> None:
    """Exporteer de hele wachtrij naar standaarduitvoer (bevat persoonsgegevens)."""
    if fmt not in ("csv", "json"):
        fail(f"Onbekend formaat '{fmt}'; kies csv of json.")
    click.echo(PERSONAL_DATA_WARNING, err=True)
    with open_session() as session:
        rows = [privacy.describe(item, with_history=False) for item in all_items(session)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([export_cell(row.get(column)) for column in EXPORT_COLUMNS])
    click.echo(buffer.getvalue(), nl=False)


@queue_cli.command("announce")
@click.option("--since", "since", required=True, help="Datum als JJJJ-MM-DD.")
def queue_announce(since: str) -> None:
    """Lijst in Markdown van de nieuwe en, apart, de vertrokken partners sinds een datum."""
    try:
        day = dt.date.fromisoformat(since)
    except ValueError:
        fail(f"'{since}' is geen datum; schrijf die als JJJJ-MM-DD, bijvoorbeeld 2026-01-31.")
    with open_session() as session:
        click.echo(announcement(session, day), nl=False)


@queue_cli.command("purge")
@click.option("--days", default=None, help="Bewaartermijn in dagen (standaard: RETENTION_DAYS).")
@click.option("--dry-run", is_flag=True, help="Alleen tellen, niets verwijderen.")
def queue_purge(days: str | None, dry_run: bool) -> None:
    """Verwijder afgewezen, ingetrokken en spamitems na de bewaartermijn."""
    keep = parse_number(str(days if days is not None else current_app.config["RETENTION_DAYS"]), "Het aantal dagen")
    with open_session() as session:
        removed = privacy.remove(session, privacy.purge_candidates(session, keep), dry_run=dry_run)
    verb = "Zou verwijderen" if dry_run else "Verwijderd"
    click.echo(f"{verb} (afgesloten items ouder dan {keep} dagen): {counts(removed)}.")


def counts(removed: privacy.Removed) -> str:
    """'3 items, 2 logo's, …' in Dutch."""
    return (
        f"{removed.items} item(s), {removed.logos} logo('s), {removed.events} gebeurtenis(sen), "
        f"{removed.mails} e-mail(s)"
    )


# --- privacy ----------------------------------------------------------------------------------

privacy_cli = AppGroup("privacy", help="Inzage en verwijdering van persoonsgegevens (AVG).")


@privacy_cli.command("export")
@click.argument("email")
def privacy_export(email: str) -> None:
    """Alles wat over één e-mailadres is opgeslagen, als JSON."""
    click.echo(PERSONAL_DATA_WARNING, err=True)
    with open_session() as session:
        data = privacy.export_person(session, email)
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    if not data["submissions"] and not data["mails"]:
        click.echo(f"Over {email} is niets opgeslagen.", err=True)


@privacy_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
def privacy_erase(email: str, yes: bool) -> None:
    """Verwijder alles wat over één e-mailadres is opgeslagen."""
    with open_session() as session:
        found = privacy.erase_person(session, email, dry_run=True)
        if not found.items and not found.mails:
            click.echo(f"Over {email} is niets opgeslagen; er is niets verwijderd.")
            return
        if not yes:
            click.echo(f"Gevonden: {counts(found)}.")
            answer = click.prompt("Typ 'ja' om alles definitief te verwijderen", default="", show_default=False)
            if answer.strip().lower() != "ja":
                fail("Afgebroken; er is niets verwijderd.")
        removed = privacy.erase_person(session, email)
    click.echo(f"Verwijderd: {counts(removed)}.")
    for slug in removed.published_slugs:
        click.echo(f"Het openbare record content/partners/{slug}.md blijft staan; het bevat geen persoonsgegevens.")


def init_app(app) -> None:
    """Register the command groups on the app."""
    # The purge is a privacy duty as much as queue upkeep: reachable under both names.
    privacy_cli.add_command(queue_purge, "purge")
    for group in (user_cli, queue_cli, privacy_cli):
        app.cli.add_command(group)
