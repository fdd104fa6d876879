"""Queue operations shared by the form, the admin and the CLI: add, find, move, note."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from partners.logos import Logo as CheckedLogo

from .models import Event, Logo, Submission, utcnow
from .states import check_transition

SYSTEM_ACTOR = "systeem"


def fingerprint(data: Mapping[str, object], logo: CheckedLogo | None) -> str:
    """Hash of the normalised submission: identical resubmissions share it."""
    normalised = {k: (sorted(v) if isinstance(v, (list, tuple)) else str(v).strip().casefold()) for k, v in data.items()}
    payload = json.dumps(normalised, sort_keys=True, ensure_ascii=False)
    if logo is not None:
        payload += hashlib.sha256(logo.data).hexdigest()
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def add_submission(
    session: Session, data: Mapping[str, object], logo: CheckedLogo | None, *, state: str = "nieuw",
    mails: Callable[[Submission], list] | None = None,
) -> tuple[Submission, bool]:
    """Store a submission, its logo and its outbox mails in one transaction; (item, False) for a duplicate.

    `mails(item)` returns the OutboxMessage rows to queue for the new item.
    """
    print_ = fingerprint(data, logo)
    existing = session.scalar(select(Submission).where(Submission.fingerprint == print_))
    if existing is not None:
        return existing, False
    item = Submission(fingerprint=print_, state=state, **data)
    if logo is not None:
        item.logo = Logo(data=logo.data, kind=logo.kind, width=logo.width, height=logo.height,
                         sha256=hashlib.sha256(logo.data).hexdigest())
    item.events.append(Event(actor=SYSTEM_ACTOR, from_state="", to_state=state, note="Ontvangen via het formulier"))
    session.add(item)
    try:
        session.flush()
        for message in mails(item) if mails else ():
            message.submission_id = item.id
            session.add(message)
        session.commit()
    except IntegrityError:
        # A concurrent identical submission won the race: that one is the queue item.
        session.rollback()
        existing = session.scalar(select(Submission).where(Submission.fingerprint == print_))
        if existing is None:
            raise
        return existing, False
    return item, True


def get(session: Session, item_id: int) -> Submission | None:
    """One item with its logo and history."""
    return session.scalar(
        select(Submission).options(selectinload(Submission.events), selectinload(Submission.logo)).where(Submission.id == item_id)
    )


def change_state(session: Session, item: Submission, target: str, actor: str, note: str = "", *, publishing: bool = False) -> Event:
    """Move an item to `target` if the procedure allows it, recording who, when and why."""
    check_transition(item.state, target, publishing=publishing, kind=item.kind)
    event = Event(actor=actor, from_state=item.state, to_state=target, note=note.strip())
    item.events.append(event)
    item.state = target
    item.updated_at = utcnow()
    return event


def add_note(session: Session, item: Submission, actor: str, note: str) -> Event:
    """A note without a state change."""
    event = Event(actor=actor, from_state=item.state, to_state=item.state, note=note.strip())
    item.events.append(event)
    item.updated_at = utcnow()
    return event


def search(session: Session, *, state: str | None = None, kind: str | None = None, text: str | None = None,
           organisation_type: str | None = None, limit: int = 200) -> list[Submission]:
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
        query = query.where(or_(func.lower(Submission.organisation_name).like(like),
                                func.lower(Submission.email).like(like),
                                func.lower(Submission.city).like(like)))
    return list(session.scalars(query))


def counts(session: Session) -> dict[str, int]:
    """Number of items per state."""
    rows = session.execute(select(Submission.state, func.count()).group_by(Submission.state))
    return {state: number for state, number in rows}
