"""Request limits, the client address behind a proxy, sessions outside development, settings from the environment."""

from __future__ import annotations

import io
import time

import pytest
from flask import request

from formhandler import create_app
from partners.schema import LOGO_MAX_BYTES
from tests.formhandler.helpers import SECRET, add_user, login, post, rows, valid_form

COOKIE = "alliantie_sessie"


def test_logo_over_its_limit_is_a_field_error_and_the_rest_is_kept(client, app):
    too_big = b"\x89PNG\r\n\x1a\n" + b"\0" * LOGO_MAX_BYTES  # over the logo limit, under the request limit
    response = post(client, contact_name="Bram Bakker", logo=(io.BytesIO(too_big), "groot.png"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Dit logo kunnen we niet gebruiken: het bestand is groter dan {LOGO_MAX_BYTES // 1024} kB." in html
    assert 'value="Bram Bakker"' in html and "U had het bestand ‘groot.png’ gekozen" in html
    assert rows(app) == []


def post_from(client, forwarded_for: str | None, remote: str = "10.0.0.1"):
    """Post an invalid form (nothing stored) as it arrives from the proxy at `remote`."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        "/aanmelden/", data=valid_form(organisation_name=""), headers=headers, environ_base={"REMOTE_ADDR": remote}
    )


@pytest.mark.parametrize(
    "proxies, same_client, other_client",
    [
        # One trusted proxy: the right-most X-Forwarded-For entry is the client; anything left of it is forgeable.
        (1, ["1.1.1.1, 203.0.113.7", "2.2.2.2, 203.0.113.7", "203.0.113.7"], "203.0.113.8"),
        # No trusted proxy: the header is ignored altogether, so forging it changes nothing.
        (0, ["1.1.1.1", "2.2.2.2", None], None),
    ],
)
def test_forged_forwarded_for_gains_nothing(make_app, proxies, same_client, other_client):
    app = make_app(TRUSTED_PROXIES=proxies, RATELIMIT_ENABLED=True, FORM_RATE_LIMIT="2 per minute")
    client = app.test_client()
    codes = [post_from(client, forwarded).status_code for forwarded in same_client]
    assert codes == [200, 200, 429]
    if other_client:
        assert post_from(client, other_client).status_code == 200  # a real other client is not affected
    else:
        assert post_from(client, None, remote="10.0.0.2").status_code == 200


def test_proxy_sets_the_address_the_app_sees(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    seen = []
    app.before_request(lambda: seen.append(request.remote_addr))
    app.test_client().get(
        "/aanmelden/", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.0.0.1"}
    )
    assert seen == ["203.0.113.7"]


@pytest.fixture
def env_app(monkeypatch, tmp_path, db_url):
    """create_app() as production starts it: every setting from FORMHANDLER_* variables."""
    created = []

    def make(**env):
        for key, value in {
            "SECRET_KEY": SECRET,
            "DATABASE_URL": db_url,
            "AUTO_UPGRADE": "false",
            "MIN_FILL_SECONDS": "0",
            "CONTENT_DIR": str(tmp_path),
            **env,
        }.items():
            monkeypatch.setenv(f"FORMHANDLER_{key}", value)
        application = create_app()
        created.append(application)
        return application

    yield make
    for application in created:
        application.extensions["formhandler.engine"].dispose()


def test_rate_limit_settings_from_the_environment(env_app):
    app = env_app(RATELIMIT_ENABLED="true", RATELIMIT_STORAGE_URI="memory://", FORM_RATE_LIMIT="1 per minute")
    assert app.config["RATELIMIT_ENABLED"] is True and app.config["FORM_RATE_LIMIT"] == "1 per minute"
    client = app.test_client()
    assert [post_from(client, None).status_code for _ in range(2)] == [200, 429]


@pytest.mark.parametrize("path", ["/aanmelden/", "/aanmelden/wijziging/"])
def test_a_refused_post_is_answered_before_its_body_is_read(env_app, path):
    """Past the limit the answer is 429 even for a body the app would refuse with 400 on reading it
    (a NUL byte): the limiter runs first, so a flood costs no form parsing."""
    app = env_app(RATELIMIT_ENABLED="true", RATELIMIT_STORAGE_URI="memory://", FORM_RATE_LIMIT="1 per minute")
    client = app.test_client()
    broken = {"organisation_name": "Nul\x00byte"}
    assert client.post(path, data=broken).status_code == 400, "under the limit the body is read and refused"
    assert client.post(path, data=broken).status_code == 429


def test_rate_limit_can_be_switched_off_from_the_environment(env_app):
    app = env_app(RATELIMIT_ENABLED="false", FORM_RATE_LIMIT="1 per minute")
    client = app.test_client()
    assert [post_from(client, None).status_code for _ in range(3)] == [200, 200, 200]


def test_unknown_storage_backend_is_refused_at_start(env_app):
    with pytest.raises(Exception) as refused:
        app = env_app(RATELIMIT_ENABLED="true", RATELIMIT_STORAGE_URI="nosuchbackend://x")
        post_from(app.test_client(), None)
    assert "nosuchbackend" in str(refused.value)


@pytest.mark.parametrize("development, secure", [(False, True), (True, False)])
def test_secure_cookie_and_hsts_outside_development(make_app, development, secure):
    app = make_app(DEVELOPMENT=development)
    add_user(app)
    response = login(app.test_client())
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "="))
    assert ("; Secure" in cookie) is secure
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Strict-Transport-Security" in response.headers) is secure


@pytest.mark.parametrize(
    "setting, key, age_seconds",
    [
        ({"SESSION_IDLE_MINUTES": 2}, "seen_at", 3 * 60),
        ({"SESSION_MAX_HOURS": 1}, "login_at", 61 * 60),
    ],
)
def test_session_timeouts_are_configurable(make_app, setting, key, age_seconds):
    app = make_app(**setting)
    add_user(app)
    client = app.test_client()
    assert login(client).status_code == 302
    assert client.get("/beheer/").status_code == 200
    with client.session_transaction() as sess:
        sess[key] = time.time() - age_seconds
    response = client.get("/beheer/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/beheer/inloggen")
