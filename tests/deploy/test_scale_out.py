"""Scaling out: two app instances on one PostgreSQL database and one Redis rate-limit store behave as one."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from benchmarks.loadgen import Applicant, Gunicorn, request
from tests.deploy_fixtures import flask_command, production_env

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REVIEWER, PASSWORD = "anna", "een-lang-wachtwoord-voor-de-test"
ADDRESS = "10.20.30.40"  # one applicant, seen by both instances through the trusted proxy header


@pytest.fixture
def two_instances(postgres_cluster, postgres_template, redis_url, tmp_path):
    """Two gunicorn instances (one worker each) on one database and one limiter store; 2 applications a minute."""
    url = postgres_cluster.new_database(template=postgres_template)
    made = flask_command(production_env(url), "user", "add", REVIEWER, "--password-stdin", input=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    settings = {"FORMHANDLER_RATELIMIT_STORAGE_URI": redis_url, "FORMHANDLER_FORM_RATE_LIMIT": "2 per minute"}
    servers = [Gunicorn(url, tmp_path / f"instance-{n}.log", workers=1, env=settings) for n in (1, 2)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def cookies_of(headers: dict, jar: dict) -> dict:
    """Add the Set-Cookie values of a response to `jar` (name -> value)."""
    for key, value in headers.items():
        if key.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name] = rest.split(";", 1)[0]
    return jar


def cookie_header(jar: dict) -> dict:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in jar.items()), "X-Forwarded-For": ADDRESS}


def log_in(base: str) -> dict:
    """Log in through the real form on one instance; the session cookies."""
    jar: dict = {}
    status, headers, page = request(base, "GET", "/beheer/inloggen", headers=cookie_header(jar))
    assert status == 200
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
    cookies_of(headers, jar)
    body = urllib.parse.urlencode({"csrf_token": token, "username": REVIEWER, "password": PASSWORD}).encode()
    status, headers, _page = request(
        base,
        "POST",
        "/beheer/inloggen",
        body,
        {**cookie_header(jar), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status in (302, 303), status
    return cookies_of(headers, jar)


def test_two_instances_share_the_queue_the_login_and_the_rate_limit(two_instances):
    first, second = two_instances
    statuses = [
        Applicant(server.url, ADDRESS).submit(f"Stichting Instantie {n}", f"instantie{n}@example.org")[0]
        for n, server in enumerate(two_instances, start=1)
    ]
    assert statuses == [303, 303], "each instance stores one application"

    # The limit is 2 a minute for this address over both instances together, not 2 per instance.
    third = Applicant(first.url, ADDRESS).submit("Stichting Instantie 3", "instantie3@example.org")[0]
    fourth = Applicant(second.url, ADDRESS).submit("Stichting Instantie 4", "instantie4@example.org")[0]
    assert (third, fourth) == (429, 429)

    # A reviewer logged in on one instance sees both applications through the other.
    jar = log_in(first.url)
    status, _headers, page = request(second.url, "GET", "/beheer/", headers=cookie_header(jar))
    assert status == 200
    text = page.decode()
    assert "Stichting Instantie 1" in text and "Stichting Instantie 2" in text
    assert "Stichting Instantie 3" not in text and "Stichting Instantie 4" not in text
