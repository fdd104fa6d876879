"""What every command shares: a Dutch failure, a database session, item numbers, and who runs it."""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator
from typing import NoReturn

import click
from flask import current_app
from sqlalchemy.orm import Session

from .. import queue
from ..db import UNAVAILABLE_ERRORS
from ..models import Submission
from ..web.converters import ID_MAX

PERSONAL_DATA_WARNING = (
    "Let op: deze uitvoer bevat persoonsgegevens (namen, e-mailadressen, telefoonnummers). "
    "Bewaar en deel het bestand alleen binnen het bureau en verwijder het na gebruik."
)


def fail(message: str) -> NoReturn:
    """Print a Dutch message on stderr and stop with exit code 1."""
    click.echo(message, err=True)
    raise click.exceptions.Exit(1)


@contextlib.contextmanager
def open_session() -> Iterator[Session]:
    """A database session for one command; a database that is busy or gone is a Dutch message."""
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
        fail(f"{what} moet een geheel getal zijn, bijvoorbeeld 12; u gaf ‘{raw}’.")
    return value


def load_item(session: Session, raw_id: str) -> Submission:
    """The item with this number, or a Dutch message."""
    number = parse_number(raw_id, "Het itemnummer")
    item = queue.get(session, number) if number <= ID_MAX else None  # a larger one no column holds
    if item is None:
        fail(f"Er is geen item met nummer {raw_id}.")
    return item


def default_actor() -> str:
    """The operating-system user who runs the command."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in a bare container
        return "cli"
