"""`flask user`: the bureau's reviewers."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from ..review.accounts import create_user
from .common import fail, open_session

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
