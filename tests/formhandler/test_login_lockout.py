"""The per-account login lock answers the attacker, not the reviewer: a known device passes it."""

from __future__ import annotations

import json

import pytest
from itsdangerous import URLSafeTimedSerializer

from formhandler.review.devices import COOKIE, SALT
from tests.formhandler.helpers import PASSWORD, USERNAME, add_user, login
from tests.hostile_corpus import HOSTILE

CORPUS = json.loads((HOSTILE / "lockout" / "cases.json").read_text(encoding="utf-8"))
LIMIT = 3
LOCKED = "te veel mislukte pogingen om op dit account in te loggen"
HOME = {"REMOTE_ADDR": "192.0.2.50"}


@pytest.fixture
def locking_app(make_app):
    """Throttles on: a generous per-address limit, LIMIT failures per account."""
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_LIMIT=LIMIT)
    add_user(app)
    return app


def reviewer_browser(app):
    """The reviewer's own browser after one successful login and a logout-like loss of the session."""
    client = app.test_client()
    assert login(client, environ_base=HOME).status_code == 302
    assert client.get_cookie(COOKIE, path="/beheer/") is not None
    client.delete_cookie("alliantie_sessie")
    return client


def attack(app, attempts: int = 2 * LIMIT) -> None:
    """Wrong passwords for the reviewer's username from addresses the reviewer never uses."""
    addresses = CORPUS["attacker_addresses"]
    for attempt in range(attempts):
        address = addresses[attempt % len(addresses)]
        login(app.test_client(), USERNAME, "geraden wachtwoord", environ_base={"REMOTE_ADDR": address})


def test_the_reviewers_known_browser_still_logs_in_during_an_attack(locking_app):
    browser = reviewer_browser(locking_app)
    attack(locking_app)
    response = login(browser, environ_base=HOME)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/beheer/"


def test_the_attacker_stays_locked_out_even_with_the_right_password(locking_app):
    reviewer_browser(locking_app)
    attack(locking_app)
    response = login(locking_app.test_client(), environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert response.status_code == 429
    assert LOCKED in response.get_data(as_text=True)


@pytest.mark.parametrize("forged", CORPUS["forged_device_cookies"])
def test_a_forged_device_cookie_does_not_pass_the_lock(locking_app, forged):
    attack(locking_app)
    client = locking_app.test_client()
    client.set_cookie(COOKIE, forged, path="/beheer/")
    assert login(client, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 429


def test_a_device_cookie_of_another_account_does_not_pass_the_lock(locking_app):
    add_user(locking_app, "tweede.reviewer")
    client = locking_app.test_client()
    assert login(client, "tweede.reviewer", PASSWORD).status_code == 302
    attack(locking_app)
    client.delete_cookie("alliantie_sessie")
    assert login(client, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 429
    # The same cookie signed for the locked name, but with another key, is no known device either.
    other_key = URLSafeTimedSerializer("een andere sleutel", salt=SALT).dumps({"user": USERNAME, "device": "x"})
    client.set_cookie(COOKIE, other_key, path="/beheer/")
    assert login(client, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 429


def test_a_known_device_is_locked_by_its_own_failures_only(locking_app):
    browser = reviewer_browser(locking_app)
    for _ in range(LIMIT):
        assert login(browser, USERNAME, "vergeten", environ_base=HOME).status_code == 200
    assert login(browser, environ_base=HOME).status_code == 429  # guessing from a stolen device is throttled too
    # Its failures did not lock the account for the reviewer's other, fresh devices.
    assert login(locking_app.test_client(), environ_base={"REMOTE_ADDR": "192.0.2.51"}).status_code == 302


def test_the_device_cookie_is_strict(locking_app):
    client = locking_app.test_client()
    response = login(client)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "="))
    for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/beheer/"):
        assert flag in header
