"""The live site through nginx: publishing through git builds and switches the served folder in one rename.

A reader polling the wall during publications and rollbacks never gets a 404 or half a page; a broken build
keeps the old site; rollback restores the previous one. The browser test is the bureau's whole journey.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from pathlib import Path

import pytest

from formhandler import create_app, publishing, queue
from formhandler.publishing.live import LiveSite
from tests.deploy_fixtures import fetch, flask_command, production_env, require_nginx, start_gunicorn, start_nginx, stop
from tests.formhandler.helpers import SECRET, add_item, db_session
from tests.site_repository import clone, editor_commits, make_site_repository

pytestmark = pytest.mark.slow
PUBLIC = "https://www.example.test"


@dataclasses.dataclass
class LiveDeployment:
    """nginx serving the live link, gunicorn publishing through git into a clone of a bare remote."""

    base: str
    tmp: Path
    repo: Path
    editor: Path
    served: Path
    settings: dict[str, str]

    @property
    def database(self) -> str:
        return f"sqlite:///{self.tmp}/q.sqlite3"

    def app(self):
        """An app of our own on the same database and site repository, to set up queue items."""
        return create_app(
            {
                "TESTING": True,
                "SECRET_KEY": SECRET,
                "DATABASE_URL": self.database,
                "AUTO_UPGRADE": False,
                "PASSWORD_HASH_PROFILE": "CHEAPEST",
                **{name: value for name, value in self.settings.items() if name != "SITE_BUILDS_KEPT"},
                "SITE_BUILDS_KEPT": 50,
            }
        )

    def live(self) -> LiveSite:
        return LiveSite(self.repo, self.served, PUBLIC, keep=50)


@pytest.fixture(scope="module")
def live_deployment(tmp_path_factory):
    """The real content in a site repository; its first live build; gunicorn and nginx in front of it."""
    require_nginx()
    tmp = tmp_path_factory.mktemp("live")
    _remote, editor = make_site_repository(tmp / "git", real=True)
    repo = clone(tmp / "git" / "remote.git", tmp / "site-repo")
    (tmp / "www").mkdir()
    served = tmp / "www" / "live"
    settings = {
        "PUBLISH_TARGET": "git",
        "SITE_REPO": str(repo),
        "SITE_BUILD": "live",
        "PUBLIC_URL": PUBLIC,
        "SITE_BUILDS_KEPT": "50",
        "MIN_FILL_SECONDS": "0",
    }
    env = production_env(f"sqlite:///{tmp}/q.sqlite3", SITE_DIR=str(served), **settings)
    assert flask_command(env, "db", "upgrade").returncode == 0
    first = flask_command(env, "site", "build")
    assert first.returncode == 0, first.stderr
    app, upstream = start_gunicorn(tmp, served, **settings)
    try:
        web, base = start_nginx(tmp / "nginx", root=served, upstream=upstream.removeprefix("http://"))
        try:
            yield LiveDeployment(base, tmp, repo, editor, served, {**settings, "SITE_DIR": str(served)})
        finally:
            stop(web)
    finally:
        stop(app)


def publish_new_partner(deployment: LiveDeployment, name: str) -> publishing.Publication:
    """A signed application published as gunicorn's workers would, in this process (the lock is an flock)."""
    app = deployment.app()
    try:
        with app.app_context(), db_session(app) as session:
            stored = add_item(session, "getekend", "svg", organisation_name=name)
            item = queue.get(session, stored.id)
            assert item is not None
            return publishing.publish(session, item, app.config["CONTENT_DIR"], "reviewer.anna")
    finally:
        app.extensions["formhandler.engine"].dispose()


class Reader(threading.Thread):
    """Polls the wall and one partner page through nginx until stopped; keeps every answer that was not whole."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base, self.stopping = base, threading.Event()
        self.answers = 0
        self.bad: list[tuple[str, int, bytes]] = []
        self.walls: set[str] = set()

    def run(self) -> None:
        while not self.stopping.is_set():
            for path in ("/partners/", "/partners/longfonds/"):
                status, _headers, body = fetch(self.base + path)
                self.answers += 1
                if status != 200 or not body.rstrip().endswith(b"</html>") or b"</main>" not in body:
                    self.bad.append((path, status, body[-200:]))
                elif path == "/partners/":
                    self.walls.add(hashlib.sha256(body).hexdigest())

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)


def test_a_reader_never_sees_a_missing_or_half_page_while_the_site_switches(live_deployment):
    reader = Reader(live_deployment.base)
    reader.start()
    try:
        published = [publish_new_partner(live_deployment, f"Stichting Wisselwerking {n}") for n in (1, 2)]
        assert all(p.build and not p.build_error for p in published)
        live = live_deployment.live()
        newest, before = published[-1].build, published[0].build
        for _ in range(60):  # back and forth as fast as rollback can switch
            live.rollback(before)
            live.rollback(newest)
    finally:
        reader.stop()
    assert reader.bad == [] and reader.answers >= 100, (reader.answers, reader.bad[:3])
    assert len(reader.walls) >= 2  # the reader did see the wall change
    status, _h, body = fetch(live_deployment.base + "/partners/stichting-wisselwerking-2/")
    assert status == 200 and b"Stichting Wisselwerking 2" in body


def test_a_broken_build_keeps_the_site_and_rollback_restores_the_previous(live_deployment):
    env = production_env(live_deployment.database, **live_deployment.settings)
    publication = publish_new_partner(live_deployment, "Stichting Terugweg")
    assert fetch(live_deployment.base + "/partners/stichting-terugweg/")[0] == 200
    broken = "Title: Kapot\nSlug: kapot\nType: vereniging\nSince: 2024-01-01\n\nKapot.\n"
    editor_commits(live_deployment.editor, {"content/partners/kapot.md": broken}, "Een fout record")
    failed = flask_command(env, "site", "build")
    assert failed.returncode == 1 and "content/partners/kapot.md:3: Type: moet een van deze zijn" in failed.stderr
    assert fetch(live_deployment.base + "/partners/stichting-terugweg/")[0] == 200  # still the last good site
    assert fetch(live_deployment.base + "/partners/kapot/")[0] == 404

    rolled = flask_command(env, "site", "rollback")
    assert rolled.returncode == 0, rolled.stderr
    assert fetch(live_deployment.base + "/partners/stichting-terugweg/")[0] == 404
    assert fetch(live_deployment.base + "/partners/")[0] == 200
    forward = flask_command(env, "site", "rollback", "--to", publication.build)
    assert forward.returncode == 0 and fetch(live_deployment.base + "/partners/stichting-terugweg/")[0] == 200
    editor_commits(live_deployment.editor, {"content/partners/kapot.md": None}, "Het foute record weer weg")
