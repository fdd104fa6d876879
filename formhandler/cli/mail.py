"""`flask mail`: send the waiting mail (every minute, from a timer) and show the outbox's counts."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import UNAVAILABLE_ERRORS
from ..mail import outbox
from ..mail.backends import scrub

mail_cli = AppGroup("mail", help="De uitgaande post: wachtende mail versturen, aantallen tonen.")


@mail_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="Hoogstens zoveel berichten per keer.")
def send_command(limit: int) -> None:
    """Verstuur elk wachtend bericht dat aan de beurt is (elke minuut, vanuit cron of een systemd-timer)."""
    try:
        with current_app.extensions["formhandler.sessionmaker"]() as session:
            sent, failed = outbox.send_pending(session, limit=limit)
    except UNAVAILABLE_ERRORS as exc:
        raise click.ClickException(f"De database is niet bereikbaar; er is niets verstuurd. ({scrub(exc)})") from exc
    click.echo(f"{sent} verstuurd, {failed} mislukt")


@mail_cli.command("status")
def status_command() -> None:
    """Toon hoeveel berichten wachten, verstuurd zijn of wachten na een mislukte poging."""
    with current_app.extensions["formhandler.sessionmaker"]() as session:
        counts = outbox.status(session)
    click.echo(
        f"wachtend: {counts['wachtend']}, verstuurd: {counts['verstuurd']}, met mislukte pogingen: {counts['mislukt']}"
    )
