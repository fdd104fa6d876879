"""Publishing a signed application: a new partner record and logo, as edited by the reviewer, checked as built."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from partners import schema
from partners.logos import LogoError, check_logo
from partners.records import PARTNERS_DIR, read_record
from partners.render import make_slug, render_record
from partners.validate import InvalidValue, Problem

from ..clock import local_date, utcnow
from ..models import Submission
from ..queue import change_state
from ..states import READY_TO_PUBLISH, STATES
from .errors import PublishError
from .publication import Publication
from .sentence import ALLIANCE, partner_sentence

__all__ = ["ALLIANCE", "ApplicationJob", "build", "defaults", "render", "round_trip_problems", "values"]


def defaults(item: Submission, today: dt.date) -> dict[str, Any]:
    """The record as the applicant gave it, with the generated sentence as its description."""
    return {
        "Title": item.organisation_name.strip(),
        "Type": item.organisation_type,
        "Website": item.website,
        "Summary": "",
        "Sector": "",
        "Contributions": list(item.contributions or ()),
        "description": partner_sentence(item.organisation_name, today),
    }


def values(item: Submission, today: dt.date) -> dict[str, Any]:
    """The defaults with the reviewer's edits over them; an unedited description names the edited title."""
    edits = dict(item.record_edits or {})
    result = {**defaults(item, today), **edits}
    if "description" not in edits:
        result["description"] = partner_sentence(result["Title"], today)
    return result


def render(item: Submission, content_dir: str | Path | None = None, today: dt.date | None = None) -> Publication:
    """Render the public record of `item` from organisation data and the reviewer's edits only, and re-validate it."""
    publication = build(item, today or local_date(utcnow()))
    problems = round_trip_problems(publication)
    if problems:
        reasons = "; ".join(f"{p.field}: {p.reason}" for p in problems)
        raise PublishError(f"Het partnerrecord is niet geldig: {reasons}.")
    return publication


def build(item: Submission, today: dt.date) -> Publication:
    """The record and logo of `item`, not yet read back as the build will."""
    chosen = values(item, today)
    slug = make_slug(chosen["Title"])
    logo_filename, logo_bytes = "", b""
    if item.logo is not None:
        try:
            checked = check_logo(item.logo.data)
        except LogoError as exc:
            raise PublishError(f"Het logo kan niet worden gepubliceerd: {exc}.") from None
        if checked.kind != item.logo.kind:
            raise PublishError(
                "Het logo kan niet worden gepubliceerd: het opgeslagen formaat klopt niet met de inhoud."
            )
        logo_filename, logo_bytes = slug + checked.extension, item.logo.data
    # Only organisation data: never contact_name, email, phone, role, motivation or contribution_text.
    fields = {
        "Title": chosen["Title"],
        "Slug": slug,
        "Type": chosen["Type"],
        "Website": chosen["Website"],
        "Logo": f"{schema.LOGO_DIR}/{logo_filename}" if logo_filename else "",
        "Since": today,
        "Summary": chosen["Summary"],
        "Sector": chosen["Sector"],
        "Contributions": list(chosen["Contributions"]),
    }
    try:
        text = render_record(fields, chosen["description"])
    except InvalidValue as exc:
        raise PublishError(f"De gegevens passen niet in een partnerrecord: {exc}.") from None
    return Publication(slug, text, logo_filename, logo_bytes)


def round_trip_problems(publication: Publication) -> list[Problem]:
    """Write the files to a scratch folder and read them back exactly as the build will; what is wrong."""
    with tempfile.TemporaryDirectory(prefix="publiceren-") as scratch:
        content = Path(scratch)
        (content / PARTNERS_DIR).mkdir()
        (content / schema.LOGO_DIR).mkdir()
        publication.record_path(content).write_text(publication.record_text, encoding="utf-8")
        logo = publication.logo_path(content)
        if logo is not None:
            logo.write_bytes(publication.logo_bytes)
        _record, problems = read_record(publication.record_path(content), content)
    return problems


@dataclasses.dataclass
class ApplicationJob:
    """A signed application becomes a new partner: its record and logo, never over an existing file."""

    item: Submission
    actor: str
    now: dt.datetime = dataclasses.field(default_factory=utcnow)

    def prepare(self, session: Session, content: Path) -> Publication:
        """Check the item is (still) ready, then render it."""
        session.refresh(self.item)  # another reviewer may have published it while we waited for the lock
        ready = READY_TO_PUBLISH[self.item.kind]
        if self.item.state != ready:
            raise PublishError(
                f"Alleen een item met de status ‘{STATES[ready]}’ kan worden gepubliceerd; "
                f"dit item heeft de status ‘{STATES.get(self.item.state, self.item.state)}’."
            )
        return render(self.item, today=local_date(self.now))

    def message(self, publication: Publication) -> str:
        """The commit message: the partner and the queue item, never a person."""
        return (
            f"Nieuwe partner: {self.title(publication)} (aanmelding nr. {self.item.id})\n\n"
            f"Gepubliceerd door {self.actor} via het beheer van het Alliantiebureau."
        )

    def title(self, publication: Publication) -> str:
        """The published name."""
        return values(self.item, local_date(self.now))["Title"]

    def record(self, session: Session, publication: Publication) -> None:
        """Mark the item published; the announcement dates the partnership by this event."""
        where = f"{PARTNERS_DIR}/{publication.slug}.md"
        note = f"Gepubliceerd als {where}" + (f" in commit {publication.commit[:12]}" if publication.commit else "")
        change_state(self.item, "gepubliceerd", self.actor, note, publishing=True, at=self.now)
        self.item.published_slug = publication.slug
        self.item.published_commit = publication.commit
