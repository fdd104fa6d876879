"""The reviewer's journey in Chromium: log in, walk an application through every state, publish, build."""

import shutil

import pytest

from formhandler.states import FORWARD

from .admin_fixtures import PASSWORD, USERNAME, add_item, add_user, png_logo
from .browser import axe_violations, describe, screenshot
from .conftest import ROOT, run_pelican
from .live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path):
    """The app on a real loopback server with a content folder the publish step writes into."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    site = run_pelican(content, tmp_path / "site")
    server = LiveServer(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}", "SITE_DIR": str(site), "CONTENT_DIR": str(content)}
    )
    add_user(server.app)
    yield server
    server.stop()


def log_in(page, live):
    page.goto(f"{live.url}/beheer/")
    assert "/beheer/inloggen" in page.url  # not logged in yet: the admin sends us to the login page
    page.get_by_label("Gebruikersnaam").fill(USERNAME)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live.url}/beheer/")


def test_reviewer_moves_an_application_to_the_wall(page, live, tmp_path):
    item_id = add_item(
        live.app,
        logo=png_logo(300, 100),
        organisation_name="Gemeente Rookvrijstad",
        organisation_type="overheid",
        website="https://www.rookvrijstad.example.nl",
    )
    log_in(page, live)
    assert page.get_by_role("link", name="Gemeente Rookvrijstad").count() >= 1
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.get_by_role("link", name="Gemeente Rookvrijstad").first.click()
    assert page.locator("img[src$='/logo']").count() == 1

    state = "nieuw"
    while state in FORWARD and FORWARD[state] != "gepubliceerd":
        target = FORWARD[state]
        page.locator("#status-note").fill(f"Stap naar {target}")
        page.locator(f"button[name=target][value={target}]").click()
        page.wait_for_load_state()
        assert page.locator(f"text=Stap naar {target}").count() >= 1  # the note is in the history
        state = target
    assert state == "getekend"
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    screenshot(page, "admin-detail-getekend")

    page.get_by_role("link", name="Publicatie bekijken en publiceren").click()
    assert "Title: Gemeente Rookvrijstad" in page.content()
    page.get_by_role("button", name="Nu publiceren").click()
    page.wait_for_load_state()

    record = tmp_path / "content" / "partners" / "gemeente-rookvrijstad.md"
    assert record.is_file() and (tmp_path / "content" / "logos" / "gemeente-rookvrijstad.png").is_file()
    assert "jan@" not in record.read_text() and "Jan Jansen" not in record.read_text()
    out = run_pelican(tmp_path / "content", tmp_path / "rebuilt")
    wall = (out / "partners" / "index.html").read_text()
    assert "Gemeente Rookvrijstad" in wall and "/partners/gemeente-rookvrijstad/" in wall
    with live.app.extensions["formhandler.sessionmaker"]() as session:
        from formhandler import queue

        assert queue.get(session, item_id).state == "gepubliceerd"
