"""The procedure in Chromium: the applicant's status page and upload by keyboard, the reviewer's step pages (axe)."""

from __future__ import annotations

import pytest

from formhandler import queue, tokens
from formhandler.models import OutboxMessage, SignedAgreement
from tests.browser import axe_violations, describe, screenshot
from tests.formhandler.helpers import PASSWORD, USERNAME, add_item, db_session, rows
from tests.formhandler.test_status_views import big_binary_pdf
from tests.live import reviewer_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The app and the built site on a loopback server, with a reviewer and a content folder to publish into."""
    server = reviewer_server(tmp_path_factory.mktemp("procedure"))
    yield server
    server.stop()


def item_with_link(live, state: str, **overrides) -> tuple[int, str]:
    with live.app.app_context(), db_session(live.app) as session:
        item = add_item(session, state=state, **overrides)
        token = tokens.mint(session, item.id)
        session.commit()
        return item.id, token


def state_of(live, item_id: int) -> str:
    with db_session(live.app) as session:
        return queue.get(session, item_id).state


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_applicant_sends_the_signed_agreement_by_keyboard(page, live, tmp_path):
    item_id, token = item_with_link(live, "stukken_verstuurd", organisation_name="Stichting Toetsenbord")
    page.goto(f"{live.url}/aanmelden/status/?code={token}")
    assert page.url == f"{live.url}/aanmelden/status/"  # the token has left the address bar
    assert page.get_by_role("heading", name="De status van uw aanmelding").is_visible()
    assert page.locator('[aria-current="step"]').inner_text().startswith("Partnerovereenkomst verstuurd")
    assert_accessible(page)
    screenshot(page, "status-page")

    signed = tmp_path / "getekend.pdf"
    signed.write_bytes(big_binary_pdf(200_000))
    for _ in range(60):  # Tab through the page until the file field has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "signed":
            break
    else:
        pytest.fail("the file field cannot be reached with Tab")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(signed))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Getekende overeenkomst versturen"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Wij hebben de getekende overeenkomst ontvangen").is_visible()
    assert_accessible(page)
    screenshot(page, "status-page-received")
    assert [d.submission_id for d in rows(live.app, SignedAgreement)] == [item_id]
    assert not [r for r in page.requests_made if not r.startswith(live.url)]


def test_a_refused_upload_is_announced_at_the_field(page, live, tmp_path):
    _item_id, token = item_with_link(live, "stukken_verstuurd", organisation_name="Stichting Verkeerd Bestand")
    page.goto(f"{live.url}/aanmelden/status/?code={token}")
    wrong = tmp_path / "overeenkomst.pdf"
    wrong.write_text("<html>geen pdf</html>")
    page.get_by_label("De getekende overeenkomst").set_input_files(str(wrong))
    with page.expect_navigation():
        page.get_by_role("button", name="Getekende overeenkomst versturen").click()
    summary = page.locator("[data-error-summary]")
    assert "Dit bestand is geen PDF, PNG of JPEG." in summary.inner_text()
    page.wait_for_function("document.activeElement && document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_label("De getekende overeenkomst").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    screenshot(page, "status-page-refused")


def test_the_resend_form_is_accessible(page, live):
    page.goto(f"{live.url}/aanmelden/status/")
    assert_accessible(page)
    page.get_by_label("Uw e-mailadres").fill("iemand@example.org")
    page.get_by_role("button", name="Stuur mij mijn link opnieuw").click()
    assert page.get_by_text("Is dit e-mailadres bij ons bekend").is_visible()
    assert_accessible(page)


def log_in(page, live) -> None:
    page.goto(f"{live.url}/beheer/inloggen")
    page.get_by_label("Gebruikersnaam").fill(USERNAME)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live.url}/beheer/")


def test_the_reviewer_edits_the_message_on_the_step_page(page, live):
    item_id, _token = item_with_link(live, "in_behandeling", organisation_name="Stichting Voorbeeldbericht")
    log_in(page, live)
    page.goto(f"{live.url}/beheer/{item_id}")
    page.get_by_role("link", name="Stukken versturen").click()
    assert page.url == f"{live.url}/beheer/{item_id}/stap/stukken_verstuurd"
    assert page.get_by_label("Onderwerp").input_value() == "De partnerovereenkomst voor Stichting Voorbeeldbericht"
    assert page.get_by_label("Dit bericht versturen").is_checked()
    assert page.get_by_role("link", name=f"partnerovereenkomst-{item_id}.pdf").is_visible()
    assert_accessible(page)
    screenshot(page, "admin-step-stukken")
    text = page.get_by_label("Tekst")
    text.fill(text.input_value().replace("Goedendag,", "Beste mevrouw De Vries,"))
    page.get_by_role("button", name="Stukken versturen").click()
    page.wait_for_url(f"{live.url}/beheer/{item_id}")
    assert page.get_by_text("De status is nu ‘Stukken verstuurd’.").is_visible()
    assert state_of(live, item_id) == "stukken_verstuurd"
    (mail,) = [m for m in rows(live.app, OutboxMessage) if m.submission_id == item_id]
    assert mail.body.startswith("Beste mevrouw De Vries,") and len(mail.attachments) == 1


@pytest.mark.parametrize("javascript", [True, False], ids=["met-js", "zonder-js"])
@pytest.mark.parametrize(
    "start, target, button, confirm",
    [
        ("nieuw", "afgewezen", "Afwijzen", "Ja, afwijzen"),
        ("in_behandeling", "ingetrokken", "Intrekken", "Ja, intrekken"),
        ("nieuw", "spam", "Spam", "Ja, als spam afsluiten"),
        ("getekend", "gepubliceerd", "Publiceren", "Ja, nu publiceren"),
    ],
)
def test_consequential_steps_ask_for_confirmation(browser, live, javascript, start, target, button, confirm):
    context = browser.new_context(
        java_script_enabled=javascript, locale="nl-NL", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        name = f"Stichting {target.title()} {'Met' if javascript else 'Zonder'} Script"
        item_id, _token = item_with_link(live, start, organisation_name=name, logo="png")
        log_in(page, live)
        page.goto(f"{live.url}/beheer/{item_id}")
        link = page.get_by_role("link", name=button, exact=True)
        assert "button-danger" in link.get_attribute("class")
        link.click()
        page.wait_for_url(f"{live.url}/beheer/{item_id}/stap/{target}")
        assert state_of(live, item_id) == start  # the button only led to the confirmation
        assert page.get_by_role("heading", name="Wat er gebeurt").is_visible()
        if javascript:
            assert_accessible(page)
        screenshot(page, f"admin-confirm-{target}-{'js' if javascript else 'nojs'}")
        page.get_by_role("button", name=confirm).click()
        page.wait_for_url(f"{live.url}/beheer/{item_id}")
        assert state_of(live, item_id) == target
        assert page.locator(".admin-flash-success").is_visible()
    finally:
        context.close()
