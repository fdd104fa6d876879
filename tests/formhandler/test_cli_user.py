"""`flask user add`: a reviewer with an argon2 hash, refusals in Dutch, the password never shown."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from formhandler.models import User
from formhandler.review.accounts import verify_password
from tests.formhandler.helpers import login

PASSWORD = "een lange zin als wachtwoord"


def invoke(runner, *args, input=None):
    """Run `flask <args>` and return the result."""
    return runner.invoke(args=[str(a) for a in args], input=input)


def count(session, model) -> int:
    """Rows of `model`; ends the read so SQLite's write lock is free for the next command."""
    session.expire_all()
    number = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return number


@pytest.mark.parametrize(
    "args, input",
    [
        (["--password-stdin"], PASSWORD + "\n"),
        ([], f"{PASSWORD}\n{PASSWORD}\n"),
        ([], f"{PASSWORD}\nverkeerd-getypt-xx\n{PASSWORD}\n{PASSWORD}\n"),
    ],
)
def test_user_add_stores_an_argon2_hash(runner, session, args, input):
    result = invoke(runner, "user", "add", "anna", *args, input=input)
    assert result.exit_code == 0, result.output
    assert "Gebruiker 'anna' is aangemaakt" in result.stdout
    user = session.scalar(select(User).where(User.username == "anna"))
    with runner.app.app_context():
        assert user.password_hash.startswith("$argon2id$") and verify_password(user, PASSWORD)
    assert PASSWORD not in result.output


@pytest.mark.parametrize(
    "name, input, message",
    [
        ("anna", "kort\n", "Het wachtwoord moet minstens 12 tekens lang zijn"),
        ("anna", "\n", "Het wachtwoord is leeg"),
        ("Anna Met Spatie", PASSWORD + "\n", "Een gebruikersnaam heeft 3 tot 80 tekens"),
    ],
)
def test_user_add_refuses_with_a_dutch_message(runner, session, name, input, message):
    result = invoke(runner, "user", "add", name, "--password-stdin", input=input)
    assert result.exit_code == 1 and message in result.stderr
    assert count(session, User) == 0


def test_user_add_refuses_an_existing_name_and_mismatching_prompts(runner, session):
    assert invoke(runner, "user", "add", "anna", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    again = invoke(runner, "user", "add", "anna", "--password-stdin", input=PASSWORD + "\n")
    assert again.exit_code == 1 and "bestaat al" in again.stderr
    mismatch = invoke(runner, "user", "add", "bert", input="a" * 12 + "\n" + "b" * 12 + "\n" * 1 + ("x\ny\n" * 2))
    assert mismatch.exit_code == 1 and "niet gelijk" in mismatch.stderr and "er is geen gebruiker" in mismatch.stderr
    assert count(session, User) == 1


# --- list, disable, enable, password ---------------------------------------------------------

NEW_PASSWORD = "een heel ander lang wachtwoord"


def logged_in(app, username="anna", password=PASSWORD):
    """A test client logged in through the real form as `username`."""
    client = app.test_client()
    assert login(client, username, password).status_code == 302
    assert client.get("/beheer/").status_code == 200
    return client


def is_logged_out(client) -> bool:
    """True when the admin sends this client to the login page."""
    response = client.get("/beheer/")
    return response.status_code == 302 and response.headers["Location"].startswith("/beheer/inloggen")


@pytest.fixture
def anna(runner):
    """An account 'anna' made through `user add`."""
    assert invoke(runner, "user", "add", "anna", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    return "anna"


def test_user_list_shows_every_account_and_its_state(runner, anna):
    assert invoke(runner, "user", "add", "bert", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert invoke(runner, "user", "disable", "bert").exit_code == 0
    result = invoke(runner, "user", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("anna\t") and lines[0].endswith("\tactief")
    assert lines[1].startswith("bert\t") and "\tuitgeschakeld sinds " in lines[1]


def test_user_list_without_accounts_says_how_to_make_one(runner):
    result = invoke(runner, "user", "list")
    assert result.exit_code == 0 and "Er zijn nog geen beheerders" in result.stdout


def test_a_disabled_account_cannot_log_in_and_its_open_sessions_end(app, runner, anna):
    client = logged_in(app)
    result = invoke(runner, "user", "disable", "anna")
    assert result.exit_code == 0 and "is uitgeschakeld" in result.stdout
    assert is_logged_out(client)
    refused = login(app.test_client(), "anna", PASSWORD)
    assert refused.status_code == 403 and "Dit account is uitgeschakeld" in refused.get_data(as_text=True)
    assert "al uitgeschakeld" in invoke(runner, "user", "disable", "anna").stdout


def test_an_enabled_account_logs_in_again(app, runner, anna):
    assert invoke(runner, "user", "disable", "anna").exit_code == 0
    result = invoke(runner, "user", "enable", "anna")
    assert result.exit_code == 0 and "weer ingeschakeld" in result.stdout
    logged_in(app)
    assert "al actief" in invoke(runner, "user", "enable", "anna").stdout


@pytest.mark.parametrize("args, input", [(["--password-stdin"], NEW_PASSWORD + "\n"), ([], f"{NEW_PASSWORD}\n" * 2)])
def test_a_new_password_ends_the_open_sessions(app, runner, anna, args, input):
    client = logged_in(app)
    result = invoke(runner, "user", "password", "anna", *args, input=input)
    assert result.exit_code == 0 and "heeft een nieuw wachtwoord" in result.stdout, result.output
    assert NEW_PASSWORD not in result.output
    assert is_logged_out(client)
    assert login(app.test_client(), "anna", PASSWORD).status_code == 200  # the old one: refused
    logged_in(app, password=NEW_PASSWORD)


@pytest.mark.parametrize(
    "command, name, input, message",
    [
        ("password", "anna", "kort\n", "Het wachtwoord moet minstens 12 tekens lang zijn"),
        ("password", "anna", "\n", "Het wachtwoord is leeg; het wachtwoord is niet gewijzigd."),
        ("password", "niemand", NEW_PASSWORD + "\n", "Er is geen gebruiker 'niemand'"),
        ("disable", "niemand", None, "Er is geen gebruiker 'niemand'"),
        ("enable", "niemand", None, "Er is geen gebruiker 'niemand'"),
    ],
)
def test_user_commands_refuse_in_dutch_and_change_nothing(app, runner, anna, command, name, input, message):
    client = logged_in(app)
    args = ["--password-stdin"] if command == "password" else []
    result = invoke(runner, "user", command, name, *args, input=input)
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert not is_logged_out(client)
    logged_in(app)  # the old password still works
