"""Publishing an approved change request: the partner's record rewritten, unless an editor changed it since."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from partners import schema
from partners.logos import LogoError, check_logo
from partners.records import PARTNERS_DIR, parse_header, read_record
from partners.render import render_record
from partners.schema import Record
from partners.validate import InvalidValue

from ..clock import utcnow
from ..kinds import BY_FIELD, CHANGE
from ..models import Submission
from ..queue import change_state
from ..states import READY_TO_PUBLISH, STATES, TransitionError
from .errors import PublishError
from .files import file_sha256, logo_users, record_file
from .publication import Publication
from .sentence import rename_in_sentence


def current(content_dir: str | Path, slug: str) -> tuple[Record, str]:
    """(Record, text) of the record on disk, or a Dutch PublishError."""
    path = record_file(content_dir, slug)
    if not path.is_file():
        raise PublishError(f"Het partnerrecord {PARTNERS_DIR}/{slug}.md bestaat niet (meer).")
    record, problems = read_record(path, Path(content_dir))
    if record is None:
        raise PublishError(
            "Het huidige partnerrecord is niet geldig: " + "; ".join(f"{p.field}: {p.reason}" for p in problems) + "."
        )
    return record, path.read_text(encoding="utf-8")


def approved_record_hash(content_dir: str | Path, slug: str) -> str:
    """The sha256 of the record a reviewer approves a change against; TransitionError when it is gone."""
    path = record_file(content_dir, slug)
    if not path.is_file():
        raise TransitionError(
            f"Het partnerrecord ‘{slug}’ bestaat niet (meer); goedkeuren kan pas als het record er is."
        )
    return file_sha256(path)


def record_changed(item: Submission, content_dir: str | Path) -> bool:
    """True when an approved change's record was edited after the approval (publishing will refuse)."""
    if not item.record_sha256 or item.state != READY_TO_PUBLISH[CHANGE]:
        return False
    path = record_file(content_dir, item.target_slug)
    return not path.is_file() or file_sha256(path) != item.record_sha256


def record_fields(record: Record) -> dict[str, Any]:
    """A Record back to the header fields render_record takes."""
    return {
        "Title": record.title,
        "Slug": record.slug,
        "Type": record.type,
        "Website": record.website,
        "Logo": record.logo,
        "Since": record.since,
        "Until": record.until,
        "Summary": record.summary,
        "Sector": record.sector,
        "Contributions": list(record.contributions),
    }


def comparison(item: Submission, record: Record | None) -> list[tuple[str, str, str]]:
    """(label, now, requested) for every field the request changes, in the order of the change kinds."""
    requested = dict(item.requested or {})
    now = record_fields(record) if record is not None else {}
    rows = []
    for field, change in BY_FIELD.items():
        if field not in requested:
            continue
        value = now.get(field) or ""
        rows.append(
            (
                change.label,
                value.isoformat() if isinstance(value, dt.date) else str(value) or "(leeg)",
                "nieuw logo (zie hieronder)" if field == "Logo" else str(requested[field]),
            )
        )
    return rows


def split_body(text: str) -> str:
    """The Markdown body of a record file: everything after the header's first blank line."""
    return parse_header(text).body.strip("\n")


def logo_to_remove(content_dir: str | Path, record: Record, new_logo: str) -> str:
    """The old logo of `record` once it shows `new_logo`: '' when there is none, or another record still uses it."""
    if not record.logo or record.logo == new_logo:
        return ""
    others = [slug for slug in logo_users(content_dir, record.logo) if slug != record.slug]
    return "" if others else record.logo


