"""The reviewer in Chromium: log in, walk an application through every state, publish, build; axe on the admin."""

import os
import re
from pathlib import Path

import pytest

from formhandler import queue
from formhandler.states import FORWARD
from tests.browser import ARTIFACTS, axe_violations, describe, screenshot
from tests.conftest import ROOT, run_pelican
from tests.formhandler.helpers import (
    PASSWORD,
    USERNAME,
    add_change,
    add_item,
    db_session,
    write_partners,
)
from tests.live import reviewer_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The app with a reviewer on a real loopback server, with a content folder the publish step writes into."""
    server = reviewer_server(tmp_path_factory.mktemp("reviewer"))
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
    content = live.app.config["CONTENT_DIR"]
    with db_session(live.app) as session:
        item_id = add_item(
            session,
            logo="png",
            organisation_name="Gemeente Rookvrijstad",
            organisation_type="overheid",
            website="https://www.rookvrijstad.example.nl",
        ).id
    log_in(page, live)
    assert page.get_by_role("link", name="Gemeente Rookvrijstad").count() >= 1
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.get_by_role("link", name="Gemeente Rookvrijstad").first.click()
    assert page.locator("img[src$='/logo']").count() == 1

    state = "nieuw"
    while state in FORWARD:
        target = FORWARD[state]
        # The next step is the primary button; it opens the step page, where the reviewer confirms.
        page.locator(f".admin-actions a.button[href$='/stap/{target}']:not(.button-secondary)").click()
        page.locator("#step-note").fill(f"Stap naar {target}")
        if target == "getekend":
            violations = axe_violations(page)
            assert violations == [], describe(violations)
        page.locator(".admin-step button[type=submit]").click()
        page.wait_for_url(f"{live.url}/beheer/{item_id}")
        assert page.locator(f"text=Stap naar {target}").count() >= 1  # the note is in the history
        state = target
        if state == "getekend":
            violations = axe_violations(page)
            assert violations == [], describe(violations)
            screenshot(page, "admin-detail-getekend")
    assert state == "gepubliceerd"

    record = Path(content) / "partners" / "gemeente-rookvrijstad.md"
    assert record.is_file() and (Path(content) / "logos" / "gemeente-rookvrijstad.png").is_file()
    assert "jan.geheim@" not in record.read_text() and "Jansen" not in record.read_text()
    out = run_pelican(Path(content), tmp_path / "rebuilt")
    wall = (out / "partners" / "index.html").read_text()
    assert "Gemeente Rookvrijstad" in wall and "/partners/gemeente-rookvrijstad/" in wall
    with db_session(live.app) as session:
        assert queue.get(session, item_id).state == "gepubliceerd"


def test_admin_pages_have_no_axe_violations(page, live):
    with db_session(live.app) as session:
        item_id = add_item(session, logo="png", suspect_reasons=["Veel links in de motivatie"]).id
    page.goto(f"{live.url}/beheer/inloggen")
    page.fill("#username", "niemand")
    page.fill("#password", "verkeerd wachtwoord")
    with page.expect_navigation():
        page.click("button[type=submit]")
    # site.js moves the focus to the error summary once the page has loaded.
    page.wait_for_function("document.activeElement.hasAttribute('data-error-summary')", timeout=5000)
    violations = {"login met fout": axe_violations(page)}
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live.url}/beheer/")
    for name, path in (
        ("lijst", "/beheer/"),
        ("detail", f"/beheer/{item_id}"),
        ("publicatie", f"/beheer/{item_id}/publicatie"),
    ):
        page.goto(live.url + path)
        violations[name] = axe_violations(page)
    page.goto(f"{live.url}/beheer/{item_id}")
    screenshot(page, "admin-detail")
    assert page.evaluate("document.querySelector('img.admin-logo').naturalWidth") == 40
    assert not any(violations.values()), {k: describe(v) for k, v in violations.items() if v}


DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else ARTIFACTS
# Every word of the queue list that is wider than its cell: a list that breaks words letter by letter.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('.admin-queue caption, .admin-queue tbody th, .admin-queue tbody td')) {
    for (const word of cell.innerText.split(/\\s+/).filter(Boolean)) {
      const probe = document.createElement('span');
      probe.style.cssText = 'white-space: nowrap; position: absolute; font: ' + getComputedStyle(cell).font;
      probe.textContent = word;
      document.body.appendChild(probe);
      if (probe.getBoundingClientRect().width > cell.clientWidth + 1) broken.push(word);
      probe.remove();
    }
  }
  return broken;
}"""


@pytest.fixture(scope="module")
def mixed_queue(live):
    """Applications with long Dutch names, one with a phone number, and a name change for a partner on disk."""
    content = Path(live.app.config["CONTENT_DIR"])
    for folder in ("partners", "logos"):
        (content / folder).mkdir(exist_ok=True)
    write_partners(content)
    with db_session(live.app) as session:
        name = "Gezondheidsdienst voor Jeugdgezondheidszorg Noord"
        application = add_item(session, organisation_name=name, city="Leeuwarden").id
        add_item(
            session, "in_behandeling", organisation_name="Sportvereniging Rookvrije Generatie", email="s@example.org"
        )
        return application, add_change(session, content, "naam").id


@pytest.mark.parametrize("width", [320, 1280])
def test_the_queue_list_reads_at_phone_and_desktop_width(browser, live, mixed_queue, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = context.new_page()
    try:
        log_in(page, live)
        assert page.evaluate(BROKEN_WORDS) == []
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        caption = page.locator(".admin-queue caption").inner_text()  # other tests of the module add applications
        assert re.fullmatch(r"\d+ aanmeldingen en 1 wijzigingsverzoek, nieuwste eerst", caption), caption
        assert not axe_violations(page), describe(axe_violations(page))
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"admin-lijst-{width}.png"), full_page=True)
        if width == 1280:
            application, change = mixed_queue
            page.goto(f"{live.url}/beheer/{application}")
            assert page.locator("dt:text('Telefoon') + dd").inner_text() == "030 123 4567"
            page.screenshot(path=str(DOCS_SCREENSHOTS / "admin-detail-1280.png"), full_page=True)
            page.goto(f"{live.url}/beheer/{change}")
            diff = page.locator("pre.admin-diff")
            assert diff.locator("del").first.text_content() == "[weg: Oude]"  # the hidden words are read too
            assert diff.locator("ins").first.text_content() == "[nieuw: Nieuwe]"
            assert not axe_violations(page), describe(axe_violations(page))
            page.locator("#change-title").scroll_into_view_if_needed()
            page.screenshot(path=str(DOCS_SCREENSHOTS / "admin-wijziging-1280.png"), full_page=True)
    finally:
        context.close()
