"""Privacy duties of the queue: describe items, purge closed ones, export and erase one person's data."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import re
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from .clock import utcnow
from .db import scrub_freed_space
from .models import Event, Logo, OutboxAttachment, OutboxMessage, SignedAgreement, StatusToken, Submission
from .states import CLOSING
from .unicode_keys import email_key, nfc

#: What replaces a person's name, address or phone number in notes on other items.
REDACTED = "[verwijderd]"
#: Shorter values (initials, a first name of two letters) would blank unrelated words.
REDACT_MIN = 3


@dataclasses.dataclass
class Removed:
    """How many rows a purge or erase removed (or would remove)."""

    items: int = 0
    logos: int = 0
    events: int = 0
    mails: int = 0
    agreements: int = 0
    published_slugs: list[str] = dataclasses.field(default_factory=list)
    #: Notes on other items in which the person's name, address or phone number was replaced.
    notes: int = 0
    #: False when the database's log could not be emptied yet (another connection was reading).
    scrubbed: bool = True


def _value(value: Any) -> Any:
    """A JSON-safe value."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def describe(item: Submission, *, with_history: bool = True) -> dict[str, Any]:
    """Every column of an item, its logo as size and type only, and its history."""
    data = {column.name: _value(getattr(item, column.key)) for column in Submission.__table__.columns}
    data["logo"] = (
        {
            "type": item.logo.kind,
            "bytes": len(item.logo.data),
            "width": item.logo.width,
            "height": item.logo.height,
            "sha256": item.logo.sha256,
        }
        if item.logo is not None
        else None
    )
    if with_history:
        data["history"] = [
            {"at": _value(e.at), "actor": e.actor, "from_state": e.from_state, "to_state": e.to_state, "note": e.note}
            for e in item.events
        ]
    return data


def purge_candidates(session: Session, days: int, now: dt.datetime | None = None) -> list[Submission]:
    """Closed items (afgewezen, ingetrokken, spam) whose last change is more than `days` days ago."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    query = select(Submission).where(Submission.state.in_(CLOSING), Submission.updated_at < cutoff)
    return list(session.scalars(query.order_by(Submission.id)))


def remove(
    session: Session, items: list[Submission], extra_mails: ColumnElement[bool] | None = None, *, dry_run: bool = False
) -> Removed:
    """Delete `items` with their logos, events and outbox mails (plus `extra_mails`), then commit."""
    ids = [item.id for item in items]
    mail_filter: ColumnElement[bool] = OutboxMessage.submission_id.in_(ids)
    if extra_mails is not None:
        mail_filter = or_(mail_filter, extra_mails)
    count = Removed(
        items=len(ids),
        logos=session.scalar(select(func.count()).select_from(Logo).where(Logo.submission_id.in_(ids))) or 0,
        events=session.scalar(select(func.count()).select_from(Event).where(Event.submission_id.in_(ids))) or 0,
        mails=session.scalar(select(func.count()).select_from(OutboxMessage).where(mail_filter)) or 0,
        agreements=session.scalar(
            select(func.count()).select_from(SignedAgreement).where(SignedAgreement.submission_id.in_(ids))
        )
        or 0,
        published_slugs=sorted(item.published_slug for item in items if item.published_slug),
    )
    if dry_run:
        return count
    # Explicit deletes, children first: does not rely on the database honouring ON DELETE CASCADE.
    mail_ids = select(OutboxMessage.id).where(mail_filter)
    session.execute(delete(OutboxAttachment).where(OutboxAttachment.outbox_id.in_(mail_ids)))
    session.execute(delete(StatusToken).where(StatusToken.submission_id.in_(ids)))
    session.execute(delete(SignedAgreement).where(SignedAgreement.submission_id.in_(ids)))
    session.execute(delete(OutboxMessage).where(mail_filter))
    session.execute(delete(Event).where(Event.submission_id.in_(ids)))
    session.execute(delete(Logo).where(Logo.submission_id.in_(ids)))
    session.execute(delete(Submission).where(Submission.id.in_(ids)))
    session.commit()
    session.expunge_all()
    count.scrubbed = scrub_freed_space(session.get_bind().engine)
    return count


def _naming_notes(session: Session, items: list[Submission]) -> list[tuple[Event, str]]:
    """(note, its redacted text) for every note on another item that names a person of `items`."""
    needles = {
        nfc(value.strip())
        for item in items
        for value in (item.contact_name, item.email, item.phone)
        if value and len(value.strip()) >= REDACT_MIN
    }
    if not needles:
        return []
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)), re.IGNORECASE)
    others = select(Event).where(Event.note != "", Event.submission_id.not_in([item.id for item in items]))
    found = [(event, pattern.sub(REDACTED, nfc(event.note))) for event in session.scalars(others)]
    return [(event, text) for event, text in found if text != event.note]


def _by_email(email: str) -> ColumnElement[bool]:
    # email_key, not SQL lower(): SQLite's lower() leaves 'Å' and 'Ö' as they are (issue 20).
    return Submission.email_key == email_key(email)


def _mail_to(session: Session, email: str) -> ColumnElement[bool]:
    """Mails to this address, also when it is written as "Naam <adres>" in the outbox."""
    # Compared in Python with the same key: a rare command, and no SQL function folds case in every script.
    key = email_key(email)
    rows = session.execute(select(OutboxMessage.id, OutboxMessage.to_addr))
    return OutboxMessage.id.in_([row.id for row in rows if email_key(row.to_addr or "") == key])


def items_of(session: Session, email: str) -> list[Submission]:
    """Every item submitted with this email address (case-insensitive)."""
    return list(session.scalars(select(Submission).where(_by_email(email)).order_by(Submission.id)))


def export_person(session: Session, email: str) -> dict[str, Any]:
    """Everything held about one email address: items with history, and the mails to or about it."""
    items = items_of(session, email)
    ids = [item.id for item in items]
    mails = session.scalars(
        select(OutboxMessage)
        .where(or_(OutboxMessage.submission_id.in_(ids), _mail_to(session, email)))
        .order_by(OutboxMessage.id)
    )
    return {
        "email": email.strip(),
        "exported_at": utcnow().isoformat(),
        "submissions": [describe(item) for item in items],
        "mails": [
            {
                **{column.name: _value(getattr(mail, column.key)) for column in OutboxMessage.__table__.columns},
                "attachments": [_file(a.filename, a.mimetype, a.data) for a in mail.attachments],
            }
            for mail in mails
        ],
        "signed_agreements": [
            {"submission_id": doc.submission_id, "uploaded_at": _value(doc.uploaded_at), "pages": doc.pages}
            | _file(f"getekende-overeenkomst-{doc.submission_id}-{doc.id}.{doc.kind}", doc.kind, doc.data)
            for doc in session.scalars(
                select(SignedAgreement).where(SignedAgreement.submission_id.in_(ids)).order_by(SignedAgreement.id)
            )
        ],
    }


def _file(name: str, kind: str, data: bytes) -> dict[str, Any]:
    """A document in an export: listed by name, type and size, and included whole (base64)."""
    return {"filename": name, "type": kind, "bytes": len(data), "base64": base64.b64encode(data).decode("ascii")}


def erase_person(session: Session, email: str, *, dry_run: bool = False) -> Removed:
    """Delete every item of this email address and every mail to it; published records hold nothing personal."""
    items = items_of(session, email)
    notes = _naming_notes(session, items)
    if not dry_run:
        for event, text in notes:  # written by remove()'s commit, together with the deletes
            event.note = text
    removed = remove(session, items, _mail_to(session, email), dry_run=dry_run)
    removed.notes = len(notes)
    return removed
