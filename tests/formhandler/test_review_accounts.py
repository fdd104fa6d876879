"""Reviewer accounts: the rules for names and passwords, argon2id hashes at the configured cost, rehashing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from formhandler.config import ConfigError
from formhandler.models import User
from formhandler.review.accounts import create_user, hash_password, verify_password
from tests.formhandler.helpers import PASSWORD, USERNAME, db_session


@pytest.mark.parametrize(
    "username, password, message",
    [
        ("anna", "kort", "minstens 12 tekens"),
        ("anna", "elf tekens!", "minstens 12 tekens"),
        (USERNAME, "nog een lange zin hoor", "bestaat al"),
        ("An", "een lange zin als wachtwoord", "3 tot 80 tekens"),
        ("Anna", "een lange zin als wachtwoord", "kleine letters"),
        ("anna bel", "een lange zin als wachtwoord", "kleine letters"),
        ("a" * 81, "een lange zin als wachtwoord", "3 tot 80 tekens"),
        ("anna", "x" * 1025, "hoogstens 1024 tekens"),
    ],
)
def test_create_user_refuses(app, reviewer, username, password, message):
    with app.app_context(), db_session(app) as session, pytest.raises(ValueError, match=message):
        create_user(session, username, password)


@pytest.mark.parametrize("password", ["twaalf tekens", "a" * 12, "correct horse battery staple " * 20])
def test_create_user_accepts_passphrases(app, password):
    with app.app_context(), db_session(app) as session:
        user = create_user(session, "bob_b-2.0", password)
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user, password) and not verify_password(user, password + "!")


def test_verify_rehashes_outdated_parameters(app):
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user = User(username="oud", password_hash=old)
    with app.app_context():
        assert verify_password(user, PASSWORD)
        assert user.password_hash != old and verify_password(user, PASSWORD)
        assert hash_password(PASSWORD) != hash_password(PASSWORD)  # salted


@pytest.mark.parametrize(
    "profile, parameters",
    [("RFC_9106_LOW_MEMORY", "m=65536,t=3,p=4"), ("CHEAPEST", "m=8,t=1,p=1")],
)
def test_the_cost_of_a_new_hash_is_the_configured_profile(make_app, profile, parameters):
    with make_app(PASSWORD_HASH_PROFILE=profile).app_context():
        assert hash_password(PASSWORD).startswith(f"$argon2id$v=19${parameters}$")


def test_an_unknown_profile_is_refused_at_start(make_app):
    with pytest.raises(ConfigError, match="FORMHANDLER_PASSWORD_HASH_PROFILE moet ‘"):
        make_app(PASSWORD_HASH_PROFILE="SNEL")
