"""Fixtures of the admin and login tests: a reviewer, a logged-in client, queue items."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from formhandler import create_app
from formhandler.auth import create_user
from partners.criteria import CRITERIA, CRITERIA_HASH
from partners.logos import Logo as CheckedLogo

USERNAME = "reviewer.anna"
PASSWORD = "een lange zin als wachtwoord"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_RE.search(html)
    assert match, "no csrf_token on the page"
    return match.group(1)


def db_session(app):
    """A database session outside a request."""
    return app.extensions["formhandler.sessionmaker"]()


def add_user(app, username: str = USERNAME, password: str = PASSWORD):
    """Create a reviewer through the real create_user."""
    with db_session(app) as session:
        return create_user(session, username, password)


def login(client, username: str = USERNAME, password: str = PASSWORD, next_url: str | None = None, **kwargs):
    """Log in through the real form: read its CSRF token, then post."""
    page = client.get("/beheer/inloggen", **kwargs)
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/beheer/inloggen", data=data, **kwargs)


def post_form(client, page_url: str, action: str, data: dict):
    """Post `data` to `action` with the CSRF token of `page_url`, as a browser would."""
    token = csrf_from(client.get(page_url).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})


def submission_data(**overrides) -> dict:
    """Every Submission column the model requires, filled with a valid application."""
    data = dict(
        organisation_name="Stichting Frisse Lucht",
        organisation_type="maatschappelijke-organisatie",
        website="https://frisselucht.example.org",
        kvk_number="12345678",
        city="Utrecht",
        contact_name="Jan Jansen",
        contact_role="Directeur",
        email="jan@frisselucht.example.org",
        phone="",
        offers_stop_support=False,
        criteria=[c for c in CRITERIA if c != "stopondersteuning"],
        criteria_hash=CRITERIA_HASH,
        company_acknowledged=False,
        contributions=["kennis", "netwerk"],
        contribution_text="Wij delen kennis.",
        motivation="Wij willen een rookvrije generatie.",
    )
    data.update(overrides)
    return data


def png_logo(width: int = 40, height: int = 20) -> CheckedLogo:
    """A small real PNG, as the logo checks would hand it over."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (11, 93, 80)).save(buffer, "PNG")
    return CheckedLogo(buffer.getvalue(), "png", width, height)


def add_item(app, logo: CheckedLogo | None = None, state: str = "nieuw", **overrides) -> int:
    """Put one submission in the queue; returns its id."""
    from formhandler import queue

    with db_session(app) as session:
        item, created = queue.add_submission(session, submission_data(**overrides), logo, state=state)
        assert created
        return item.id


@pytest.fixture
def reviewer(app):
    """A reviewer account (no default account exists)."""
    return add_user(app)


@pytest.fixture
def admin_client(app, reviewer):
    """A test client logged in as the reviewer through the real login form."""
    client = app.test_client()
    response = login(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def make_app(app_config):
    """Build an app from app_config with overrides (e.g. rate limits on, CSRF off)."""
    apps = []

    def make(**overrides):
        application = create_app({**app_config, **overrides})
        apps.append(application)
        return application

    yield make
    for application in apps:
        application.extensions["formhandler.engine"].dispose()
