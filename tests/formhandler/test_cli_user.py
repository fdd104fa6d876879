"""`flask user add`: a reviewer with an argon2 hash, refusals in Dutch, the password never shown."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from formhandler.models import User
from formhandler.review.accounts import verify_password

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
