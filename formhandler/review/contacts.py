"""The contact persons of current partners, for the Alliantieraad and newsletter invitations: rows and a CSV."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from partners.export import neutralise_cell
from partners.records import load_records
from partners.schema import TYPE_SINGULAR, Record

from ..kinds import APPLICATION
from ..models import Submission

#: Only what an invitation needs: no phone number, no address, nothing of the application itself.
COLUMNS = (
    "Organisatie",
    "Soort",
    "Stem in de Alliantieraad",
    "Partner sinds",
    "Contactpersoon",
    "Functie",
    "E-mailadres",
)


@dataclasses.dataclass(frozen=True)
class PartnerContact:
    """One current partner and the contact person of its published application ('' when the queue has none)."""

    record: Record
    name: str = ""
    role: str = ""
    email: str = ""

    def cells(self) -> list[str]:
        """The CSV line of this partner, every cell safe to open in a spreadsheet."""
        record = self.record
        vote = "ja" if record.has_vote else "nee"
        values = [record.title, TYPE_SINGULAR[record.type], vote, record.since.isoformat(), self.name, self.role]
        return [neutralise_cell(value) for value in [*values, self.email]]


def current_partner_contacts(session: Session, content_dir: str | Path, today: dt.date) -> list[PartnerContact]:
    """Every partner active on `today`, by name, with the contact of the newest published application for it."""
    records, _problems = load_records(Path(content_dir))
    current = [record for record in records if record.is_active(today)]
    query = (
        select(Submission.published_slug, Submission.contact_name, Submission.contact_role, Submission.email)
        .where(
            Submission.kind == APPLICATION,
            Submission.state == "gepubliceerd",
            Submission.published_slug.in_([record.slug for record in current]),
        )
        .order_by(Submission.id)
    )
    contacts = {row.published_slug: row for row in session.execute(query)}  # the newest one wins
    result = []
    for record in sorted(current, key=lambda r: r.title.casefold()):
        row = contacts.get(record.slug)
        if row is None:
            result.append(PartnerContact(record))
        else:
            result.append(PartnerContact(record, row.contact_name, row.contact_role, row.email))
    return result


def contacts_csv(contacts: list[PartnerContact]) -> bytes:
    """The CSV: a header and one line per partner, CRLF, with a BOM so spreadsheet programs read the accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(contact.cells() for contact in contacts)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
