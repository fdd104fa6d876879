"""The announcement for the newsletter and the Alliantieraad: new partners, and those who left, since a date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from partners import schema
from partners.dates import nl_date

from ..clock import local_date, start_of_local_day
from ..kinds import APPLICATION, CHANGE
from ..models import Event, Submission
from .markdown import markdown_text
from .sentence import ALLIANCE


def _published_since(session: Session, start: dt.datetime, kind: str) -> list[tuple[dt.datetime, Submission]]:
    """(moment, item) of every item of `kind` published since `start`, oldest first."""
    query = (
        select(Event.at, Submission)
        .join(Submission, Event.submission_id == Submission.id)
        .where(Event.to_state == "gepubliceerd", Event.at >= start, Submission.kind == kind)
        .order_by(Event.at, Submission.id)
    )
    if kind == CHANGE:
        query = query.where(Submission.end_date.is_not(None))
    return [(at, item) for at, item in session.execute(query).all()]


def _partner_line(at: dt.datetime, item: Submission) -> str:
    # As published: the reviewer may have edited the name, type or website before publishing.
    edits = item.record_edits or {}
    name, kind = edits.get("Title", item.organisation_name), edits.get("Type", item.organisation_type)
    website = edits.get("Website", item.website)
    label = schema.TYPE_SINGULAR.get(kind, kind)
    line = f"- **{markdown_text(name)}** ({label}), partner sinds {nl_date(local_date(at))}"
    if website:
        line += f": <{website}>" if not set("<> ") & set(website) else f": {markdown_text(website)}"
    return line


def announcement(session: Session, since: dt.date) -> str:
    """Markdown listing the partners published, and separately those who left, since `since`."""
    start = start_of_local_day(since)
    rows = _published_since(session, start, APPLICATION)
    text = f"# Nieuwe partners sinds {nl_date(since)}\n\n"
    if not rows:
        text += "Er zijn in deze periode geen nieuwe partners gepubliceerd.\n"
    else:
        one = len(rows) == 1
        text += (
            f"Sinds {nl_date(since)} {'is' if one else 'zijn'} {len(rows)} "
            f"{'organisatie' if one else 'organisaties'} partner geworden van de {ALLIANCE}\n\n"
        )
        text += "\n".join(_partner_line(at, item) for at, item in rows) + "\n"
    departed = _published_since(session, start, CHANGE)
    if departed:
        # Departures are their own section: the newsletter thanks them, it does not welcome them.
        text += f"\n## Vertrokken partners sinds {nl_date(since)}\n\n"
        text += (
            "\n".join(
                f"- **{markdown_text(item.organisation_name)}**, partner tot {nl_date(item.end_date)}"
                for _at, item in departed
                if item.end_date is not None
            )
            + "\n"
        )
    return text
