"""The bot check of both public forms: a honeypot field and a signed minimum fill time, no CAPTCHA."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

STARTED_SALT = "formhandler.registration.started"


def started_token(now: float | None = None) -> str:
    """A signed timestamp of the moment the form was shown."""
    serializer = URLSafeTimedSerializer(current_app.secret_key or "", salt=STARTED_SALT)
    return serializer.dumps(time.time() if now is None else now)


def seconds_since_started(token: str, now: float | None = None) -> float | None:
    """Seconds since the form was shown, or None when the value is missing or forged."""
    serializer = URLSafeTimedSerializer(current_app.secret_key or "", salt=STARTED_SALT)
    try:
        started = float(serializer.loads(token or ""))
    except (BadSignature, TypeError, ValueError):
        return None
    return (time.time() if now is None else now) - started


def bot_reason(form: Any) -> str | None:
    """Why this looks like a bot (honeypot filled, forged or too-fast fill time), or None."""
    if (form.homepage_url.data or "").strip():
        return "honeypot"
    elapsed = seconds_since_started(form.started.data or "")
    if elapsed is None:
        return "fill-time-signature"
    if elapsed < float(current_app.config["MIN_FILL_SECONDS"]):
        return "fill-time-too-fast"
    return None
