"""The queue: store a submission, find and search items, count them, and record each step of their history."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from flask import current_app
from sqlalchemy import Insert, bindparam, func, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, selectinload

from partners.logos import Logo as CheckedLogo

from .clock import utcnow
from .kinds import APPLICATION
from .models import Event, Logo, OutboxMessage, Submission
from .states import check_transition
from .unicode_keys import email_key, fold, nfc_values

SYSTEM_ACTOR = "systeem"
RECEIVED_NOTE = "Ontvangen via het formulier"
#: Builds the outbox mails of a new item from an object with the item's attributes.
MailBuilder = Callable[[Any], list[OutboxMessage]]


def fingerprint(data: Mapping[str, object], logo: CheckedLogo | None) -> str:
    """Hash of the normalised submission: identical resubmissions share it."""
    # fold(): names typed in NFC and in NFD, or in another case, are one submission.
    normalised = {k: (sorted(v) if isinstance(v, (list, tuple)) else fold(str(v).strip())) for k, v in data.items()}
    payload = json.dumps(normalised, sort_keys=True, ensure_ascii=False)
    if logo is not None:
        payload += hashlib.sha256(logo.data).hexdigest()
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def event_values(actor: str, from_state: str, to_state: str, note: str = "") -> dict[str, str]:
    """The one shape of a history entry: who, from which state to which, and why."""
    return {"actor": actor, "from_state": from_state, "to_state": to_state, "note": note.strip()}


# Built once: building a statement anew for every application costs more than executing it.
_FIND_BY_FINGERPRINT = select(Submission.id).where(Submission.fingerprint == bindparam("fingerprint"))
_INSERT_LOGO = insert(Logo)
_INSERT_EVENT = insert(Event)
_INSERT_OUTBOX = insert(OutboxMessage)


def _insert_new_submission(dialect_insert: Callable[..., Any]) -> Insert:
    """INSERT ... ON CONFLICT (fingerprint) DO NOTHING RETURNING id: no id back means a duplicate."""
    return dialect_insert(Submission).on_conflict_do_nothing(index_elements=["fingerprint"]).returning(Submission.id)


# Both backends speak ON CONFLICT; one statement replaces a look-up, a savepoint and its release.
_INSERT_SUBMISSION = {
    "sqlite": _insert_new_submission(sqlite_insert),
    "postgresql": _insert_new_submission(postgresql_insert),
}


def insert_submission(
    connection: Connection,
    data: Mapping[str, object],
    logo: CheckedLogo | None,
    *,
    state: str = "nieuw",
    mails: MailBuilder | None = None,
) -> tuple[int, bool]:
    """Insert a submission, its logo, first event and mails in the caller's transaction; (id, created)."""
    # A resubmission gives (id of the stored one, False), also when an identical one is committed
    # concurrently. Core statements, not the ORM: this runs once per application, where the ORM's
    # unit of work would cost several times as much.
    data = nfc_values(data)  # where data enters: stored in NFC, whichever form the browser sent
    print_ = fingerprint(data, logo)
    statement = _INSERT_SUBMISSION[connection.dialect.name]
    values = {**data, "email_key": email_key(str(data.get("email") or "")), "fingerprint": print_, "state": state}
    item_id = connection.scalar(statement, values)
    if item_id is None:
        return connection.execute(_FIND_BY_FINGERPRINT, {"fingerprint": print_}).scalar_one(), False
    if logo is not None:
        connection.execute(
            _INSERT_LOGO,
            {
                "submission_id": item_id,
                "data": logo.data,
                "kind": logo.kind,
                "width": logo.width,
                "height": logo.height,
                "sha256": hashlib.sha256(logo.data).hexdigest(),
            },
        )
    connection.execute(
        _INSERT_EVENT, {"submission_id": item_id, **event_values(SYSTEM_ACTOR, "", state, RECEIVED_NOTE)}
    )
    item = SimpleNamespace(**{"kind": APPLICATION, **data, "id": item_id, "state": state})
    rows = [_outbox_values(message, item_id) for message in (mails(item) if mails else ())]
    if rows:
        connection.execute(_INSERT_OUTBOX, rows)
    return item_id, True


