"""The change-request form in Chromium: empty, with errors, corrected and thanked; axe finds nothing."""

import shutil

import pytest
from sqlalchemy import select

from formhandler.models import Submission
from tests.browser import axe_violations, describe, screenshot
from tests.conftest import ROOT, run_pelican
from tests.formhandler.helpers import write_partners
from tests.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Site + form on a real loopback server, with one partner that can ask for a change."""
    base = tmp_path_factory.mktemp("change")
    content = base / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    (content / "partners").mkdir()
    (content / "logos").mkdir()
    write_partners(content)
    site = run_pelican(content, base / "output")
    server = LiveServer(
        {"DATABASE_URL": f"sqlite:///{base / 'q.sqlite3'}", "SITE_DIR": str(site), "CONTENT_DIR": str(content)}
    )
    yield server
    server.stop()


def assert_no_violations(page, name: str) -> None:
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    screenshot(page, name)


def test_change_form_empty_with_errors_and_thanks(page, live):
    page.goto(f"{live.url}/aanmelden/wijziging/")
    assert page.locator("select[name=partner] option").all_inner_texts() == [
        "Kies uw organisatie",
        "Stichting Oude Naam",
    ]
    assert_no_violations(page, "change-form-empty")

    page.select_option("select[name=partner]", "stichting-oude-naam")
    page.check("input[name=changes][value=naam]")
    page.fill("input[name=contact_name]", "Petra de Vries")
    page.fill("input[name=contact_role]", "Communicatie")
    page.fill("input[name=email]", "petra@@oud")
    page.check("input[name=privacy_consent]")
    with page.expect_navigation():
        page.locator("button[type=submit]").click()

    summary = page.locator("[data-error-summary]")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')"), "summary must get focus"
    assert "Vul de nieuwe naam van uw organisatie in." in summary.inner_text()
    assert "geldig e-mailadres" in summary.inner_text()
    assert page.locator("input[name=contact_name]").input_value() == "Petra de Vries"
    assert page.locator("select[name=partner]").input_value() == "stichting-oude-naam"
    assert page.locator("input[name=new_name]").get_attribute("aria-invalid") == "true"
    assert_no_violations(page, "change-form-errors")

    page.fill("input[name=new_name]", "Stichting Nieuwe Naam")
    page.fill("input[name=email]", "petra@oud.example.nl")
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{live.url}/aanmelden/wijziging/bedankt/")
    assert "Bedankt voor uw wijziging" in page.locator("h1").inner_text()
    assert_no_violations(page, "change-form-thanks")

    with live.app.extensions["formhandler.sessionmaker"]() as session:
        item = session.scalar(select(Submission))
        assert (item.kind, item.target_slug, item.requested) == (
            "wijziging",
            "stichting-oude-naam",
            {"Title": "Stichting Nieuwe Naam"},
        )
    assert all(url.startswith(live.url) for url in page.requests_made)
