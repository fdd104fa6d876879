"""The flask command's app loading: a configuration problem is one Dutch line and exit code 1, not a traceback."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ..config import PREFIX, ConfigError
from ..db import UNAVAILABLE_ERRORS, SchemaError


@contextlib.contextmanager
def one_line_errors(database_url: object = None) -> Iterator[None]:
    """Around create_app's settings and database: under the flask command, stop with one Dutch line."""
    # Only under the command (a click context): gunicorn and the tests see the exception itself.
    try:
        yield
    except (ConfigError, SchemaError) as exc:
        _stop(f"Fout in de instellingen: {exc}")
        raise
    except ArgumentError:
        _stop(f"Fout in de instellingen: {PREFIX}_DATABASE_URL is geen databaseadres dat de formhandler kent.")
        raise
    except UNAVAILABLE_ERRORS:
        _stop(
            f"De database {_shown(database_url)} is niet bereikbaar: controleer {PREFIX}_DATABASE_URL "
            "en of de databaseserver draait."
        )
        raise


def _shown(database_url: object) -> str:
    """The database's address without its password, quoted."""
    try:
        return f"‘{make_url(str(database_url)).render_as_string(hide_password=True)}’"
    except ArgumentError:
        return "uit de instellingen"


def _stop(line: str) -> None:
    """Under the flask command: print `line` on stderr and exit with code 1."""
    if click.get_current_context(silent=True) is None:
        return
    click.echo(line, err=True)
    sys.exit(1)