def _outbox_values(message: OutboxMessage, submission_id: int) -> dict[str, object]:
    """Column values of an unsaved OutboxMessage; unset columns take their defaults on insert."""
    values = {
        column.key: getattr(message, column.key)
        for column in OutboxMessage.__table__.columns
        if getattr(message, column.key) is not None
    }
    values["submission_id"] = submission_id
    # Rows of one multi-row INSERT need the same keys: the flag is False unless a mail set it.
    values["status_link"] = bool(message.status_link)
    return values


def add_submission(
    session: Session,
    data: Mapping[str, object],
    logo: CheckedLogo | None,
    *,
    state: str = "nieuw",
    mails: MailBuilder | None = None,
) -> tuple[Submission, bool]:
    """Store a submission in its own transaction (CLI, tests); (item, False) for a duplicate."""
    item_id, created = insert_submission(session.connection(), data, logo, state=state, mails=mails)
    session.commit()
    item = get(session, item_id)
    session.commit()  # the read began a transaction; on SQLite that holds the write lock
    assert item is not None  # just committed
    return item, created


def submit(
    data: Mapping[str, object],
    logo: CheckedLogo | None,
    *,
    state: str = "nieuw",
    mails: MailBuilder | None = None,
) -> tuple[int, bool]:
    """Store a submission from a request in a transaction of its own; returns once it is committed."""
    with current_app.extensions["formhandler.engine"].begin() as connection:
        return insert_submission(connection, data, logo, state=state, mails=mails)


def get(session: Session, item_id: int) -> Submission | None:
    """One item with its logo and history."""
    return session.scalar(
        select(Submission)
        .options(selectinload(Submission.events), selectinload(Submission.logo))
        .where(Submission.id == item_id)
    )


def change_state(
    item: Submission,
    target: str,
    actor: str,
    note: str = "",
    *,
    publishing: bool = False,
    at: dt.datetime | None = None,
) -> Event:
    """Move an item to `target` if the procedure of its kind allows it, recording who, when and why."""
    check_transition(item.state, target, publishing=publishing, kind=item.kind)
    return _record(item, target, actor, note, at)


def add_note(item: Submission, actor: str, note: str) -> Event:
    """A note in the history without a state change."""
    return _record(item, item.state, actor, note, None)


def _record(item: Submission, to_state: str, actor: str, note: str, at: dt.datetime | None) -> Event:
    """Append the history entry and move the item; the caller commits."""
    at = at or utcnow()
    event = Event(**event_values(actor, item.state, to_state, note), at=at)
    item.events.append(event)
    item.state = to_state
    item.updated_at = at
    return event


def search(
    session: Session,
    *,
    state: str | None = None,
    kind: str | None = None,
    text: str | None = None,
    organisation_type: str | None = None,
    limit: int = 200,
) -> list[Submission]:
    """Items newest first, filtered by state, kind, type and a free-text search."""
    query = select(Submission).order_by(Submission.created_at.desc(), Submission.id.desc()).limit(limit)
    if state:
        query = query.where(Submission.state == state)
    if kind:
        query = query.where(Submission.kind == kind)
    if organisation_type:
        query = query.where(Submission.organisation_type == organisation_type)
    if text:
        like = f"%{text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Submission.organisation_name).like(like),
                func.lower(Submission.email).like(like),
                func.lower(Submission.city).like(like),
            )
        )
    return list(session.scalars(query))


def counts(session: Session) -> dict[str, int]:
    """Number of items per state."""
    rows = session.execute(select(Submission.state, func.count()).group_by(Submission.state))
    return {state: number for state, number in rows}  # noqa: C416 -- dict(rows) does not type-check
