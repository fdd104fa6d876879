"""The live deployment of the publishing tests: nginx serving the live link, gunicorn publishing through git.

Plain code; the test modules make their module-scoped fixture from `live_deployment`.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path

from formhandler import create_app, publishing, queue
from formhandler.publishing.live import LiveSite
from tests.deploy_fixtures import flask_command, production_env, require_nginx, start_gunicorn, start_nginx, stop
from tests.formhandler.helpers import SECRET, add_item, db_session
from tests.site_repository import clone, make_site_repository

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


@contextlib.contextmanager
def live_deployment(tmp: Path) -> Iterator[LiveDeployment]:
    """The real content in a site repository; its first live build; gunicorn and nginx in front of it."""
    require_nginx()
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
