"""The applicant's journey in Chromium: keyboard only, errors with focus, correction, thanks page."""

import pytest
from sqlalchemy import select

from formhandler.models import Submission
from tests.browser import axe_violations, describe, screenshot
from tests.conftest import ROOT, run_pelican
from tests.formhandler.helpers import raster
from tests.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Site + form + admin on a real loopback server with SQLite, as `make run` serves them."""
    base = tmp_path_factory.mktemp("applicant")
    site = run_pelican(ROOT / "content", base / "output")
    server = LiveServer(
        {"DATABASE_URL": f"sqlite:///{base / 'q.sqlite3'}", "SITE_DIR": str(site), "CONTENT_DIR": str(base / "content")}
    )
    yield server
    server.stop()


def focused(page) -> dict:
    return page.evaluate(
        "({name: document.activeElement.name, value: document.activeElement.value,"
        " summary: document.activeElement.hasAttribute('data-error-summary')})"
    )


def tab_to(page, name: str, value: str | None = None, limit: int = 120) -> None:
    """Press Tab until the field `name` (with `value`, for a checkbox or radio) has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["name"] == name and (value is None or now["value"] == value):
            return
    pytest.fail(f"could not reach {name}={value} with the keyboard")


def choose_radio(page, name: str, value: str) -> None:
    """Tab into a radio group, then move with the arrow keys (which also select) to `value`."""
    tab_to(page, name)
    for _ in range(10):
        if focused(page)["value"] == value:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"could not choose {name}={value} with the arrow keys")


def fill_by_keyboard(page, email: str) -> None:
    """Fill every required field with Tab, typing, Space and the arrow keys only."""
    page.locator("body").focus()
    tab_to(page, "organisation_name")
    page.keyboard.type("Gemeente Toetsenbord")
    choose_radio(page, "organisation_type", "overheid")
    tab_to(page, "website")
    page.keyboard.type("https://www.toetsenbord.example.nl")
    tab_to(page, "city")
    page.keyboard.type("Utrecht")
    tab_to(page, "contact_name")
    page.keyboard.type("Anna de Vries")
    tab_to(page, "contact_role")
    page.keyboard.type("Beleidsadviseur")
    tab_to(page, "email")
    page.keyboard.type(email)
    choose_radio(page, "offers_stop_support", "nee")
    for slug in [
        "missie",
        "bijdrage",
        "mede-afzender",
        "overeenkomst",
        "alliantiedagen",
        "transparantie",
        "afbreukrisico",
        "geen-tabaksindustrie",
        "vertrouwelijkheid",
    ]:
        tab_to(page, "criteria", slug)
        page.keyboard.press("Space")
    tab_to(page, "contributions", "kennis")
    page.keyboard.press("Space")
    tab_to(page, "contribution_text")
    page.keyboard.type("Wij delen kennis over rookvrije speelplekken.")
    tab_to(page, "motivation")
    page.keyboard.type("Wij willen dat kinderen in onze gemeente rookvrij opgroeien.")
    tab_to(page, "privacy_consent")
    page.keyboard.press("Space")


def test_empty_form_has_no_axe_violations(page, live):
    page.goto(f"{live.url}/aanmelden/")
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    screenshot(page, "form-empty")


def test_applicant_fills_by_keyboard_fixes_an_error_and_is_thanked(page, live, tmp_path):
    page.goto(f"{live.url}/aanmelden/")
    fill_by_keyboard(page, "anna@@voorbeeld")
    logo = tmp_path / "logo.png"
    logo.write_bytes(raster("png", (240, 80), (11, 93, 80)))
    page.set_input_files("input[name=logo]", str(logo))  # a file chooser is the one step a script cannot type
    for _ in range(10):  # from the last field to the submit button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert focused(page)["summary"], "the error summary must receive focus"
    summary = page.locator("[data-error-summary]")
    assert "E-mailadres" in summary.inner_text() or "e-mailadres" in summary.inner_text()
    assert page.locator("input[name=organisation_name]").input_value() == "Gemeente Toetsenbord"
    assert page.locator("input[name=criteria][value=missie]").is_checked()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    screenshot(page, "form-with-errors")

    summary.locator("a").first.press("Enter")  # the summary links jump to the field
    page.keyboard.press("Control+A")
    page.keyboard.type("anna@voorbeeld.nl")
    page.set_input_files("input[name=logo]", str(logo))
    page.locator("button[type=submit]").press("Enter")
    page.wait_for_url(f"{live.url}/aanmelden/bedankt/")
    assert "bedankt" in page.locator("h1").inner_text().lower()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    screenshot(page, "form-thanks")

    with live.app.extensions["formhandler.sessionmaker"]() as session:
        item = session.scalar(select(Submission).where(Submission.email == "anna@voorbeeld.nl"))
        assert item is not None and item.state == "nieuw"
        assert item.logo is not None and item.logo.kind == "png"
        assert item.criteria[:2] == ["missie", "bijdrage"]
    assert all(url.startswith(live.url) for url in page.requests_made)
