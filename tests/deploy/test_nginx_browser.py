"""The visitor, applicant and reviewer journeys once more in Chromium, through nginx in front of gunicorn."""

from __future__ import annotations

import pytest

from tests.browser import axe_violations, describe
from tests.deploy_fixtures import flask_command, production_env

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REVIEWER, PASSWORD = "reviewer.nginx", "een lange zin als wachtwoord voor nginx"
ORGANISATION = "Gemeente Achter Nginx"


@pytest.fixture(scope="module", autouse=True)
def browser_env():
    """Environment for the gunicorn that `deployment` starts (autouse, so it is set before that fixture runs).

    MIN_FILL_SECONDS=0: the script fills the form at once. Everything else is production: DEVELOPMENT is
    off, so the session cookie is Secure. Chromium counts http://127.0.0.1 as a trustworthy origin and
    stores and sends Secure cookies there, so no FORMHANDLER_SESSION_COOKIE_SECURE=false is needed (and
    setting it would test a configuration no operator runs); the reviewer test asserts the flag.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FORMHANDLER_MIN_FILL_SECONDS", "0")
        yield


@pytest.fixture(scope="module")
def reviewer(deployment):
    """A reviewer made with the operator's command, against the database gunicorn uses."""
    env = production_env(f"sqlite:///{deployment.tmp}/q.sqlite3")
    result = flask_command(env, "user", "add", REVIEWER, "--password-stdin", input=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    return REVIEWER


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/", "Samen voor een rookvrije generatie"),
        ("/partners/", "Onze partners"),
        ("/partners/longfonds/", "Longfonds"),
    ],
)
def test_visitor_pages_load_from_nginx_alone(page, deployment, path, heading):
    response = page.goto(deployment + path)
    assert response.status == 200
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert heading in page.locator("h1").inner_text()
    assert page.console_errors == []  # a CSP violation would show up here
    assert page.requests_made and all(url.startswith(deployment + "/") for url in page.requests_made), (
        page.requests_made
    )


def test_wall_through_nginx_has_no_axe_violations(page, deployment):
    page.goto(deployment + "/partners/")
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def fill_application(page) -> None:
    """A valid application; keyboard-only filling is covered by test_applicant_browser."""
    page.fill("input[name=organisation_name]", ORGANISATION)
    page.check("input[name=organisation_type][value=overheid]")
    page.fill("input[name=website]", "https://www.achternginx.example.nl")
    page.fill("input[name=city]", "Utrecht")
    page.fill("input[name=contact_name]", "Anna de Vries")
    page.fill("input[name=contact_role]", "Beleidsadviseur")
    page.fill("input[name=email]", "anna@achternginx.example.nl")
    page.check("input[name=offers_stop_support][value=nee]")
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
        page.check(f"input[name=criteria][value={slug}]")
    page.check("input[name=contributions][value=kennis]")
    page.fill("textarea[name=contribution_text]", "Wij delen kennis over rookvrije speelplekken.")
    page.fill("textarea[name=motivation]", "Wij willen dat kinderen in onze gemeente rookvrij opgroeien.")
    page.check("input[name=privacy_consent]")


def test_applicant_then_reviewer_through_nginx(page, browser, deployment, reviewer):
    page.goto(deployment + "/aanmelden/")
    fill_application(page)
    page.locator("button[type=submit]").click()
    page.wait_for_url(deployment + "/aanmelden/bedankt/")
    assert "bedankt" in page.locator("h1").inner_text().lower()
    assert all(url.startswith(deployment + "/") for url in page.requests_made), page.requests_made

    # The reviewer is someone else, in a browser context of their own.
    context = browser.new_context(locale="nl-NL")
    try:
        admin = context.new_page()
        admin.goto(deployment + "/beheer/")
        assert admin.url.startswith(deployment + "/beheer/inloggen")
        admin.get_by_label("Gebruikersnaam").fill(reviewer)
        admin.get_by_label("Wachtwoord").fill(PASSWORD)
        admin.get_by_role("button", name="Inloggen").click()
        admin.wait_for_url(deployment + "/beheer/")
        assert admin.get_by_role("link", name=ORGANISATION).count() == 1
        cookie = next(c for c in context.cookies() if c["name"] == "alliantie_sessie")
        assert cookie["httpOnly"] and cookie["secure"]  # production cookie, over loopback HTTP (see browser_env)
    finally:
        context.close()
