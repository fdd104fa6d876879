"""The live site through nginx: publishing through git builds and switches the served folder in one rename.

A reader polling the wall during publications and rollbacks never gets a 404 or half a page; a broken build
keeps the old site; rollback restores the previous one. The bureau's journey in a browser: test_live_site_browser.py.
"""

from __future__ import annotations

import hashlib
import threading

import pytest

from tests.deploy.live_deployment import live_deployment, publish_new_partner
from tests.deploy_fixtures import fetch, flask_command, production_env
from tests.site_repository import editor_commits

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """nginx and gunicorn publishing through git, for this module."""
    with live_deployment(tmp_path_factory.mktemp("live")) as running:
        yield running


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


def test_a_reader_never_sees_a_missing_or_half_page_while_the_site_switches(deployment):
    reader = Reader(deployment.base)
    reader.start()
    try:
        published = [publish_new_partner(deployment, f"Stichting Wisselwerking {n}") for n in (1, 2)]
        assert all(p.build and not p.build_error for p in published)
        live = deployment.live()
        newest, before = published[-1].build, published[0].build
        for _ in range(60):  # back and forth as fast as rollback can switch
            live.rollback(before)
            live.rollback(newest)
    finally:
        reader.stop()
    assert reader.bad == [] and reader.answers >= 100, (reader.answers, reader.bad[:3])
    assert len(reader.walls) >= 2  # the reader did see the wall change
    status, _h, body = fetch(deployment.base + "/partners/stichting-wisselwerking-2/")
    assert status == 200 and b"Stichting Wisselwerking 2" in body


def test_a_broken_build_keeps_the_site_and_rollback_restores_the_previous(deployment):
    env = production_env(deployment.database, **deployment.settings)
    publication = publish_new_partner(deployment, "Stichting Terugweg")
    assert fetch(deployment.base + "/partners/stichting-terugweg/")[0] == 200
    broken = "Title: Kapot\nSlug: kapot\nType: vereniging\nSince: 2024-01-01\n\nKapot.\n"
    editor_commits(deployment.editor, {"content/partners/kapot.md": broken}, "Een fout record")
    failed = flask_command(env, "site", "build")
    assert failed.returncode == 1 and "content/partners/kapot.md:3: Type: moet een van deze zijn" in failed.stderr
    assert fetch(deployment.base + "/partners/stichting-terugweg/")[0] == 200  # still the last good site
    assert fetch(deployment.base + "/partners/kapot/")[0] == 404

    rolled = flask_command(env, "site", "rollback")
    assert rolled.returncode == 0, rolled.stderr
    assert fetch(deployment.base + "/partners/stichting-terugweg/")[0] == 404
    assert fetch(deployment.base + "/partners/")[0] == 200
    forward = flask_command(env, "site", "rollback", "--to", publication.build)
    assert forward.returncode == 0 and fetch(deployment.base + "/partners/stichting-terugweg/")[0] == 200
    editor_commits(deployment.editor, {"content/partners/kapot.md": None}, "Het foute record weer weg")
