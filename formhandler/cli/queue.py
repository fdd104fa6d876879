"""`flask queue`: list, show and move items, publish them, export the queue, and write the announcement."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any, TextIO

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from partners.export import neutralise_cell

from .. import privacy, publishing, queue
from ..agreement.template import AgreementError
from ..mail.messages import partner_page
from ..models import Submission
from ..publishing.announcement import announcement
from ..review.steps import publish_step, take_step
from ..states import STATES, TransitionError
from .common import PERSONAL_DATA_WARNING, default_actor, fail, load_item, open_session
from .messages import MESSAGE_FILE_HELP, expected_slug, mail_report, step_message
from .terminal import safe, safe_block, safe_json

queue_cli = AppGroup("queue", help="De wachtrij met aanmeldingen.")
EXPORT_COLUMNS = [c.name for c in Submission.__table__.columns if c.name != "fingerprint"] + ["logo"]


def all_items(session: Session, state: str | None = None) -> list[Submission]:
    """Every item, newest first."""
    return queue.search(session, state=state, limit=1_000_000)


def export_cell(value: object) -> str:
    """One CSV cell, never read as a formula by a spreadsheet."""
    if isinstance(value, bool):
        value = "ja" if value else "nee"
    elif isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):  # the logo's description, or a change request's requested fields
        value = value["type"] if "bytes" in value else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return neutralise_cell("" if value is None else str(value))


@queue_cli.command("list")
@click.option("--state", default=None, help="Alleen items met deze status.")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def queue_list(state: str | None, as_json: bool) -> None:
    """Toon de items in de wachtrij, nieuwste eerst."""
    if state and state not in STATES:
        fail(f"Onbekende status ‘{state}’. Kies uit: {', '.join(STATES)}.")
    with open_session() as session:
        rows: list[dict[str, Any]] = [
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
            for i in all_items(session, state)
        ]
    if as_json:
        click.echo(safe_json(rows))
        return
    if not rows:
        click.echo("Er zijn geen items" + (f" met de status ‘{STATES[state]}’." if state else "."))
        return
    click.echo(f"{'nr':>5}  {'status':<18}  {'ontvangen':<10}  {'type':<28}  organisatie")
    for row in rows:
        click.echo(
            f"{row['id']:>5}  {row['state']:<18}  {row['created_at'][:10]:<10}  "
            f"{row['organisation_type']:<28}  {safe(row['organisation_name'])}"
        )
    click.echo(f"{len(rows)} {'item' if len(rows) == 1 else 'items'}.")


@queue_cli.command("show")
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def queue_show(item_id: str, as_json: bool) -> None:
    """Toon alle gegevens en de geschiedenis van één item."""
    with open_session() as session:
        data = privacy.describe(load_item(session, item_id))
    if as_json:
        click.echo(safe_json(data))
        return
    history, logo = data.pop("history"), data.pop("logo")
    click.echo(f"Item {data['id']}: {safe(data['organisation_name'])} ({STATES.get(data['state'], data['state'])})")
    for name, value in data.items():
        click.echo(f"  {name}: {safe_block(export_cell(value) if isinstance(value, (bool, list)) else value)}")
    click.echo(
        f"  logo: {logo['type']}, {logo['bytes']} bytes, {logo['width']}×{logo['height']}" if logo else "  logo: geen"
    )
    click.echo("Geschiedenis:")
    for event in history:
        step = f"{event['from_state']} → {event['to_state']}" if event["from_state"] != event["to_state"] else "notitie"
        note = f" — {safe_block(event['note'])}" if event["note"] else ""
        click.echo(f"  {event['at'][:16]}  {safe(event['actor'])}: {step}{note}")


@queue_cli.command("set")
@click.argument("item_id")
@click.argument("state")
@click.option("--note", default="", help="Toelichting bij de wijziging.")
@click.option("--actor", default=None, help="Wie de wijziging doet (standaard: uw gebruikersnaam).")
@click.option("--mail/--no-mail", "send_mail", default=True, help="Het bericht aan de aanvrager versturen (standaard).")
@click.option("--message-file", type=click.File("r", encoding="utf-8"), default=None, help=MESSAGE_FILE_HELP)
def queue_set(
    item_id: str, state: str, note: str, actor: str | None, send_mail: bool, message_file: TextIO | None
) -> None:
    """Zet een item op een nieuwe status, volgens de procedure, met het bericht aan de aanvrager."""
    with open_session() as session:
        item = load_item(session, item_id)
        draft = step_message(item, state, send_mail, message_file)
        try:
            message = take_step(
                session,
                item,
                state,
                actor or default_actor(),
                note,
                draft,
                content_dir=current_app.config["CONTENT_DIR"],
            )
        except (TransitionError, AgreementError) as exc:
            session.rollback()
            hint = " Gebruik: flask --app formhandler queue publish ID." if state == "gepubliceerd" else ""
            fail(f"{exc}{hint}")
        session.commit()
        click.echo(f"Item {item.id} heeft nu de status ‘{STATES[state]}’.{mail_report(message)}")


@queue_cli.command("publish")
@click.argument("item_id")
@click.option("--content", "content", default=None, help="De contentmap van de site (standaard: CONTENT_DIR).")
@click.option("--actor", default=None, help="Wie publiceert (standaard: uw gebruikersnaam).")
@click.option("--mail/--no-mail", "send_mail", default=True, help="Het welkomstbericht versturen (standaard).")
@click.option("--message-file", type=click.File("r", encoding="utf-8"), default=None, help=MESSAGE_FILE_HELP)
def queue_publish(
    item_id: str, content: str | None, actor: str | None, send_mail: bool, message_file: TextIO | None
) -> None:
    """Schrijf het partnerrecord en logo van een getekend item, of verwerk een goedgekeurde wijziging."""
    content_dir = Path(content or current_app.config["CONTENT_DIR"])
    with open_session() as session:
        item = load_item(session, item_id)
        slug = expected_slug(item, content_dir)
        draft = step_message(item, "gepubliceerd", send_mail, message_file, slug)
        try:
            publication = publish_step(
                session, item, actor or default_actor(), draft, content_dir=content_dir, slug=slug
            )
        except publishing.PublishError as exc:
            fail(f"Item {item.id} is niet gepubliceerd. {exc}")
        sent = " Het bericht aan de aanvrager staat in de uitgaande post." if draft else ""
        click.echo(f"Item {item.id} ({item.organisation_name}) is gepubliceerd.{sent}")
    echo_publication(publication, content_dir)


def echo_publication(publication: publishing.Publication, content_dir: Path) -> None:
    """What a publication wrote and where it went: the commit and the live site, or the editor's next steps."""
    if publication.commit:
        pushed = " en gepusht" if current_app.config["PUBLISH_PUSH"] else " (niet gepusht: PUBLISH_PUSH staat uit)"
        click.echo(f"Vastgelegd in commit {publication.commit[:12]}{pushed}.")
    click.echo("Geschreven:")
    record = publication.record_path(content_dir)
    for path in (publication.logo_path(content_dir), record):
        if path is not None:
            click.echo(f"  {path}")
    if publication.old_logo:
        click.echo(f"Verwijderd: {content_dir / publication.old_logo}")
    if publication.build:
        click.echo(f"De site is bijgewerkt (build {publication.build}): {partner_page(publication.slug)}")
    elif publication.build_error:
        click.echo(publication.build_error, err=True)
        click.echo("Herstel de oorzaak en bouw opnieuw met: flask --app formhandler site build", err=True)
    elif not publication.commit:
        click.echo(
            "Volgende stappen voor de redacteur:\n"
            f"  1. Lees {record.name} na en vul de beschrijving eventueel aan.\n"
            "  2. Controleer de records: make check\n"
            "  3. Leg het record en het logo vast in git (commit) en push.\n"
            "  4. Bouw en publiceer de site: make publish (met SITEURL=https://…)"
        )
    else:
        click.echo("De CI van de siterepository bouwt de site en zet haar online.")


@queue_cli.command("export")
@click.option("--format", "fmt", default="csv", help="csv (standaard) of json.")
def queue_export(fmt: str) -> None:
    """Exporteer de hele wachtrij naar standaarduitvoer (bevat persoonsgegevens)."""
    if fmt not in ("csv", "json"):
        fail(f"Onbekend formaat ‘{fmt}’; kies csv of json.")
    click.echo(PERSONAL_DATA_WARNING, err=True)
    with open_session() as session:
        rows = [privacy.describe(item, with_history=False) for item in all_items(session)]
    if fmt == "json":
        click.echo(safe_json(rows))
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
        fail(f"‘{since}’ is geen datum; schrijf die als JJJJ-MM-DD, bijvoorbeeld 2026-01-31.")
    with open_session() as session:
        click.echo(announcement(session, day), nl=False)
