"""Every cookie the app sets (forms, status page, admin) is the one the privacy statement names."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest

from formhandler import tokens
from formhandler.review import devices
from tests.conftest import ROOT
from tests.formhandler.helpers import CHANGE_FORM, FORM, add_item, db_session, login, post, post_change, post_form

PRIVACY = ROOT / "content" / "pages" / "privacy.md"

pytestmark = pytest.mark.usefixtures("partners_on_disk")


def cookie_section() -> str:
    """The privacy statement's section on cookies."""
    text = PRIVACY.read_text(encoding="utf-8")
    return text.split("## Het cookie van de formulieren", 1)[1].split("\n## ", 1)[0]


def set_cookies(responses) -> list[SimpleCookie]:
    """Each Set-Cookie header of `responses`, parsed."""
    found = []
    for response in responses:
        for header in response.headers.getlist("Set-Cookie"):
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            found.append(cookie)
    return found


def visit_everything(app, reviewer) -> list:
    """A visitor's and a reviewer's way through every part of the app that can set a cookie."""
    with app.app_context(), db_session(app) as session:
        item_id = add_item(session).id
        token = tokens.mint(session, item_id)
        session.commit()
    visitor, bureau = app.test_client(), app.test_client()
    return [
        visitor.get(FORM),
        post(visitor),
        post(visitor, email="geen-adres"),  # refused: the form again
        visitor.get(CHANGE_FORM),
        post_change(visitor),
        visitor.get(f"/aanmelden/status/?code={token}"),
        visitor.get("/aanmelden/status/"),
        bureau.get("/beheer/"),
        login(bureau),
        bureau.get("/beheer/"),
        bureau.get(f"/beheer/{item_id}"),
        post_form(bureau, "/beheer/", "/beheer/uitloggen", {}),
    ]


def test_the_privacy_statement_names_every_cookie_the_app_sets(app, reviewer):
    cookies = set_cookies(visit_everything(app, reviewer))
    assert cookies, "the app sets its session cookie"
    names = {name for cookie in cookies for name in cookie}
    named = set(re.findall(r"`([^`]+)`", cookie_section()))
    assert names == named == {app.config["SESSION_COOKIE_NAME"], devices.COOKIE}


def test_the_cookie_is_what_the_statement_says(app, reviewer):
    """Session: gone when the browser closes; device cookie: 180 days, admin only; both host-only, no script."""
    section = cookie_section()
    assert "verdwijnt als u de browser sluit" in section
    assert f"`{devices.COOKIE}`. Het onthoudt {devices.DEVICE_DAYS} dagen" in section
    for cookie in set_cookies(visit_everything(app, reviewer)):
        for name, morsel in cookie.items():
            if morsel.value == "":  # a logout's deletion, dated in the past
                continue
            assert not morsel["domain"] and morsel["httponly"], morsel.output()
            if name == devices.COOKIE:
                assert morsel["max-age"] == str(devices.DEVICE_DAYS * 24 * 3600), morsel.output()
                assert morsel["path"] == "/beheer/" and morsel["samesite"] == "Strict", morsel.output()
            else:
                assert not morsel["expires"] and not morsel["max-age"] and morsel["path"] == "/", morsel.output()
