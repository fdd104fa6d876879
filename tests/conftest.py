"""Shared fixtures: site builders, a static server, and the rule that CI runs every kind of test."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

from partners.render import render_record

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


@pytest.fixture(autouse=True, scope="session")
def browser_like_multipart():
    """Make werkzeug's test client write an empty form field as browsers do.

    Its encoder leaves out the line break between an empty field and the next boundary, which
    RFC 2046 requires and every browser sends; werkzeug's lenient parser accepts that, but the
    app parses with `multipart` (formhandler/formparser.py), which reads the next part as the
    empty field's value. Only the test client's encoding changes, never the app.
    """
    from werkzeug.sansio import multipart

    original = multipart.MultipartEncoder.send_event

    def send_event(self, event):
        if isinstance(event, multipart.Data) and self.state == multipart.State.DATA_START and not event.data:
            self.state = multipart.State.DATA
            return b"\r\n"
        return original(self, event)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(multipart.MultipartEncoder, "send_event", send_event)
        yield


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
            "THEME": str(ROOT / "theme"),
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

from tests.pg import Cluster, postgres_bin  # noqa: E402

SECRET = "test-secret-key-" + "x" * 32


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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """An empty database URL: SQLite in tmp_path, or a fresh database in the PostgreSQL cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    return request.getfixturevalue("postgres_cluster").new_database()


@pytest.fixture
def app_config(db_url, tmp_path):
    """Settings of the test app: real CSRF and validation, no fill-time wait, no rate limit."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    return {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "DATABASE_URL": db_url,
        "MIN_FILL_SECONDS": 0,
        "RATELIMIT_ENABLED": False,
        "CONTENT_DIR": str(tmp_path / "content"),
        "SITE_DIR": str(site),
        "NOTIFY_TO": "bureau@example.org",
        "MAIL_BACKEND": "log",
    }


@pytest.fixture
def app(app_config):
    """The Flask app on an empty, upgraded database."""
    from formhandler import create_app

    application = create_app(app_config)
    yield application
    application.extensions["formhandler.engine"].dispose()


@pytest.fixture
def client(app):
    """Flask's test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Flask's CLI runner."""
    return app.test_cli_runner()
