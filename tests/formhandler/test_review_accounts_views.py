"""The accounts page at /beheer/beheerders: the list, disabling and enabling others, a new password of one's own."""

from __future__ import annotations

import pytest

from formhandler.review.accounts import find_user
from tests.formhandler.helpers import PASSWORD, USERNAME, add_user, csrf_from, db_session, login

PAGE = "/beheer/beheerders"
NEW_PASSWORD = "een heel ander lang wachtwoord"


def post(client, url: str, **data: str):
    """POST to the accounts page's forms with the page's own CSRF token."""
    token = csrf_from(client.get(PAGE).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def user_id(app, username: str) -> int:
    with app.app_context(), db_session(app) as session:
        return find_user(session, username).id


def is_logged_out(client) -> bool:
    response = client.get("/beheer/")
    return response.status_code == 302 and response.headers["Location"].startswith("/beheer/inloggen")


@pytest.fixture
def colleague(app):
    """A second reviewer, 'bert', logged in on a client of their own."""
    add_user(app, "bert")
    client = app.test_client()
    assert login(client, "bert").status_code == 302
    return client


def test_the_page_lists_every_account_with_its_state(admin_client, colleague):
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert f"{USERNAME} (u)" in html and ">bert<" in html
    assert html.count(">Uitschakelen<") == 1  # bert only: nobody disables themselves here
    assert 'href="/beheer/beheerders"' in admin_client.get("/beheer/").get_data(as_text=True)


def test_disabling_a_colleague_ends_their_session_and_enabling_lets_them_in_again(app, admin_client, colleague):
    bert = user_id(app, "bert")
    response = post(admin_client, f"{PAGE}/{bert}/uitschakelen")
    assert response.status_code == 303
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert "Het account ‘bert’ is uitgeschakeld" in html and "uitgeschakeld</span> sinds" in html
    assert is_logged_out(colleague)
    assert login(app.test_client(), "bert").status_code == 403
    assert post(admin_client, f"{PAGE}/{bert}/inschakelen").status_code == 303
    assert "weer ingeschakeld" in admin_client.get(PAGE).get_data(as_text=True)
    assert login(app.test_client(), "bert").status_code == 302


def test_nobody_disables_their_own_account(app, admin_client):
    me = user_id(app, USERNAME)
    post(admin_client, f"{PAGE}/{me}/uitschakelen")
    assert "U kunt uw eigen account niet uitschakelen" in admin_client.get(PAGE).get_data(as_text=True)
    assert not is_logged_out(admin_client)


def test_an_unknown_account_is_a_404(admin_client):
    assert post(admin_client, f"{PAGE}/999/uitschakelen").status_code == 404


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, reviewer):
    here, elsewhere = app.test_client(), app.test_client()
    assert login(here).status_code == 302 and login(elsewhere).status_code == 302
    response = post(here, f"{PAGE}/wachtwoord", current=PASSWORD, new=NEW_PASSWORD, repeat=NEW_PASSWORD)
    assert response.status_code == 303
    assert "Uw wachtwoord is gewijzigd" in here.get(PAGE).get_data(as_text=True)
    assert is_logged_out(elsewhere) and not is_logged_out(here)
    assert login(app.test_client(), password=NEW_PASSWORD).status_code == 302
    assert login(app.test_client()).status_code == 200  # the old password: refused


@pytest.mark.parametrize(
    "current, new, repeat, field, message",
    [
        ("fout wachtwoord!", NEW_PASSWORD, NEW_PASSWORD, "current", "Uw huidige wachtwoord klopt niet."),
        (PASSWORD, "kort", "kort", "new", "Het wachtwoord moet minstens 12 tekens lang zijn."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "repeat", "De twee nieuwe wachtwoorden zijn niet gelijk."),
    ],
)
def test_a_refused_password_change_says_why_at_the_field(app, admin_client, current, new, repeat, field, message):
    response = post(admin_client, f"{PAGE}/wachtwoord", current=current, new=new, repeat=repeat)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<a href="#{field}">{message}' in html and f'id="{field}-error"' in html
    assert new not in html and current not in html  # no password is echoed back
    assert login(app.test_client()).status_code == 302  # the old password still works
