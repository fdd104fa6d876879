"""The accounts page at /beheer/beheerders: who can log in, disabling and enabling them, a new password of one's own."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from ..clock import local_time
from ..db import get_session
from ..models import User
from ..web.headers import no_index
from .accounts import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    all_users,
    check_password,
    disable_user,
    enable_user,
    set_password,
    verify_password,
)
from .auth import login_required

bp = Blueprint("accounts", __name__, url_prefix="/beheer")
bp.after_request(no_index)
logger = logging.getLogger(__name__)


def _page(errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    """The accounts page; after a refused password change it shows the errors at their fields."""
    return (
        render_template(
            "admin/accounts.html",
            users=all_users(get_session()),
            errors=errors or {},
            local_time=local_time,
            PASSWORD_MIN=PASSWORD_MIN,
            PASSWORD_MAX=PASSWORD_MAX,
        ),
        status,
    )


def _user_or_404(user_id: int) -> User:
    """The account with this id, or 404."""
    user = get_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/beheerders")
@login_required
def index() -> ResponseReturnValue:
    """Every account with its state, and the form for a new password."""
    return _page()


@bp.route("/beheerders/<int:user_id>/uitschakelen", methods=("POST",))
@login_required
def disable(user_id: int) -> ResponseReturnValue:
    """Disable another reviewer's account: no more logins, its sessions end."""
    user = _user_or_404(user_id)
    if user.id == g.user.id:
        flash("U kunt uw eigen account niet uitschakelen; vraag dat een collega.", "error")
    elif disable_user(get_session(), user):
        logger.info("account disabled user=%s by=%s", user.username, g.reviewer)
        flash(f"Het account ‘{user.username}’ is uitgeschakeld; de open sessies zijn beëindigd.", "success")
    else:
        flash(f"Het account ‘{user.username}’ was al uitgeschakeld.", "info")
    return redirect(url_for("accounts.index"), code=303)


@bp.route("/beheerders/<int:user_id>/inschakelen", methods=("POST",))
@login_required
def enable(user_id: int) -> ResponseReturnValue:
    """Let a disabled account log in again."""
    user = _user_or_404(user_id)
    if enable_user(get_session(), user):
        logger.info("account enabled user=%s by=%s", user.username, g.reviewer)
        flash(f"Het account ‘{user.username}’ is weer ingeschakeld.", "success")
    else:
        flash(f"Het account ‘{user.username}’ was al actief.", "info")
    return redirect(url_for("accounts.index"), code=303)


def _password_errors(current: str, new: str, repeat: str) -> dict[str, str]:
    """Dutch messages per field of the password form; empty when the change may go ahead."""
    errors: dict[str, str] = {}
    if not current or len(current) > PASSWORD_MAX or not verify_password(g.user, current):
        errors["current"] = "Uw huidige wachtwoord klopt niet."
    try:
        check_password(new)
    except ValueError as exc:
        errors["new"] = str(exc)
    if "new" not in errors and new != repeat:
        errors["repeat"] = "De twee nieuwe wachtwoorden zijn niet gelijk."
    return errors


@bp.route("/beheerders/wachtwoord", methods=("POST",))
@login_required
def change_password() -> ResponseReturnValue:
    """A new password of one's own: every other session of the account ends, this one goes on."""
    form = request.form
    errors = _password_errors(form.get("current", ""), form.get("new", ""), form.get("repeat", ""))
    if errors:
        return _page(errors, 400)
    set_password(get_session(), g.user, form["new"])
    session["generation"] = g.user.session_generation  # this session is the one that asked
    logger.info("password changed user=%s", g.reviewer)
    flash("Uw wachtwoord is gewijzigd. Uw andere sessies zijn beëindigd.", "success")
    return redirect(url_for("accounts.index"), code=303)
