"""What the detail page shows of the procedure: the signed agreements and the messages sent to the applicant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import OutboxMessage, SignedAgreement, Submission


def signed_agreements(session: Session, item_id: int) -> list[SignedAgreement]:
    """The signed agreements of an item, oldest first."""
    query = select(SignedAgreement).where(SignedAgreement.submission_id == item_id).order_by(SignedAgreement.id)
    return list(session.scalars(query))


def procedure_view(session: Session, item: Submission) -> dict[str, Any]:
    """The detail page's view of the procedure: documents back, and every mail about this item."""
    mails = session.scalars(
        select(OutboxMessage).where(OutboxMessage.submission_id == item.id).order_by(OutboxMessage.id)
    )
    return dict(signed=signed_agreements(session, item.id), mails=list(mails))
