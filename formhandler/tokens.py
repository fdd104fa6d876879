"""The applicant's private status links: random tokens, kept only as their sha256, valid until a while after closing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import utcnow
from .models import StatusToken, Submission
from .states import FINAL_STATES

#: The status page's address under PUBLIC_URL, and the query parameter that carries the token.
STATUS_PATH = "/aanmelden/status/"
TOKEN_PARAMETER = "code"
# secrets.token_urlsafe(32): 43 characters of A-Z, a-z, 0-9, - and _.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_IN_TEXT = re.compile(rf"({TOKEN_PARAMETER}=)[A-Za-z0-9_-]+")


def token_hash(token: str) -> str:
    """The sha256 of a token, hex: the only form in which a token is stored."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def mint(session: Session, submission_id: int) -> str:
    """A new token for an item, its hash added to the session (the caller commits); the token itself is returned."""
    token = secrets.token_urlsafe(32)
    session.add(StatusToken(submission_id=submission_id, token_hash=token_hash(token)))
    return token


def status_url(public_url: str, token: str) -> str:
    """The absolute link to the status page that carries `token`."""
    return f"{public_url.rstrip('/')}{STATUS_PATH}?{urlencode({TOKEN_PARAMETER: token})}"


def redact(text: str) -> str:
    """`text` with the value of every status token parameter replaced, for logs."""
    return _IN_TEXT.sub(r"\1[verborgen]", text)


def closed_at(item: Submission) -> dt.datetime | None:
    """When the item reached its final state, or None while it is open."""
    if item.state not in FINAL_STATES:
        return None
    moments = [event.at for event in item.events if event.to_state == item.state and event.from_state != item.state]
    return max(moments) if moments else item.updated_at


def link_alive(item: Submission, days: int, now: dt.datetime | None = None) -> bool:
    """True while the item is open, or closed less than `days` days ago (never for spam)."""
    if item.state == "spam":
        return False
    closed = closed_at(item)
    return closed is None or (now or utcnow()) - closed < dt.timedelta(days=days)


def find(session: Session, token: str, days: int, now: dt.datetime | None = None) -> Submission | None:
    """The item a token belongs to while its link is alive; None for a malformed, unknown or expired token."""
    if not TOKEN_RE.match(token or ""):
        return None
    return item_for_hash(session, token_hash(token), days, now)


def item_for_hash(session: Session, hashed: str, days: int, now: dt.datetime | None = None) -> Submission | None:
    """The item of a stored token hash while its link is alive, else None."""
    item = session.scalar(
        select(Submission)
        .join(StatusToken, StatusToken.submission_id == Submission.id)
        .where(StatusToken.token_hash == hashed)
    )
    if item is None or not link_alive(item, days, now):
        return None
    return item
