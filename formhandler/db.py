"""The only module that opens database connections: engine, per-request session, schema upgrades."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app, g
from flask.cli import AppGroup
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InternalError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
# Errors that mean "the database cannot take this write right now": the applicant gets a 503.
# OperationalError: locked, disk full, read-only SQLite, server gone; InternalError: a read-only
# PostgreSQL (a standby after failover); PoolTimeoutError: every connection busy.
UNAVAILABLE_ERRORS = (OperationalError, InternalError, PoolTimeoutError)


class SchemaError(RuntimeError):
    """The database schema does not fit this version of the code."""


def _sqlite_pragmas(dbapi_connection, busy_timeout_ms: int):
    """Durability settings every SQLite connection must have; asserted at startup."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def current_busy_timeout() -> int:
    try:
        return int(current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS))
    except RuntimeError:  # outside an app context (CLI helpers, tests)
        return SQLITE_BUSY_TIMEOUT_MS


def make_engine(url: str, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """Create the engine for `url`: SQLite with WAL and full sync, or PostgreSQL with pre-ping."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000, "isolation_level": None})

        # The engine's own timeout, not current_app's: the first connection is made by the schema
        # upgrade outside any app context and stays in the pool.
        @event.listens_for(engine, "connect")
        def on_connect(dbapi_connection, _record):
            _sqlite_pragmas(dbapi_connection, busy_timeout_ms)

        # pysqlite's own transaction handling is off (isolation_level=None); begin explicitly,
        # IMMEDIATE so a writer takes the lock up front instead of failing on upgrade later.
        @event.listens_for(engine, "begin")
        def on_begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=5)


def check_sqlite_pragmas(engine: Engine) -> None:
    """Refuse to run when SQLite is not in WAL mode with synchronous=FULL and a busy timeout."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        sync = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        busy = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    if str(journal).lower() != "wal" or int(sync) != 2 or int(busy) <= 0:
        raise SchemaError(f"SQLite pragmas not in force: journal_mode={journal} synchronous={sync} busy_timeout={busy}")


def alembic_config(engine: Engine) -> AlembicConfig:
    """An Alembic config that uses our engine instead of an ini file."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def schema_status(engine: Engine) -> tuple[str | None, str]:
    """(revision in the database, newest revision this code knows)."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, script.get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` in place, keeping the data."""
    command.upgrade(alembic_config(engine), revision)


def check_schema(engine: Engine, *, allow_outdated: bool = False) -> None:
    """Refuse a database whose schema is newer than (or unknown to) this code.

    `allow_outdated` lets CLI commands (above all `db upgrade`) start on an empty or older schema.
    """
    current, head = schema_status(engine)
    if current is None and allow_outdated:
        return
    if current is None:
        raise SchemaError("De database heeft nog geen schema: voer 'flask --app formhandler db upgrade' uit.")
    script = ScriptDirectory.from_config(alembic_config(engine))
    try:
        script.get_revision(current)
    except Exception:
        raise SchemaError(
            f"Het databaseschema ({current}) is nieuwer dan deze code ({head}); werk de code bij."
        ) from None
    if current != head and not allow_outdated:
        raise SchemaError(
            f"Het databaseschema ({current}) is ouder dan de code ({head}): voer 'flask --app formhandler db upgrade' uit."
        )


def get_session() -> Session:
    """The request's session, created on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["formhandler.sessionmaker"]()
    return g.db_session


def close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except SQLAlchemyError:  # a broken connection must not turn a 503 into a 500
            logger.warning("database session could not be closed cleanly", exc_info=True)


db_cli = AppGroup("db", help="Het databaseschema.")


@db_cli.command("upgrade")
def upgrade_command():
    """Maak het databaseschema aan of werk het bij tot de nieuwste versie."""
    engine = current_app.extensions["formhandler.engine"]
    upgrade(engine)
    current, _ = schema_status(engine)
    click.echo(f"Databaseschema bijgewerkt tot versie {current}.")


def init_app(app, *, auto_upgrade: bool) -> None:
    """Create the engine, optionally upgrade, assert pragmas and schema, register teardown and CLI."""
    engine = make_engine(
        app.config["DATABASE_URL"], int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS))
    )
    app.extensions["formhandler.engine"] = engine
    app.extensions["formhandler.sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    if auto_upgrade:
        upgrade(engine)
    with app.app_context():
        check_sqlite_pragmas(engine)
    if not app.config.get("SKIP_SCHEMA_CHECK"):
        # Under the `flask` command the schema may be empty or old: that is what `db upgrade` is for.
        check_schema(engine, allow_outdated=click.get_current_context(silent=True) is not None)
    app.teardown_appcontext(close_session)
    app.cli.add_command(db_cli)
