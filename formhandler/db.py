"""The only module that opens database connections: engine, per-request session, schema upgrades and checks.

Schema checks: create_app() refuses a schema newer than the code everywhere; one that is older
(or empty) is refused only where the app serves requests (wsgi.py, devserver.py call
require_newest_schema), so that every `flask --app formhandler` command, above all `db upgrade`,
can start on it. With AUTO_UPGRADE the app upgrades it at start instead.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InternalError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
UPGRADE_HINT = "voer 'flask --app formhandler db upgrade' uit"
# Errors that mean "the database cannot take this write right now": the applicant gets a 503.
# OperationalError: locked, disk full, read-only SQLite, server gone; InternalError: a read-only
# PostgreSQL (a standby after failover); PoolTimeoutError: every connection busy.
UNAVAILABLE_ERRORS = (OperationalError, InternalError, PoolTimeoutError)


class SchemaError(RuntimeError):
    """The database schema does not fit this version of the code."""


def _sqlite_pragmas(dbapi_connection: Any, busy_timeout_ms: int) -> None:
    """Durability settings every SQLite connection must have; asserted at startup."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def make_engine(url: str, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """Create the engine for `url`: SQLite with WAL and full sync, or PostgreSQL with pre-ping."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000, "isolation_level": None})

        # The engine's own timeout, not current_app's: the first connection is made by the schema
        # upgrade outside any app context and stays in the pool.
        @event.listens_for(engine, "connect")
        def on_connect(dbapi_connection: Any, _record: Any) -> None:
            _sqlite_pragmas(dbapi_connection, busy_timeout_ms)

        # pysqlite's own transaction handling is off (isolation_level=None); begin explicitly,
        # IMMEDIATE so a writer takes the lock up front instead of failing on upgrade later.
        @event.listens_for(engine, "begin")
        def on_begin(connection: Any) -> None:
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
    if str(journal).lower() != "wal" or int(sync or 0) != 2 or int(busy or 0) <= 0:
        raise SchemaError(f"SQLite pragmas not in force: journal_mode={journal} synchronous={sync} busy_timeout={busy}")


def alembic_config(engine: Engine) -> AlembicConfig:
    """An Alembic config that uses our engine instead of an ini file."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    """The migration scripts, read once per process: they do not change while it runs."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def schema_status(engine: Engine) -> tuple[str | None, str | None]:
    """(revision in the database, newest revision this code knows)."""
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, _scripts().get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` in place, keeping the data."""
    command.upgrade(alembic_config(engine), revision)


def check_schema(engine: Engine, *, allow_outdated: bool = False) -> None:
    """Refuse a schema newer than (or unknown to) this code; an empty or older one unless `allow_outdated`."""
    current, head = schema_status(engine)
    if current is None:
        if allow_outdated:
            return
        raise SchemaError(f"De database heeft nog geen schema: {UPGRADE_HINT}.")
    try:
        _scripts().get_revision(current)
    except Exception:
        raise SchemaError(
            f"Het databaseschema ({current}) is nieuwer dan deze code ({head}); werk de code bij."
        ) from None
    if current != head and not allow_outdated:
        raise SchemaError(f"Het databaseschema ({current}) is ouder dan de code ({head}): {UPGRADE_HINT}.")


def require_newest_schema(app: Flask) -> None:
    """Refuse to serve requests on a schema older than the code (wsgi.py and devserver.py call this)."""
    check_schema(app.extensions["formhandler.engine"])


def get_session() -> Session:
    """The request's session, created on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["formhandler.sessionmaker"]()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Close the request's session, if it opened one."""
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except SQLAlchemyError:  # a broken connection must not turn a 503 into a 500
            logger.warning("database session could not be closed cleanly", exc_info=True)


def init_app(app: Flask) -> None:
    """Create the engine, refuse a newer schema, upgrade when AUTO_UPGRADE, assert the pragmas, close sessions."""
    engine = make_engine(app.config["DATABASE_URL"], int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))
    app.extensions["formhandler.engine"] = engine
    app.extensions["formhandler.sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    check_schema(engine, allow_outdated=True)  # before upgrading: Alembic cannot read a newer schema either
    if app.config["AUTO_UPGRADE"]:
        upgrade(engine)
    check_sqlite_pragmas(engine)
    app.teardown_appcontext(close_session)


#: Tables an erasure deletes from; PostgreSQL rewrites them afterwards so no dead row keeps the bytes.
ERASED_TABLES = ("submissions", "events", "logos", "outbox", "outbox_attachments", "signed_agreements", "status_tokens")


def scrub_freed_space(engine: Engine) -> bool:
    """After deleting personal data: leave no readable copy in free pages or the log; False if the WAL was busy.

    SQLite: VACUUM rewrites the file without its free pages, then a TRUNCATE checkpoint empties the
    -wal file, which still held the deleted rows. PostgreSQL: VACUUM FULL rewrites the tables; its own
    write-ahead log is recycled by the server (docs/security.md says how long copies remain).
    """
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()  # outside SQLAlchemy's transaction: VACUUM refuses to run in one
        try:
            cursor = raw.cursor()
            cursor.execute("VACUUM")
            busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return busy == 0
        finally:
            raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM FULL " + ", ".join(ERASED_TABLES))
    return True
