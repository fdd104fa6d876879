"""Reviewer login: throttled attempts, sessions that expire and can be revoked, and the login_required guard."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from limits import RateLimitItemPerMinute
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..db import get_session
from ..models import User
from ..web.headers import no_index
from ..web.limiter import limiter
from .accounts import PASSWORD_MAX, spend_equal_time, verify_password
from .devices import known_device, remember_device
from .login_log import logged_username

bp = Blueprint("auth", __name__, url_prefix="/beheer")
bp.after_request(no_index)
logger = logging.getLogger(__name__)

ACCOUNT_WINDOW_MINUTES = 15
BAD_LOGIN = "De gebruikersnaam of het wachtwoord klopt niet."
ACCOUNT_LOCKED = (
    f"Er zijn te veel mislukte pogingen om op dit account in te loggen. "
    f"Wacht {ACCOUNT_WINDOW_MINUTES} minuten en probeer het dan opnieuw."
)


class LoginForm(FlaskForm):
    """The login form; CSRF comes from Flask-WTF."""

    username = StringField(
        "Gebruikersnaam",
        validators=[DataRequired("Vul uw gebruikersnaam in."), Length(max=80, message="De gebruikersnaam is te lang.")],
    )
    password = PasswordField(
        "Wachtwoord",
        validators=[
            DataRequired("Vul uw wachtwoord in."),
            Length(max=PASSWORD_MAX, message="Het wachtwoord is te lang."),
        ],
    )


def _account_item() -> RateLimitItemPerMinute:
    return RateLimitItemPerMinute(int(current_app.config["LOGIN_ACCOUNT_LIMIT"]), ACCOUNT_WINDOW_MINUTES)


def _throttling() -> bool:
    # The switch is the limiter's own RATELIMIT_ENABLED: off in tests and development only.
    return bool(current_app.config.get("RATELIMIT_ENABLED")) and limiter.enabled


def _account_throttled(username: str) -> bool:
    """True when this account had too many recent failures (kept in the limiter's storage)."""
    return _throttling() and not limiter.limiter.test(_account_item(), "login-account", username)


def _record_failure(username: str) -> None:
    if _throttling():
        limiter.limiter.hit(_account_item(), "login-account", username)


def safe_next(target: str | None) -> str:
    """`target` when it is a path inside the admin, else the queue: never an open redirect."""
    default = url_for("admin.index")
    if not target or any(ch in target for ch in "\\\r\n\t") or not target.startswith("/beheer/"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return default
    return target


@bp.route("/inloggen", methods=("GET", "POST"))
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login() -> ResponseReturnValue:
    """Show the login form; on POST check the password and start a fresh session."""
    form = LoginForm()
    next_url = safe_next(request.values.get("next"))
    error, status = None, 200
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        db = get_session()
        user = db.scalar(select(User).where(User.username == username))
        shown = logged_username(username, known=user is not None)
        # A browser this reviewer logged in with before has its own count: an attacker cannot lock it out.
        device = known_device(request, username)
        throttle_key = f"{username}\x00{device}" if device else username
        if _account_throttled(throttle_key):
            error, status = ACCOUNT_LOCKED, 429
            logger.warning("login refused: account throttled user=%s ip=%s", shown, request.remote_addr)
        else:
            if user is None:
                spend_equal_time()
            if user is not None and verify_password(user, form.password.data):
                db.commit()  # keeps a rehashed password
                if is_disabled(user):
                    return _refuse_disabled(form, next_url)
                _start_session(user)
                logger.info("login user=%s", user.username)
                response = redirect(next_url)
                remember_device(response, user.username, device)
                return response
            _record_failure(throttle_key)
            # A known username is a bureau staff account; anything else is only a keyed hash (login_log.py).
            logger.warning("failed login user=%s ip=%s", shown, request.remote_addr)
            error = BAD_LOGIN
    return render_template("login.html", form=form, error=error, next_url=next_url), status


def _start_session(user: User) -> None:
    """A new session at login: nothing of the anonymous session (fixation) carries over."""
    now = time.time()
    session.clear()
    session.permanent = False
    session.update(user_id=user.id, generation=user.session_generation, login_at=now, seen_at=now)


# --- disabled accounts (issue 18): no login, and no session lives on -------------------------

ACCOUNT_DISABLED = (
    "Dit account is uitgeschakeld. Vraagt u een collega van het Alliantiebureau om het weer in te schakelen."
)


def is_disabled(user: User) -> bool:
    """True when the account is disabled: checked at login and on every admin request."""
    return user.disabled_at is not None


def _refuse_disabled(form: LoginForm, next_url: str) -> ResponseReturnValue:
    """The login page saying the account is disabled; only shown after a correct password."""
    logger.warning(
        "login refused: account disabled user=%s ip=%s", form.username.data.strip().lower(), request.remote_addr
    )
    return render_template("login.html", form=form, error=ACCOUNT_DISABLED, next_url=next_url), 403


def login_required(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Let a valid, live session through; anything else goes to the login page with `next`."""

    @functools.wraps(view)
    def wrapped(**kwargs: Any) -> ResponseReturnValue:
        user = _current_user()
        if user is None:
            target = request.full_path if request.method == "GET" else url_for("admin.index")
            return redirect(url_for("auth.login", next=target.rstrip("?")))
        session["seen_at"] = time.time()
        g.user = user
        g.reviewer = user.username
        return view(**kwargs)

    return wrapped


def _current_user() -> User | None:
    """The reviewer of this session, or None when absent, revoked or expired (the session is then cleared)."""
    user_id = session.get("user_id")
    if user_id is None:
        return None
    now = time.time()
    config = current_app.config
    try:
        login_at, seen_at = float(session["login_at"]), float(session["seen_at"])
    except (KeyError, TypeError, ValueError):
        session.clear()
        return None
    user = get_session().get(User, user_id) if isinstance(user_id, int) else None
    expired = (
        now - seen_at > float(config["SESSION_IDLE_MINUTES"]) * 60
        or now - login_at > float(config["SESSION_MAX_HOURS"]) * 3600
    )
    if user is None or session.get("generation") != user.session_generation or expired or is_disabled(user):
        session.clear()
        if expired and user is not None:
            flash("Uw sessie is verlopen. Log opnieuw in.", "info")
        return None
    return user


@bp.route("/uitloggen", methods=("POST",))
@login_required
def logout() -> ResponseReturnValue:
    """End the session everywhere: bumping the generation voids every cookie issued before."""
    db = get_session()
    g.user.session_generation = (g.user.session_generation or 0) + 1
    db.commit()
    session.clear()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))
