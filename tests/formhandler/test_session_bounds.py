"""The session cookie stays within what a browser keeps, whatever a view copies into a flash message."""

from __future__ import annotations

import json
import random

import pytest
from flask import flash, redirect, request

from formhandler.web.session import FLASH_MAX, FLASHES_MAX
from tests.hostile_corpus import HOSTILE

CORPUS = json.loads((HOSTILE / "session-cookie" / "cases.json").read_text(encoding="utf-8"))
CASES = [case["text"] * case["times"] for case in CORPUS["flashes"]]
BROWSER_LIMIT = 4093  # werkzeug's max_cookie_size, what browsers keep


@pytest.fixture
def flashing_app(make_app):
    """The real app with one extra route that flashes whatever is posted, as a careless view would."""
    app = make_app(WTF_CSRF_ENABLED=False)

    @app.post("/flits")
    def flash_posted():
        for value in request.get_json():
            flash(value, "error")
        return redirect("/aanmelden/status/", code=303)

    return app


def cookie_header(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("alliantie_sessie="))


@pytest.mark.parametrize("value", CASES, ids=[f"{len(v)}x{v[:1]!r}" for v in CASES])
def test_a_long_flash_is_cut_to_a_cookie_browsers_keep(flashing_app, value):
    client = flashing_app.test_client()
    response = client.post("/flits", json=[value])
    assert len(cookie_header(response)) < BROWSER_LIMIT
    with client.session_transaction() as session:
        [(category, message)] = session["_flashes"]
    assert category == "error"
    assert len(message) == FLASH_MAX and message.endswith("…") and value.startswith(message[:-1])


def test_many_flashes_keep_the_newest_within_the_budget(flashing_app):
    rng = random.Random(20)
    values = ["".join(chr(rng.randrange(0x100, 0x2FFF)) for _ in range(FLASH_MAX * 2)) for _ in range(CORPUS["many"])]
    client = flashing_app.test_client()
    response = client.post("/flits", json=values)
    assert len(cookie_header(response)) < BROWSER_LIMIT
    with client.session_transaction() as session:
        kept = [message for _, message in session["_flashes"]]
    assert 1 <= len(kept) <= FLASHES_MAX
    assert kept[-1] == values[-1][: FLASH_MAX - 1] + "…"  # the newest survives


def test_a_short_flash_is_kept_as_is(flashing_app):
    client = flashing_app.test_client()
    client.post("/flits", json=["De notitie is opgeslagen."])
    with client.session_transaction() as session:
        assert session["_flashes"] == [("error", "De notitie is opgeslagen.")]
