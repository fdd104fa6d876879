"""`flask user`: the bureau's reviewers."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..clock import local_time
from ..models import User
from ..review.accounts import all_users, create_user, disable_user, enable_user, find_user, set_password
from .common import fail, open_session

user_cli = AppGroup("user", help="Beheerders (reviewers) van het bureau.")


def read_new_password(refused: str = "er is geen gebruiker aangemaakt") -> str:
    """Ask twice without echo; three tries."""
    for _ in range(3):
        first = click.prompt("Wachtwoord", hide_input=True, default="", show_default=False)
        second = click.prompt("Herhaal het wachtwoord", hide_input=True, default="", show_default=False)
        if first == second:
            return first
        click.echo("De twee wachtwoorden zijn niet gelijk. Probeer het opnieuw.", err=True)
    fail(f"Drie keer geen gelijke wachtwoorden; {refused}.")


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


def _load_user(session: Session, name: str) -> User:
    """The account called `name`, or a Dutch message."""
    user = find_user(session, name)
    if user is None:
        fail(f"Er is geen gebruiker '{name.strip()}'. `user list` toont wie er zijn.")
    return user


@user_cli.command("list")
def user_list() -> None:
    """Toon alle beheerders: naam, aangemaakt op en of het account actief is."""
    with open_session() as session:
        users = all_users(session)
        if not users:
            click.echo("Er zijn nog geen beheerders. Maak er een aan met `user add NAAM`.")
            return
        for user in users:
            state = "actief" if user.disabled_at is None else f"uitgeschakeld sinds {local_time(user.disabled_at)}"
            click.echo(f"{user.username}\taangemaakt {local_time(user.created_at)}\t{state}")


@user_cli.command("disable")
@click.argument("name")
def user_disable(name: str) -> None:
    """Schakel een beheerder uit: inloggen kan niet meer en open sessies eindigen."""
    with open_session() as session:
        user = _load_user(session, name)
        if not disable_user(session, user):
            click.echo(f"Gebruiker '{user.username}' was al uitgeschakeld.")
            return
        click.echo(f"Gebruiker '{user.username}' is uitgeschakeld; de open sessies zijn beëindigd.")


@user_cli.command("enable")
@click.argument("name")
def user_enable(name: str) -> None:
    """Schakel een beheerder weer in: inloggen kan weer met het bestaande wachtwoord."""
    with open_session() as session:
        user = _load_user(session, name)
        if not enable_user(session, user):
            click.echo(f"Gebruiker '{user.username}' was al actief.")
            return
        click.echo(f"Gebruiker '{user.username}' is weer ingeschakeld.")


@user_cli.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer (één regel).")
def user_password(name: str, password_stdin: bool) -> None:
    """Geef een beheerder een nieuw wachtwoord; alle sessies van dat account eindigen."""
    with open_session() as session:
        user = _load_user(session, name)
        refused = "het wachtwoord is niet gewijzigd"
        password = sys.stdin.readline().rstrip("\r\n") if password_stdin else read_new_password(refused)
        if not password:
            fail(f"Het wachtwoord is leeg; {refused}.")
        try:
            set_password(session, user, password)
        except ValueError as exc:
            session.rollback()
            fail(str(exc))
        click.echo(f"Gebruiker '{user.username}' heeft een nieuw wachtwoord; de open sessies zijn beëindigd.")
