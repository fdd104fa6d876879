"""What a login log line may say about the name that was typed: a reviewer's username, or only a keyed hash."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def logged_username(typed: str, known: bool) -> str:
    """`typed` when it is an account's username; otherwise `unknown:` and 8 hex digits of an HMAC.

    A name that is no account is often a password typed into the wrong field: the log must not hold it,
    yet repeated attempts with the same name must still be recognisable. The key keeps the hash from
    being guessed offline.
    """
    if known:
        return typed
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    digest = hmac.new(key, typed.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return f"unknown:{digest[:8]}"
