"""Storage: SQLite durability pragmas, schema versions, and both backends behind one URL."""

import pytest
from sqlalchemy import text

from formhandler import create_app
from formhandler.db import SchemaError, check_schema, check_sqlite_pragmas, make_engine, schema_status, upgrade


def test_new_database_is_upgraded_to_head(app):
    current, head = schema_status(app.extensions["formhandler.engine"])
    assert current == head is not None


def test_sqlite_runs_with_wal_full_sync_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    check_sqlite_pragmas(engine)


def test_startup_refuses_a_schema_newer_than_the_code(app_config):
    app = create_app(app_config)
    engine = app.extensions["formhandler.engine"]
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaError, match="nieuwer dan deze code"):
        check_schema(engine)
    with pytest.raises(SchemaError, match="nieuwer dan deze code"):
        create_app({**app_config, "AUTO_UPGRADE": False})
    engine.dispose()


def test_startup_without_upgrade_refuses_an_empty_database(app_config):
    with pytest.raises(SchemaError, match="db upgrade"):
        create_app({**app_config, "AUTO_UPGRADE": False})


def test_postgres_url_uses_psycopg3(postgres_cluster):
    engine = make_engine(postgres_cluster.new_database().replace("postgresql+psycopg://", "postgresql://"))
    assert engine.dialect.driver == "psycopg"
    upgrade(engine)
    assert schema_status(engine)[0] is not None
    engine.dispose()
