"""Reviewer login: refusals, sessions that start fresh, expire and can be revoked, throttling, no open redirect."""

from __future__ import annotations

import logging
import time
import uuid

import pytest
from sqlalchemy import select

from formhandler.models import User
from tests.formhandler.helpers import PASSWORD, USERNAME, add_user, csrf_from, db_session, login

COOKIE = "alliantie_sessie"


def session_of(client) -> dict:
    with client.session_transaction() as sess:
        return dict(sess)


@pytest.mark.parametrize(
    "username, password, message",
    [
        (USERNAME, "helemaal niet het wachtwoord", "De gebruikersnaam of het wachtwoord klopt niet."),
        ("onbekend.account", PASSWORD, "De gebruikersnaam of het wachtwoord klopt niet."),
        (USERNAME, "", "Vul uw wachtwoord in."),
        ("", PASSWORD, "Vul uw gebruikersnaam in."),
        (USERNAME, "x" * 1025, "Het wachtwoord is te lang."),
    ],
)
def test_login_refused(app, reviewer, username, password, message):
    client = app.test_client()
    response = login(client, username, password)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert "user_id" not in session_of(client)


def test_login_starts_a_fresh_session(app, reviewer):
    client = app.test_client()
    client.get("/beheer/inloggen")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"  # session fixation: nothing may carry over
    before = client.get_cookie(COOKIE).value
    response = login(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/beheer/"
    assert client.get_cookie(COOKIE).value != before
    data = session_of(client)
    with db_session(app) as db:
        user_id = db.scalar(select(User.id).where(User.username == reviewer))
    assert "planted" not in data and data["user_id"] == user_id
    assert client.get("/beheer/").status_code == 200


def test_session_cookie_flags(app, reviewer):
    client = app.test_client()
    response = login(client)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/beheer/7", "/beheer/7"),
        ("/beheer/?state=nieuw", "/beheer/?state=nieuw"),
        ("https://evil.example/beheer/", "/beheer/"),
        ("//evil.example/beheer/", "/beheer/"),
        ("/beheer/\\evil", "/beheer/"),
        ("javascript:alert(1)", "/beheer/"),
        ("/aanmelden/", "/beheer/"),
        ("", "/beheer/"),
    ],
)
def test_next_is_never_an_open_redirect(app, reviewer, next_url, expected):
    response = login(app.test_client(), next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_protected_page_sends_to_login_with_next(client):
    response = client.get("/beheer/3")
    assert response.status_code == 302
    assert response.headers["Location"] == "/beheer/inloggen?next=/beheer/3"


def test_logout_voids_the_old_cookie_server_side(app, admin_client):
    old = admin_client.get_cookie(COOKIE).value
    page = admin_client.get("/beheer/").get_data(as_text=True)
    response = admin_client.post("/beheer/uitloggen", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/beheer/inloggen"
    replay = app.test_client()
    replay.set_cookie(COOKIE, old)
    response = replay.get("/beheer/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/beheer/inloggen")


@pytest.mark.parametrize(
    "key, age_seconds, live",
    [
        ("seen_at", 29 * 60, True),
        ("seen_at", 31 * 60, False),  # SESSION_IDLE_MINUTES = 30
        ("login_at", 9.9 * 3600, True),
        ("login_at", 10.1 * 3600, False),  # SESSION_MAX_HOURS = 10
    ],
)
def test_idle_timeout_and_absolute_lifetime(admin_client, key, age_seconds, live):
    with admin_client.session_transaction() as sess:
        sess[key] = time.time() - age_seconds
    response = admin_client.get("/beheer/")
    assert (response.status_code == 200) is live
    if not live:
        assert response.headers["Location"].startswith("/beheer/inloggen")
        page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Uw sessie is verlopen" in page


def test_activity_keeps_the_session_alive(admin_client):
    with admin_client.session_transaction() as sess:
        sess["seen_at"] = time.time() - 20 * 60
    assert admin_client.get("/beheer/").status_code == 200
    assert time.time() - session_of(admin_client)["seen_at"] < 5


@pytest.mark.parametrize("change", ["generation", "deleted", "garbage"])
def test_revoked_session_is_refused(app, admin_client, change):
    with db_session(app) as session:
        user = session.scalar(select(User).where(User.username == USERNAME))
        if change == "generation":
            user.session_generation += 1
        elif change == "deleted":
            session.delete(user)
        session.commit()
    if change == "garbage":
        with admin_client.session_transaction() as sess:
            sess["login_at"] = "gisteren"
    assert admin_client.get("/beheer/").status_code == 302


def test_failed_login_is_logged_without_password(app, caplog):
    # A fresh name per run: Pelican (imported by the test suite) installs a filter that drops
    # repeated identical warnings.
    username = f"reviewer.{uuid.uuid4().hex[:10]}"
    add_user(app, username)
    secret = "geheim-wachtwoord-dat-niet-in-het-log-mag"
    with caplog.at_level(logging.INFO, logger="formhandler.review.auth"):
        login(app.test_client(), username, secret)
    lines = [r.getMessage() for r in caplog.records if r.name == "formhandler.review.auth"]
    assert any("failed login" in line and username in line for line in lines)
    assert not any(secret in line for line in lines)


@pytest.fixture
def limited_app(make_app):
    """An app with the login throttles on: 3 POSTs per minute per IP, 3 failures per account."""
    application = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_LIMIT=3)
    add_user(application)
    add_user(application, "tweede.reviewer")
    return application


def test_login_throttled_per_ip(limited_app):
    client = limited_app.test_client()
    for attempt in range(3):
        assert login(client, f"iemand{attempt}", "verkeerd wachtwoord").status_code == 200
    response = login(client)
    assert response.status_code == 429
    assert "te veel verzoeken" in response.get_data(as_text=True)
    # Another address is not affected.
    other = login(limited_app.test_client(), environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 302


def test_login_throttled_per_account(limited_app):
    for attempt in range(3):
        client = limited_app.test_client()
        response = login(client, USERNAME, "verkeerd wachtwoord", environ_base={"REMOTE_ADDR": f"192.0.2.{attempt}"})
        assert response.status_code == 200
    # Even the right password from a fresh address is refused while the account is throttled.
    response = login(limited_app.test_client(), environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert response.status_code == 429
    assert "te veel mislukte pogingen om op dit account in te loggen" in response.get_data(as_text=True)
    other = login(limited_app.test_client(), "tweede.reviewer", PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.2"})
    assert other.status_code == 302
