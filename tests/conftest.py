"""Shared fixtures: site builders, a static server, and the rule that CI runs every kind of test."""

from __future__ import annotations

import functools
import http.server
import logging
import os
import shutil
import threading
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

from partners import THEME_DIR
from partners.render import render_record

# This suite builds sites with Pelican and runs the app in one process. Importing Pelican makes
# every logger created afterwards drop a message it has seen before (pelican.log.LimitLogger).
# The app never imports Pelican (tests/formhandler/test_config.py checks it), so its loggers are
# plain ones in production; Pelican's own loggers exist by now and keep their class.
logging.setLoggerClass(logging.Logger)

ROOT = Path(__file__).resolve().parent.parent
FIXED_TODAY = "2026-11-28"
# In CI every kind of test must run: a skip there is a failure (see pytest_sessionfinish).
REQUIRE_ALL = os.environ.get("REQUIRE_ALL_TESTS") == "1"

pytest_plugins = ["tests.browser"]


def pytest_sessionfinish(session, exitstatus):
    """Turn any skipped test into a failed run when REQUIRE_ALL_TESTS=1."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if REQUIRE_ALL and skipped and session.exitstatus == 0:
        if reporter:
            reporter.write_line(f"REQUIRE_ALL_TESTS=1: {skipped} test(s) were skipped; failing the run.", red=True)
        session.exitstatus = 1


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A copy of the real pages with an empty partners/ and logos/ folder."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    (content / "partners").mkdir()
    (content / "logos").mkdir()
    return content


@pytest.fixture
def write_record(content_dir):
    """Write one record (fields dict, rendered and validated) or raw text into content_dir."""

    def write(
        fields: dict | None = None, *, slug: str | None = None, text: str | None = None, body: str = "Beschrijving."
    ) -> Path:
        if text is None:
            assert fields is not None, "give the fields or the text"
            text = render_record(fields, body)
            slug = fields["Slug"]
        path = content_dir / "partners" / f"{slug}.md"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def run_pelican(content: Path, output: Path, settings_file: str = "pelicanconf.py", **overrides) -> Path:
    """Run a whole Pelican build with the project's settings and plugin into `output`."""
    settings = read_settings(
        str(ROOT / settings_file),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "THEME": str(THEME_DIR),
            "CACHE_PATH": str(output.parent / "cache"),
            "PARTNERS_TODAY": FIXED_TODAY,
            **overrides,
        },
    )
    Pelican(settings).run()
    return output


@pytest.fixture
def build(tmp_path, content_dir):
    """Build content_dir into tmp_path/output and return the output folder."""

    def run(**overrides) -> Path:
        return run_pelican(content_dir, tmp_path / "output", **overrides)

    return run


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_folder(folder: Path):
    """Serve `folder` on a free loopback port in a thread; return (server, base_url)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# --- the form handler ---------------------------------------------------------------------

from tests.formhandler.helpers import SECRET, USERNAME, add_user, db_session, login  # noqa: E402
from tests.pg import Cluster, postgres_bin  # noqa: E402

BOTH_DATABASES = "both_databases"


def pytest_generate_tests(metafunc):
    """A test marked both_databases runs once on SQLite and once on PostgreSQL; any other on SQLite."""
    if "db_backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(BOTH_DATABASES):
        metafunc.parametrize(
            "db_backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
        )


@pytest.fixture
def db_backend(request) -> str:
    """The database a test runs on: SQLite, or each in turn for a test marked both_databases."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL cluster for the session; missing server fails in CI, skips elsewhere."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        message = "PostgreSQL server not installed (Debian package postgresql)"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    cluster = Cluster(bin_dir)
    cluster.start()
    yield cluster
    cluster.stop()


def _migrate(url: str) -> None:
    from formhandler.db import make_engine, upgrade

    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()  # a template is copied only without connections (PostgreSQL) or a -wal file (SQLite)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite database migrated once for the session; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("template") / "queue.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_cluster) -> str:
    """A PostgreSQL database migrated once for the session; each test gets CREATE DATABASE ... TEMPLATE it."""
    url = postgres_cluster.new_database()
    _migrate(url)
    return url.rsplit("/", 1)[1]


@pytest.fixture
def empty_db_url(request, db_backend, tmp_path) -> str:
    """An empty database (no schema) on the test's backend, for the tests of upgrades themselves."""
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return request.getfixturevalue("postgres_cluster").new_database()


@pytest.fixture
def db_url(request, db_backend, tmp_path) -> str:
    """A database at the newest schema on the test's backend: a copy of the session's migrated template."""
    if db_backend == "sqlite":
        path = tmp_path / "queue.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    template = request.getfixturevalue("postgres_template")
    return request.getfixturevalue("postgres_cluster").new_database(template=template)


@pytest.fixture
def app_config(db_url, tmp_path) -> dict:
    """Settings of the test app: real CSRF and validation, no fill-time wait, no rate limit, a cheap password hash."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    return {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "DATABASE_URL": db_url,
        "AUTO_UPGRADE": False,  # db_url is migrated already
        "PASSWORD_HASH_PROFILE": "CHEAPEST",
        "MIN_FILL_SECONDS": 0,
        "RATELIMIT_ENABLED": False,
        "CONTENT_DIR": str(tmp_path / "content"),
        "SITE_DIR": str(site),
        "NOTIFY_TO": "bureau@example.org",
        "MAIL_BACKEND": "log",
    }


@pytest.fixture
def make_app(app_config):
    """Build apps from app_config with overrides (rate limits on, CSRF off, ...); all on the test's database."""
    from formhandler import create_app

    apps = []

    def make(**overrides):
        application = create_app({**app_config, **overrides})
        apps.append(application)
        return application

    yield make
    for application in apps:
        application.extensions["formhandler.engine"].dispose()


@pytest.fixture
def app(make_app):
    """The Flask app on its own migrated database."""
    return make_app()


@pytest.fixture
def client(app):
    """Flask's test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Flask's CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A database session on the test app's database, outside any request."""
    with db_session(app) as db:
        yield db


@pytest.fixture
def reviewer(app) -> str:
    """The username of a reviewer account (no default account exists)."""
    add_user(app)
    return USERNAME


@pytest.fixture
def admin_client(app, reviewer):
    """A test client logged in as the reviewer through the real login form."""
    client = app.test_client()
    response = login(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
