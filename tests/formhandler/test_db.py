"""Storage: SQLite durability pragmas, the schema checked at start, and both backends behind one URL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from formhandler import create_app
from formhandler.db import SchemaError, check_sqlite_pragmas, make_engine, require_newest_schema, schema_status


def test_sqlite_runs_with_wal_full_sync_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    check_sqlite_pragmas(engine)
    engine.dispose()


@pytest.mark.both_databases
def test_auto_upgrade_brings_an_empty_database_to_the_newest_schema(make_app, empty_db_url):
    app = make_app(DATABASE_URL=empty_db_url, AUTO_UPGRADE=True)
    current, head = schema_status(app.extensions["formhandler.engine"])
    assert current == head is not None
    require_newest_schema(app)


@pytest.mark.both_databases
def test_every_start_refuses_a_schema_newer_than_the_code(app, app_config):
    with app.extensions["formhandler.engine"].begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    for auto_upgrade in (False, True):
        with pytest.raises(SchemaError, match="nieuwer dan deze code"):
            create_app({**app_config, "AUTO_UPGRADE": auto_upgrade})


@pytest.mark.both_databases
def test_serving_needs_the_newest_schema_and_db_upgrade_starts_without_it(make_app, empty_db_url):
    app = make_app(DATABASE_URL=empty_db_url)  # AUTO_UPGRADE off, as in production: the app is built
    with pytest.raises(SchemaError, match="nog geen schema: voer 'flask --app formhandler db upgrade' uit"):
        require_newest_schema(app)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "Databaseschema bijgewerkt tot versie" in result.output
    require_newest_schema(app)


@pytest.mark.postgres
def test_a_postgresql_url_uses_psycopg3(postgres_cluster, postgres_template):
    url = postgres_cluster.new_database(template=postgres_template)
    engine = make_engine(url.replace("postgresql+psycopg://", "postgresql://"))
    assert engine.dialect.driver == "psycopg"
    assert schema_status(engine)[0] is not None
    engine.dispose()
