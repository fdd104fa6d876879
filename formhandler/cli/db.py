"""`flask db`: the database schema. `db upgrade` starts on an empty or older schema; see formhandler.db."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .. import db

db_cli = AppGroup("db", help="Het databaseschema.")


@db_cli.command("upgrade")
def upgrade_command() -> None:
    """Maak het databaseschema aan of werk het bij tot de nieuwste versie."""
    engine = current_app.extensions["formhandler.engine"]
    db.upgrade(engine)
    current, _ = db.schema_status(engine)
    click.echo(f"Databaseschema bijgewerkt tot versie {current}.")
