"""The accounts page in Chromium: a colleague disabled and enabled, a refused and an accepted password; axe."""

import pytest

from tests.browser import axe_violations, describe, screenshot
from tests.conftest import ROOT, run_pelican
from tests.formhandler.helpers import PASSWORD, USERNAME, add_user, store_with_mails
from tests.live import LiveServer

pytestmark = pytest.mark.browser
NEW_PASSWORD = "een heel ander lang wachtwoord"


@pytest.fixture
def live(tmp_path):
    """The app with two reviewers on a real loopback server, beside the built site (for its stylesheet)."""
    site = run_pelican(ROOT / "content", tmp_path / "site")
    server = LiveServer({"DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}", "SITE_DIR": str(site)})
    add_user(server.app)
    add_user(server.app, "bert.collega")
    yield server
    server.stop()


def no_violations(page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_accounts_page(page, live):
    page.goto(f"{live.url}/beheer/inloggen")
    page.get_by_label("Gebruikersnaam").fill(USERNAME)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Beheerders").click()
    page.wait_for_url(f"{live.url}/beheer/beheerders")
    assert page.get_by_role("heading", name="Beheerders", level=1).is_visible()
    no_violations(page)

    page.get_by_role("button", name="Uitschakelen: bert.collega").click()
    assert page.get_by_role("status").filter(has_text="Het account ‘bert.collega’ is uitgeschakeld").is_visible()
    assert page.get_by_role("row", name="bert.collega").get_by_text("uitgeschakeld", exact=True).is_visible()
    screenshot(page, "beheer-beheerders")
    no_violations(page)

    page.get_by_label("Huidig wachtwoord").fill(PASSWORD)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("kort")
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill("kort")
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    assert page.get_by_role("alert").filter(has_text="minstens 12 tekens").is_visible()
    assert page.get_by_label("Nieuw wachtwoord", exact=True).get_attribute("aria-invalid") == "true"
    screenshot(page, "beheer-beheerders-fout")
    no_violations(page)

    page.get_by_label("Huidig wachtwoord").fill(PASSWORD)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    assert page.get_by_role("status").filter(has_text="Uw wachtwoord is gewijzigd").is_visible()
    page.get_by_role("button", name="Inschakelen: bert.collega").click()
    assert page.get_by_role("status").filter(has_text="weer ingeschakeld").is_visible()
    no_violations(page)

    # Development only: the outbox as a page (this live server runs with DEVELOPMENT).
    store_with_mails(live.app)
    page.get_by_role("link", name="Postvak").click()
    page.wait_for_url(f"{live.url}/beheer/postvak")
    assert page.get_by_role("heading", name="Postvak (ontwikkeling)", level=1).is_visible()
    assert page.get_by_role("heading", name="Nieuwe aanmelding: Stichting Gezonde Wijk", level=2).is_visible()
    screenshot(page, "beheer-postvak")
    no_violations(page)
