"""Mail through a durable outbox: rows written with the submission, sent after commit, retried with backoff.

A message is marked sent only after the backend accepted it; a crash between acceptance and the
mark means one re-send after the claim lease, recognisable by its stable Message-ID.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..models import OutboxMessage
from .backends import BACKENDS, Unreachable, logger, scrub
from .messages import status_footer

BACKOFF_CAP = dt.timedelta(hours=1)
# A claimed row is left alone by other drainers this long; beyond it a crashed drainer's row is retried.
LEASE = dt.timedelta(minutes=10)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: 1, 2, 4 … minutes, at most an hour."""
    return min(dt.timedelta(minutes=2 ** min(max(attempts - 1, 0), 10)), BACKOFF_CAP)


def claim(session: Session, row_id: int, now: dt.datetime, lease: dt.timedelta = LEASE) -> OutboxMessage | None:
    """Take one due row for this drainer, or None when another drainer has it or it is sent."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
        .values(next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    claimed = cast(CursorResult[Any], result).rowcount
    row = session.get(OutboxMessage, row_id, populate_existing=True) if claimed == 1 else None
    session.commit()  # no transaction stays open while we talk to the mail server
    return row


def _record(session: Session, row: OutboxMessage, now: dt.datetime, error: str | None) -> None:
    """Mark the row sent, or count the failed attempt and set the next one."""
    if error is None:
        values: dict[str, object] = dict(sent_at=now, last_error="")
    else:
        attempts = row.attempts + 1
        values = dict(attempts=attempts, last_error=error, next_attempt_at=now + backoff(attempts))
        logger.warning("Mail %s niet verstuurd (poging %s): %s", row.id, attempts, error)
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def send_pending(
    session: Session,
    now: dt.datetime | None = None,
    limit: int = 100,
    *,
    submission_id: int | None = None,
    deadline: float | None = None,
) -> tuple[int, int]:
    """Send due unsent messages (optionally only one submission's) until `deadline` (monotonic); (sent, failed)."""
    now = now or utcnow()
    query = select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
    if submission_id is not None:
        query = query.where(OutboxMessage.submission_id == submission_id)
    due = list(session.scalars(query.order_by(OutboxMessage.id).limit(limit)))
    session.commit()
    config = current_app.config
    backend = BACKENDS[config["MAIL_BACKEND"]](config)
    # The lease must outlast one slow send, or a second drainer could take the row meanwhile.
    lease = max(LEASE, dt.timedelta(seconds=10 * float(config["SMTP_TIMEOUT"])))
    sent = failed = 0
    down: str | None = None
    try:
        for row_id in due:
            if down is None and deadline is not None and time.monotonic() > deadline:
                break  # out of time; once the server is known down, deferring the rest costs nothing
            row = claim(session, row_id, now, lease)
            if row is None:
                continue
            error = down
            if error is None:
                try:
                    backend.send(row, status_footer(session, row, config))
                except Unreachable as exc:
                    error = down = str(exc)  # defer the rest of this run without waiting again
                except Exception as exc:  # refused recipient, bad data or setting: this message only
                    error = scrub(exc)
            _record(session, row, now, error)
            sent, failed = sent + (error is None), failed + (error is not None)
    finally:
        backend.close()
    return sent, failed


def send_after_commit(submission_id: int) -> tuple[int, int]:
    """Best effort: send a just-stored submission's mail now; never raises, bounded by SMTP_TIMEOUT."""
    try:
        deadline = time.monotonic() + float(current_app.config["SMTP_TIMEOUT"])
        # A session of its own: the caller's session and transaction stay untouched.
        with current_app.extensions["formhandler.sessionmaker"]() as session:
            return send_pending(session, submission_id=submission_id, deadline=deadline)
    except Exception as exc:  # the submission is safe in the outbox; `mail send` retries
        logger.error("Mail na opslaan niet verstuurd; blijft in de wachtrij: %s", scrub(exc))
        return 0, 0


def send_now(submission_id: int) -> None:
    """With MAIL_SEND_INLINE, send a just-stored item's mail right away; otherwise the outbox timer does."""
    # Production leaves it to `flask --app formhandler mail send` every minute: sending inline
    # costs several synced commits and an SMTP round trip inside the applicant's request.
    if current_app.config["MAIL_SEND_INLINE"]:
        send_after_commit(submission_id)  # never raises: the item is stored, the outbox retries


def status(session: Session) -> dict[str, int]:
    """Counts: waiting, sent, waiting after at least one failed attempt."""
    pending = OutboxMessage.sent_at.is_(None)
    count = select(func.count()).select_from(OutboxMessage)
    return {
        "wachtend": session.scalar(count.where(pending)) or 0,
        "verstuurd": session.scalar(count.where(OutboxMessage.sent_at.is_not(None))) or 0,
        "mislukt": session.scalar(count.where(pending, OutboxMessage.attempts > 0)) or 0,
    }
