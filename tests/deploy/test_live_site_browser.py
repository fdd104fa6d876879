"""The bureau in Chromium through nginx: publish a signed application, see it on the wall, edit it, see it live.

Nothing is typed in a terminal: the reviewer only clicks in the admin; nginx serves what the live build made.
Every admin page on the way is checked with axe (zero violations).
"""

from __future__ import annotations

import pytest

from tests.browser import axe_violations, describe, screenshot
from tests.deploy.live_deployment import live_deployment
from tests.deploy_fixtures import fetch, flask_command, production_env
from tests.formhandler.helpers import add_item, db_session

pytestmark = [pytest.mark.slow, pytest.mark.browser]
REVIEWER, PASSWORD = "reviewer.live", "een lange zin als wachtwoord voor de live site"
ORGANISATION = "Gemeente Achter De Link"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """nginx and gunicorn publishing through git, with a reviewer made by the operator's command."""
    with live_deployment(tmp_path_factory.mktemp("live-browser")) as running:
        env = production_env(running.database, **running.settings)
        added = flask_command(env, "user", "add", REVIEWER, "--password-stdin", input=PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
        yield running


@pytest.fixture(scope="module")
def signed(deployment) -> int:
    """The number of a signed application, ready to publish."""
    app = deployment.app()
    with app.app_context(), db_session(app) as session:
        item_id = add_item(session, "getekend", "svg", organisation_name=ORGANISATION, organisation_type="overheid").id
    app.extensions["formhandler.engine"].dispose()
    return item_id


def no_violations(page, name: str) -> None:
    """axe finds nothing on the page; a screenshot to look at."""
    screenshot(page, name)
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_bureau_publishes_and_edits_a_partner_and_the_live_site_follows(page, deployment, signed):
    base = deployment.base
    page.goto(base + "/beheer/")
    page.get_by_label("Gebruikersnaam").fill(REVIEWER)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(base + "/beheer/")

    page.goto(f"{base}/beheer/{signed}")
    page.get_by_role("link", name="Publicatie bekijken (record en logo)").click()
    page.get_by_role("link", name="Partnerrecord bewerken").click()
    page.get_by_label("Korte omschrijving").fill("Te lang. " * 30)
    page.get_by_role("button", name="Bewaren en de publicatie bekijken").click()
    assert (
        "De korte omschrijving mag hoogstens 200 tekens lang zijn (nu 269)."
        in page.locator("#summary-error").inner_text()
    )
    assert page.locator("#summary").get_attribute("aria-invalid") == "true"
    no_violations(page, "admin-record-edit-error")
    page.get_by_label("Korte omschrijving").fill("Een rookvrije gemeente voor elk kind.")
    page.get_by_role("button", name="Bewaren en de publicatie bekijken").click()
    assert "Summary: Een rookvrije gemeente voor elk kind." in page.locator("pre.admin-record").inner_text()
    no_violations(page, "admin-publication")

    page.get_by_role("link", name="Verder naar publiceren").click()
    page.get_by_role("button", name="Ja, nu publiceren").click()
    page.wait_for_load_state()
    assert "vastgelegd in commit" in page.locator(".admin-flashes").inner_text()
    assert page.get_by_role("link", name="https://www.example.test/partners/gemeente-achter-de-link/").count() == 1
    no_violations(page, "admin-detail-published")

    wall = page.context.new_page()
    wall.goto(base + "/partners/")
    assert wall.get_by_role("link", name=ORGANISATION).count() >= 1
    wall.goto(base + "/partners/gemeente-achter-de-link/")
    assert "Een rookvrije gemeente voor elk kind." in wall.locator("main").inner_text()

    page.get_by_role("navigation", name="Beheer").get_by_role("link", name="Partners", exact=True).click()
    no_violations(page, "admin-partners")
    page.get_by_role("link", name=ORGANISATION).click()
    no_violations(page, "admin-partner")
    page.get_by_role("link", name="Bewerken of het partnerschap beëindigen").click()
    page.get_by_label("Einde partnerschap").fill("2000-01-01")
    page.get_by_role("button", name="Verschil bekijken").click()
    assert "De einddatum ligt vóór het begin van het partnerschap" in page.locator("#until-error").inner_text()
    no_violations(page, "admin-partner-edit-error")
    page.get_by_label("Einde partnerschap").fill("")
    page.get_by_label("Korte omschrijving").fill("Rookvrij spelen, sporten en opgroeien.")
    page.get_by_role("button", name="Verschil bekijken").click()
    assert "Rookvrij spelen, sporten en opgroeien." in page.locator("pre.admin-diff ins").last.inner_text()
    no_violations(page, "admin-partner-diff")
    page.get_by_role("button", name="Opslaan en publiceren").click()
    page.wait_for_load_state()
    assert "vastgelegd in commit" in page.locator(".admin-flashes").inner_text()
    assert "Bewerkt: samenvatting" in page.locator("#history-title + .admin-table-wrap").inner_text()

    wall.goto(base + "/partners/gemeente-achter-de-link/")
    assert "Rookvrij spelen, sporten en opgroeien." in wall.locator("main").inner_text()
    assert fetch(base + "/partners/gemeente-achter-de-link/")[0] == 200
    assert all(url.startswith(base + "/") for url in page.requests_made), page.requests_made
