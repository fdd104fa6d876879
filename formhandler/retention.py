"""How long signed agreements are kept: while the partnership lasts, and SIGNED_RETENTION_DAYS after its end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from partners.records import read_record

from .kinds import APPLICATION, CHANGE
from .models import SignedAgreement, Submission


def partnership_end(session: Session, item: Submission, content_dir: str | Path) -> dt.date | None:
    """The last day of the partnership an application started, or None while it runs (or never began)."""
    # The queue knows a departure it published itself; an editor's hand-written Until is in the record.
    ends = session.scalars(
        select(Submission.end_date).where(
            Submission.kind == CHANGE,
            Submission.state == "gepubliceerd",
            Submission.target_slug == item.published_slug,
            Submission.end_date.is_not(None),
        )
    ).all()
    if ends:
        return max(end for end in ends if end is not None)
    path = Path(content_dir) / "partners" / f"{item.published_slug}.md"
    if not path.is_file():
        return None
    record, _problems = read_record(path, Path(content_dir), check_logo_file=False)
    return record.until if record is not None else None


def keeps_agreement(session: Session, item: Submission, content_dir: str | Path, days: int, today: dt.date) -> bool:
    """True while a published application's signed agreement must be kept: during the partnership and `days` after."""
    if item.kind != APPLICATION or item.state != "gepubliceerd" or not item.published_slug:
        return False
    end = partnership_end(session, item, content_dir)
    return end is None or today <= end + dt.timedelta(days=days)


def why_kept(session: Session, item: Submission, content_dir: str | Path, days: int, today: dt.date) -> str:
    """The Dutch reason an item's data stays (for `privacy erase`), or '' when nothing keeps it."""
    if not keeps_agreement(session, item, content_dir, days, today):
        return ""
    end = partnership_end(session, item, content_dir)
    if end is None or end >= today:
        return (
            f"{item.organisation_name} (nummer {item.id}) is partner (partners/{item.published_slug}.md). "
            f"De getekende overeenkomst en de contactgegevens worden bewaard zolang het partnerschap duurt "
            f"en {days} dagen daarna."
        )
    return (
        f"Het partnerschap van {item.organisation_name} (nummer {item.id}) eindigde op {end.isoformat()}; "
        f"de getekende overeenkomst wordt tot {days} dagen daarna bewaard "
        f"(tot en met {(end + dt.timedelta(days=days)).isoformat()})."
    )


def expired_agreements(session: Session, content_dir: str | Path, days: int, today: dt.date) -> list[SignedAgreement]:
    """Signed agreements of published partnerships that ended more than `days` days ago."""
    published = session.scalars(
        select(Submission).where(Submission.kind == APPLICATION, Submission.state == "gepubliceerd")
    ).all()
    ids = [
        item.id
        for item in published
        if item.published_slug and not keeps_agreement(session, item, content_dir, days, today)
    ]
    if not ids:
        return []
    query = select(SignedAgreement).where(SignedAgreement.submission_id.in_(ids)).order_by(SignedAgreement.id)
    return list(session.scalars(query))
