"""The bureau's edit of a current partner: the new record drafted from the form, then published as one commit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from partners import schema
from partners.logos import Logo as CheckedLogo
from partners.records import PARTNERS_DIR, parse_header
from partners.render import render_record
from partners.schema import Record

from ..clock import utcnow
from ..models import PartnerEdit
from .change import current, logo_to_remove, record_fields, split_body
from .errors import PublishError
from .files import text_sha256
from .publication import Publication
from .sentence import rename_in_sentence

DRAFT = "concept"
PUBLISHED = "gepubliceerd"
DRAFT_DAYS = 1  # an edit not saved within a day is gone; its logo bytes with it
#: field -> how the history and the commit message name it.
LABELS: dict[str, str] = {
    "Title": "naam",
    "Type": "soort",
    "Website": "website",
    "Summary": "samenvatting",
    "Sector": "sector",
    "Contributions": "bijdragen",
    "description": "beschrijving",
    "Logo": "logo",
    "Until": "einde partnerschap",
}


def form_values(record: Record, text: str) -> dict[str, Any]:
    """What the edit form starts with: the record's fields and its Markdown description."""
    fields = record_fields(record)
    return {**{name: fields[name] for name in LABELS if name in fields}, "description": split_body(text)}


def draft_text(
    record: Record, text: str, values: dict[str, Any], logo: CheckedLogo | None
) -> tuple[str, list[str], str]:
    """(new record text, labels of what changed, new logo file name) from the edited values; InvalidValue if bad."""
    before = form_values(record, text)
    fields = record_fields(record)
    for name in ("Title", "Type", "Website", "Summary", "Sector", "Contributions", "Until"):
        if not same(name, values.get(name, fields[name]), fields[name]):
            fields[name] = values[name]
    body = values.get("description", before["description"])
    if fields["Title"] != record.title and body == before["description"]:
        # As for a change request: the generated sentence keeps naming the organisation.
        body = rename_in_sentence(body, record.title, fields["Title"])
    logo_filename = ""
    if logo is not None:
        # A new name per version, as for a change request: caches never show the old logo.
        logo_filename = f"{record.slug}-{hashlib.sha256(logo.data).hexdigest()[:8]}{logo.extension}"
        fields["Logo"] = f"{schema.LOGO_DIR}/{logo_filename}"
    new_text = render_record(fields, body)
    changed = [label for name, label in LABELS.items() if _differs(name, before, fields, body, logo_filename)]
    return new_text, changed, logo_filename


def same(name: str, one: Any, other: Any) -> bool:
    """Whether two values of record field `name` say the same (the order of contributions says nothing)."""
    if name == "Contributions":
        return set(one or ()) == set(other or ())
    return (one or None) == (other or None)


def _differs(name: str, before: dict[str, Any], fields: dict[str, Any], body: str, logo: str) -> bool:
    if name == "description":
        return body.strip() != str(before["description"]).strip()
    if name == "Logo":
        return bool(logo)
    return not same(name, fields[name], before.get(name))


def make_draft(
    session: Session, slug: str, actor: str, base_sha256: str, text: str, changed: list[str], logo: tuple[str, bytes]
) -> PartnerEdit:
    """Store the edit as a draft (and forget drafts older than a day); the caller commits."""
    session.execute(
        delete(PartnerEdit).where(
            PartnerEdit.state == DRAFT, PartnerEdit.created_at < utcnow() - dt.timedelta(days=DRAFT_DAYS)
        )
    )
    edit = PartnerEdit(
        slug=slug,
        actor=actor,
        state=DRAFT,
        base_sha256=base_sha256,
        record_text=text,
        changed=changed,
        logo_filename=logo[0],
        logo_data=logo[1] or None,
    )
    session.add(edit)
    return edit


@dataclasses.dataclass
class EditJob:
    """A draft edit becomes the partner's record, unless the record changed since the form was opened."""

    edit: PartnerEdit
    actor: str
    now: dt.datetime = dataclasses.field(default_factory=utcnow)

    def prepare(self, session: Session, content: Path) -> Publication:
        """Refuse a saved draft or a record that changed since; the publication of the draft."""
        session.refresh(self.edit)
        if self.edit.state != DRAFT:
            raise PublishError("Deze bewerking is al opgeslagen.")
        record, text = current(content, self.edit.slug)
        if text_sha256(text) != self.edit.base_sha256:
            raise PublishError(
                f"{PARTNERS_DIR}/{self.edit.slug}.md is gewijzigd sinds u het formulier opende (door de redactie "
                "of een andere beoordelaar). Er is niets overschreven: open het formulier opnieuw, dan ziet u de "
                "nieuwe versie."
            )
        new_logo = parse_header(self.edit.record_text).values.get("Logo", "")
        old_logo = logo_to_remove(content, record, new_logo) if self.edit.logo_filename else ""
        logo = (self.edit.logo_filename, self.edit.logo_data or b"")
        return Publication(record.slug, self.edit.record_text, *logo, old_text=text, old_logo=old_logo)

    def message(self, publication: Publication) -> str:
        """The commit message: the partner, what changed, and the edit's number."""
        title = parse_header(publication.record_text).values.get("Title", publication.slug)
        what = ", ".join(self.edit.changed)
        subject = f"Einde partnerschap: {title}" if "einde partnerschap" in self.edit.changed else f"{title}: {what}"
        return (
            f"{subject} (bewerking nr. {self.edit.id})\n\n"
            f"Bewerkt door {self.actor} in het beheer van het Alliantiebureau."
        )

    def record(self, session: Session, publication: Publication) -> None:
        """The edit is now the partner's history."""
        self.edit.state = PUBLISHED
        self.edit.actor = self.actor
        self.edit.commit = publication.commit
        self.edit.published_at = self.now
        self.edit.logo_data = None  # the logo is in content/ now; the queue keeps no second copy
