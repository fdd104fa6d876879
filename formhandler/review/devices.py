"""Known devices: a signed cookie, set at a successful login, that lets its browser pass an attacker's account lock.

Failed logins on a known device count against that device only; the failures of everyone else count
against the account. An attacker who knows a username therefore locks out the unknown devices, not
the reviewer's own browser.
"""

from __future__ import annotations

import secrets

from flask import Request, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

COOKIE = "beheer_apparaat"
SALT = "formhandler.review.known-device"
#: How long a browser stays known without a new login.
DEVICE_DAYS = 180
_MAX_AGE = DEVICE_DAYS * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=SALT)


def known_device(request: Request, username: str) -> str | None:
    """The device id when this browser logged in as `username` before (signature and age checked), else None."""
    raw = request.cookies.get(COOKIE, "")
    if not raw or len(raw) > 200:
        return None
    try:
        data = _serializer().loads(raw, max_age=_MAX_AGE)
    except (BadSignature, TypeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("user") != username or not isinstance(data.get("device"), str):
        return None
    return data["device"]


def remember_device(response: Response, username: str, device: str | None = None) -> None:
    """Mark this browser as a known device of `username` (a fresh id unless it already had one)."""
    token = _serializer().dumps({"user": username, "device": device or secrets.token_urlsafe(12)})
    response.set_cookie(
        COOKIE,
        token,
        max_age=_MAX_AGE,
        path="/beheer/",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Strict",
    )
