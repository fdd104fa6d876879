"""A reviewer's step along the procedure, from the admin or the command line, with its message to the applicant."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from .. import publishing
from ..agreement.documents import documents_for
from ..clock import utcnow
from ..kinds import CHANGE
from ..mail.messages import Draft, enqueue, partner_page
from ..models import Event, OutboxMessage, Submission
from ..publishing.change import approved_record_hash
from ..queue import add_note, change_state
from ..states import READY_TO_PUBLISH, check_transition


def move(item: Submission, target: str, actor: str, note: str = "", *, content_dir: str | Path) -> Event:
    """Move `item` to `target` (TransitionError when not allowed); approving a change fixes the record's sha256."""
    check_transition(item.state, target, kind=item.kind)
    if item.kind == CHANGE and target == READY_TO_PUBLISH[CHANGE]:
        item.record_sha256 = approved_record_hash(content_dir, item.target_slug)
    return change_state(item, target, actor, note)


def take_step(
    session: Session,
    item: Submission,
    target: str,
    actor: str,
    note: str,
    draft: Draft | None,
    *,
    content_dir: str | Path,
    now: dt.datetime | None = None,
) -> OutboxMessage | None:
    """Move the item and queue its message, with the agreement at stukken_verstuurd; the caller commits."""
    # The agreement is made now and stored with the message: a retry sends exactly what was offered.
    move(item, target, actor, note, content_dir=content_dir)
    if draft is None:
        return None
    attachments = documents_for(item, now or utcnow()) if target == "stukken_verstuurd" else []
    return enqueue(session, item, draft, actor, attachments)


def publish_step(
    session: Session,
    item: Submission,
    actor: str,
    draft: Draft | None,
    *,
    content_dir: str | Path,
    slug: str = "",
    note: str = "",
) -> publishing.Publication:
    """Publish through `publishing`, then, only once that succeeded, note the reviewer's words, queue the message."""
    publication = publishing.publish(session, item, content_dir, actor)
    if note.strip():
        add_note(item, actor, note)
    if draft is not None:
        # The preview linked to the page under the slug expected then; the published one is the truth.
        body = draft.body.replace(partner_page(slug), partner_page(publication.slug)) if slug else draft.body
        enqueue(session, item, Draft(draft.subject, body), actor)
    session.commit()
    return publication
