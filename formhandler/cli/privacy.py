"""`flask privacy`: export and erase everything held about one email address, and purge closed items."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from .. import privacy
from .common import PERSONAL_DATA_WARNING, fail, open_session, parse_number
from .queue import queue_cli

privacy_cli = AppGroup("privacy", help="Inzage en verwijdering van persoonsgegevens (AVG).")


def counts(removed: privacy.Removed) -> str:
    """'3 items, 2 logo's, …' in Dutch."""
    return (
        f"{removed.items} item(s), {removed.logos} logo('s), {removed.events} gebeurtenis(sen), "
        f"{removed.mails} e-mail(s)"
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
    verb = "Zou verwijderen" if dry_run else "Verwijderd"
    click.echo(f"{verb} (afgesloten items ouder dan {keep} dagen): {counts(removed)}.")


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
