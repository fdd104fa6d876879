"""Reviewer accounts: create, list, disable, enable; argon2id passwords at the cost PASSWORD_HASH_PROFILE sets."""

from __future__ import annotations

import re

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..models import User

#: PASSWORD_HASH_PROFILE -> argon2's parameters. Production keeps the library's default; the
#: cheapest profile exists for the tests, where every login would otherwise cost a real hash.
PASSWORD_PROFILES = {
    "RFC_9106_LOW_MEMORY": profiles.RFC_9106_LOW_MEMORY,
    "RFC_9106_HIGH_MEMORY": profiles.RFC_9106_HIGH_MEMORY,
    "CHEAPEST": profiles.CHEAPEST,
}
PASSWORD_MIN = 12
PASSWORD_MAX = 1024  # long passphrases are welcome; this only keeps hashing cheap to refuse
USERNAME_RE = re.compile(r"^[a-z0-9._-]{3,80}$")
_EXTENSION = "formhandler.password_hasher"
_DUMMY = "formhandler.dummy_password_hash"


def init_app(app: Flask) -> None:
    """Give the app its password hasher, and a hash to verify against when a username is unknown."""
    hasher = PasswordHasher.from_parameters(PASSWORD_PROFILES[app.config["PASSWORD_HASH_PROFILE"]])
    app.extensions[_EXTENSION] = hasher
    app.extensions[_DUMMY] = hasher.hash("geen-echt-wachtwoord-alleen-voor-gelijke-tijd")


def _hasher() -> PasswordHasher:
    return current_app.extensions[_EXTENSION]


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher().hash(password)


def verify_password(user: User, password: str) -> bool:
    """True when `password` fits; upgrades the stored hash when the parameters changed (caller commits)."""
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def spend_equal_time() -> None:
    """Spend the time of one verification, so an unknown username answers as slowly as a known one."""
    try:
        _hasher().verify(current_app.extensions[_DUMMY], "niet-dit-wachtwoord")
    except VerificationError:
        pass


def check_password(password: str) -> None:
    """Raise ValueError with a Dutch message when `password` is too short or too long."""
    if len(password or "") < PASSWORD_MIN:
        raise ValueError(
            f"Het wachtwoord moet minstens {PASSWORD_MIN} tekens lang zijn. Een zin van een paar woorden is prima."
        )
    if len(password) > PASSWORD_MAX:
        raise ValueError(f"Het wachtwoord mag hoogstens {PASSWORD_MAX} tekens lang zijn.")


def create_user(session: Session, username: str, password: str) -> User:
    """Add a reviewer; raises ValueError with a Dutch message for a bad name or password."""
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ValueError(
            "Een gebruikersnaam heeft 3 tot 80 tekens: kleine letters, cijfers, punt, streepje of liggend streepje."
        )
    check_password(password)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ValueError(f"De gebruikersnaam '{username}' bestaat al.")
    user = User(username=username, password_hash=hash_password(password))
    session.add(user)
    session.commit()
    return user


# --- managing accounts: list, disable, enable, a new password ---------------------------------


def all_users(session: Session) -> list[User]:
    """Every reviewer account, by username."""
    return list(session.scalars(select(User).order_by(User.username)))


def find_user(session: Session, username: str) -> User | None:
    """The account with this username, or None."""
    return session.scalar(select(User).where(User.username == (username or "").strip().lower()))


def end_sessions(user: User) -> None:
    """Void every session issued to `user` so far: each carries the generation it was issued with."""
    user.session_generation = (user.session_generation or 0) + 1


def set_password(session: Session, user: User, password: str) -> None:
    """Give `user` a new password and end every session issued before (caller keeps its own, if any)."""
    check_password(password)
    user.password_hash = hash_password(password)
    end_sessions(user)
    session.commit()


def disable_user(session: Session, user: User) -> bool:
    """Disable the account and end its sessions; False when it was disabled already."""
    if user.disabled_at is not None:
        return False
    user.disabled_at = utcnow()
    end_sessions(user)
    session.commit()
    return True


def enable_user(session: Session, user: User) -> bool:
    """Let the account log in again; False when it was active already."""
    if user.disabled_at is None:
        return False
    user.disabled_at = None
    session.commit()
    return True