def render(item: Submission, content_dir: str | Path) -> Publication:
    """The record as it will be after the change, validated; nothing personal goes in."""
    record, text = current(content_dir, item.target_slug)
    requested = dict(item.requested or {})
    fields = record_fields(record)
    body = split_body(text)
    if "Title" in requested:
        fields["Title"] = requested["Title"]
        # The generated first sentence names the organisation: keep it true after a rename.
        body = rename_in_sentence(body, record.title, requested["Title"])
    for field in ("Website", "Summary"):
        if field in requested:
            fields[field] = requested[field]
    if item.end_date is not None:
        fields["Until"] = item.end_date
    logo_filename, logo_bytes = "", b""
    if "Logo" in requested:
        if item.logo is None:
            raise PublishError("Er is een nieuw logo gevraagd, maar er is geen logo opgeslagen.")
        try:
            checked = check_logo(item.logo.data)
        except LogoError as exc:
            raise PublishError(f"Het logo kan niet worden gepubliceerd: {exc}.") from None
        # A new name per version: caches never show the old logo, and the old file can simply go.
        logo_filename = f"{record.slug}-{item.logo.sha256[:8]}{checked.extension}"
        logo_bytes = item.logo.data
        fields["Logo"] = f"{schema.LOGO_DIR}/{logo_filename}"
    try:
        new_text = render_record(fields, body)
    except InvalidValue as exc:
        raise PublishError(f"De gevraagde wijziging past niet in een partnerrecord: {exc}.") from None
    old_logo = logo_to_remove(content_dir, record, fields["Logo"]) if logo_filename else ""
    return Publication(record.slug, new_text, logo_filename, logo_bytes, text, old_logo)


def what_changes(item: Submission) -> str:
    """The requested changes in words, for the history and the commit message."""
    return ", ".join(BY_FIELD[field].label.lower() for field in item.requested or {})


@dataclasses.dataclass
class ChangeJob:
    """An approved change request: the partner's record rewritten, unless an editor changed it since the approval."""

    item: Submission
    actor: str
    now: dt.datetime = dataclasses.field(default_factory=utcnow)

    def prepare(self, session: Session, content: Path) -> Publication:
        """Check the item is (still) approved and its record unchanged since, then render it."""
        session.refresh(self.item)
        if self.item.state != READY_TO_PUBLISH[CHANGE]:
            raise PublishError(
                "Alleen een goedgekeurde wijziging kan worden gepubliceerd; dit item heeft de status "
                f"‘{STATES.get(self.item.state, self.item.state)}’."
            )
        check_unchanged(self.item, content)
        return render(self.item, content)

    def message(self, publication: Publication) -> str:
        """The commit message: the partner, what changes, and the queue item."""
        name = self.item.organisation_name
        subject = (
            f"Einde partnerschap: {name}"
            if self.item.end_date is not None
            else f"Wijziging van {name}: {what_changes(self.item)}"
        )
        return (
            f"{subject} (wijzigingsverzoek nr. {self.item.id})\n\n"
            f"Gepubliceerd door {self.actor} via het beheer van het Alliantiebureau."
        )

    def record(self, session: Session, publication: Publication) -> None:
        """Mark the change published."""
        note = f"Wijziging ({what_changes(self.item)}) verwerkt in {PARTNERS_DIR}/{publication.slug}.md"
        if publication.commit:
            note += f" in commit {publication.commit[:12]}"
        change_state(self.item, "gepubliceerd", self.actor, note, publishing=True, at=self.now)
        self.item.published_slug = publication.slug
        self.item.published_commit = publication.commit


def check_unchanged(item: Submission, content_dir: str | Path) -> None:
    """Refuse when the record file differs from the one the reviewer approved."""
    if not item.record_sha256:
        raise PublishError("Van deze wijziging is bij het goedkeuren geen record vastgelegd; keur haar opnieuw goed.")
    path = record_file(content_dir, item.target_slug)
    if not path.is_file() or file_sha256(path) != item.record_sha256:
        raise PublishError(
            f"{PARTNERS_DIR}/{item.target_slug}.md is gewijzigd sinds de wijziging werd goedgekeurd. Er is niets "
            "overschreven: bekijk het record, zet de wijziging terug naar ‘in behandeling’ of verwerk haar met de hand."
        )
