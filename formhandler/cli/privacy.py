"""`flask privacy`: export and erase everything held about one email address, and purge closed items."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from .. import privacy, retention
from ..clock import local_date, utcnow
from ..db import scrub_freed_space
from ..models import Submission
from ..queue import SYSTEM_ACTOR, add_note
from .common import PERSONAL_DATA_WARNING, fail, open_session, parse_number
from .queue import queue_cli

privacy_cli = AppGroup("privacy", help="Inzage en verwijdering van persoonsgegevens (AVG).")


def plural(number: int, one: str, many: str) -> str:
    """'1 item', '3 items': the number with the right form of the word."""
    return f"{number} {one if number == 1 else many}"


def counts(removed: privacy.Removed) -> str:
    """'3 items, 2 logo's, …' in Dutch."""
    return ", ".join(
        (
            plural(removed.items, "item", "items"),
            plural(removed.logos, "logo", "logo’s"),
            plural(removed.events, "gebeurtenis", "gebeurtenissen"),
            plural(removed.mails, "e-mail", "e-mails"),
            plural(removed.agreements, "getekende overeenkomst", "getekende overeenkomsten"),
        )
    )


# The purge is a privacy duty as much as queue upkeep: reachable under both names.
@queue_cli.command("purge")
@click.option("--days", default=None, help="Bewaartermijn in dagen (standaard: RETENTION_DAYS).")
@click.option("--dry-run", is_flag=True, help="Alleen tellen, niets verwijderen.")
def purge_command(days: str | None, dry_run: bool) -> None:
    """Verwijder afgewezen, ingetrokken en spamitems na de bewaartermijn."""
    keep = parse_number(str(days if days is not None else current_app.config["RETENTION_DAYS"]), "Het aantal dagen")
    with open_session() as session:
        removed = privacy.remove(session, privacy.purge_candidates(session, keep), dry_run=dry_run)
        agreements = purge_agreements(session, dry_run=dry_run)
    verb = "Zou verwijderen" if dry_run else "Verwijderd"
    click.echo(f"{verb} (afgesloten items ouder dan {keep} dagen): {counts(removed)}.")
    days = current_app.config["SIGNED_RETENTION_DAYS"]
    click.echo(
        f"{verb} (getekende overeenkomsten van partnerschappen die meer dan {days} dagen geleden eindigden): "
        f"{plural(agreements, 'getekende overeenkomst', 'getekende overeenkomsten')}."
    )


def purge_agreements(session: Session, *, dry_run: bool) -> int:
    """Delete the signed agreements past their retention, noting it in each item's history; how many."""
    days = int(current_app.config["SIGNED_RETENTION_DAYS"])
    expired = retention.expired_agreements(session, current_app.config["CONTENT_DIR"], days, local_date(utcnow()))
    if dry_run:
        return len(expired)
    for document in expired:
        item = session.get(Submission, document.submission_id)
        if item is not None:
            add_note(
                item, SYSTEM_ACTOR, f"Getekende overeenkomst verwijderd, {days} dagen na het einde van het partnerschap"
            )
        session.delete(document)
    session.commit()
    return len(expired)


privacy_cli.add_command(purge_command)


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
@click.option(
    "--force", is_flag=True, help="Ook verwijderen bij een (recente) partner, van wie de overeenkomst bewaard blijft."
)
def privacy_erase(email: str, yes: bool, force: bool) -> None:
    """Verwijder alles wat over één e-mailadres is opgeslagen."""
    with open_session() as session:
        reasons = kept_because(session, email)
        if reasons and not force:
            fail(
                "Er is niets verwijderd. " + " ".join(reasons) + " Moet het toch weg (bijvoorbeeld omdat de "
                "overeenkomst is beëindigd en vernietigd mag worden)? Gebruik dan --force."
            )
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
    if removed.notes:
        notes = plural(removed.notes, "notitie bij een ander item", "notities bij andere items")
        click.echo(f"In {notes} zijn de naam, het e-mailadres en het telefoonnummer vervangen door ‘[verwijderd]’.")
    if not removed.scrubbed:
        click.echo(
            "Let op: de app gebruikte de database, zodat het logbestand ervan nog niet kon worden geleegd. "
            "Voer ‘flask --app formhandler privacy scrub’ uit zodra het rustig is."
        )
    for slug in removed.published_slugs:
        click.echo(f"Het openbare record content/partners/{slug}.md blijft staan; het bevat geen persoonsgegevens.")


def kept_because(session: Session, email: str) -> list[str]:
    """Why this address's data must stay: one Dutch sentence per item that is (or recently was) a partner."""
    days = int(current_app.config["SIGNED_RETENTION_DAYS"])
    today = local_date(utcnow())
    content_dir = current_app.config["CONTENT_DIR"]
    reasons = [retention.why_kept(session, item, content_dir, days, today) for item in privacy.items_of(session, email)]
    return [reason for reason in reasons if reason]


@privacy_cli.command("scrub")
def privacy_scrub() -> None:
    """Herschrijf de database zonder resten van verwijderde gegevens en leeg het logbestand ervan."""
    engine = current_app.extensions["formhandler.engine"]
    if scrub_freed_space(engine):
        click.echo("De database is herschreven; verwijderde gegevens staan er niet meer in.")
    else:
        fail(
            "De app gebruikt de database nog; het logbestand is niet geleegd. "
            "Probeer het over een paar minuten opnieuw."
        )
