"""Change requests of existing partners: kind-aware state changes, the diff, and publishing the change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from partners import schema
from partners.logos import LogoError, check_logo
from partners.records import PARTNERS_DIR, read_record
from partners.render import render_record
from partners.validate import InvalidValue

from .models import Event, Submission, utcnow
from .publish import PublishError, markdown_text, write_atomically, write_exclusive
from .states import READY_TO_PUBLISH, TransitionError, check_transition

KIND = "wijziging"
#: requested field -> Dutch label, in the order the admin shows them.
FIELD_LABELS = {
    "Title": "Naam",
    "Website": "Website",
    "Logo": "Logo",
    "Summary": "Samenvatting",
    "Until": "Einde partnerschap",
}


@dataclasses.dataclass(frozen=True)
class ChangePublication:
    """What publishing a change writes: the new record text, a new logo, and the logo it removes."""

    slug: str
    record_text: str
    logo_filename: str
    logo_bytes: bytes
    old_text: str
    old_logo: str  # e.g. "logos/naam.svg", removed after the new record is in place

    def record_path(self, content_dir: Path) -> Path:
        return Path(content_dir) / PARTNERS_DIR / f"{self.slug}.md"

    def logo_path(self, content_dir: Path) -> Path | None:
        return Path(content_dir) / schema.LOGO_DIR / self.logo_filename if self.logo_filename else None

    def diff(self) -> str:
        """The change to the record file as a unified diff."""
        return "".join(
            difflib.unified_diff(
                self.old_text.splitlines(True),
                self.record_text.splitlines(True),
                f"nu/{self.slug}.md",
                f"gevraagd/{self.slug}.md",
            )
        )


def change_state(
    session: Session,
    item: Submission,
    target: str,
    actor: str,
    note: str = "",
    *,
    content_dir: str | Path | None = None,
    publishing: bool = False,
) -> Event:
    """Move any item along the procedure of its kind; approving a change stores the record's hash."""
    check_transition(item.state, target, publishing=publishing, kind=item.kind)
    if item.kind == KIND and target == READY_TO_PUBLISH[KIND]:
        path = record_file(content_dir, item.target_slug) if content_dir is not None else None
        if path is None or not path.is_file():
            raise TransitionError(
                f"Het partnerrecord '{item.target_slug}' bestaat niet (meer); goedkeuren kan pas als het record er is."
            )
        item.record_sha256 = file_sha256(path)
    event = Event(actor=actor, from_state=item.state, to_state=target, note=note.strip())
    item.events.append(event)
    item.state = target
    item.updated_at = utcnow()
    return event


def record_file(content_dir: str | Path, slug: str) -> Path:
    """The record file of `slug` under content_dir."""
    return Path(content_dir) / PARTNERS_DIR / f"{slug}.md"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def split_record(text: str) -> str:
    """The Markdown body of a record file: everything after the header's first blank line."""
    _, _, body = text.partition("\n\n")
    return body


def current(content_dir: str | Path, slug: str):
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


def record_fields(record) -> dict:
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


def comparison(item: Submission, record) -> list[tuple[str, str, str]]:
    """(label, now, requested) for every field the request changes."""
    requested = dict(item.requested or {})
    now = record_fields(record) if record is not None else {}
    rows = []
    for field, label in FIELD_LABELS.items():
        if field not in requested:
            continue
        value = now.get(field) or ""
        rows.append(
            (
                label,
                value.isoformat() if isinstance(value, dt.date) else str(value) or "(leeg)",
                "nieuw logo (zie hieronder)" if field == "Logo" else str(requested[field]),
            )
        )
    return rows


def render_change(item: Submission, content_dir: str | Path) -> ChangePublication:
    """The record as it will be after the change, validated; nothing personal goes in."""
    record, text = current(content_dir, item.target_slug)
    requested = dict(item.requested or {})
    fields = record_fields(record)
    body = split_record(text)
    if "Title" in requested:
        fields["Title"] = requested["Title"]
        # The generated first sentence names the organisation: keep it true after a rename.
        body = body.replace(markdown_text(record.title), markdown_text(requested["Title"]))
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
    old_logo = record.logo if logo_filename and record.logo != fields["Logo"] else ""
    return ChangePublication(record.slug, new_text, logo_filename, logo_bytes, text, old_logo)


def publish_change(
    session: Session, item: Submission, content_dir: str | Path, actor: str, now: dt.datetime | None = None
) -> ChangePublication:
    """Rewrite the record (and logo) of an approved change, unless an editor changed the record since."""
    if item.state != READY_TO_PUBLISH[KIND]:
        raise PublishError(
            f"Alleen een goedgekeurde wijziging kan worden gepubliceerd; dit item heeft de status '{item.state}'."
        )
    content = Path(content_dir)
    path = record_file(content, item.target_slug)
    _check_unchanged(item, path)
    publication = render_change(item, content)
    now = now or utcnow()
    new_logo = publication.logo_path(content)
    if new_logo is not None:
        new_logo.parent.mkdir(exist_ok=True)
        write_exclusive(new_logo, publication.logo_bytes)  # first: the record never names a missing logo
    replaced = False
    try:
        _check_unchanged(item, path)  # the last moment before the editor's file would be replaced
        replace_atomically(path, publication.record_text.encode("utf-8"))
        replaced = True
        what = (
            "einde partnerschap" if item.end_date else ", ".join(FIELD_LABELS[f].lower() for f in item.requested or {})
        )
        event = Event(
            actor=actor,
            from_state=item.state,
            to_state="gepubliceerd",
            note=f"Wijziging ({what}) verwerkt in {PARTNERS_DIR}/{publication.slug}.md",
        )
        check_transition(item.state, "gepubliceerd", publishing=True, kind=KIND)
        item.events.append(event)
        item.state, item.published_slug = "gepubliceerd", publication.slug
        event.at = item.updated_at = now
        session.commit()
    except BaseException as exc:
        session.rollback()
        if replaced:
            replace_atomically(path, publication.old_text.encode("utf-8"))
        if new_logo is not None:
            new_logo.unlink(missing_ok=True)
        if isinstance(exc, SQLAlchemyError):
            raise PublishError("De wachtrij kon niet worden bijgewerkt; er is niets gewijzigd.") from exc
        raise
    if publication.old_logo:
        (content / publication.old_logo).unlink(missing_ok=True)
    return publication


def _check_unchanged(item: Submission, path: Path) -> None:
    """Refuse when the record file differs from the one the reviewer approved."""
    if not item.record_sha256:
        raise PublishError("Van deze wijziging is bij het goedkeuren geen record vastgelegd; keur haar opnieuw goed.")
    if not path.is_file() or file_sha256(path) != item.record_sha256:
        raise PublishError(
            f"{path} is gewijzigd sinds de wijziging werd goedgekeurd. Er is niets overschreven: "
            "bekijk het record, zet de wijziging terug naar 'in behandeling' of verwerk haar met de hand."
        )


def replace_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` whole or not at all."""
    write_atomically(path, data, replace=True)
