"""Publishing a signed application: a new partner record and logo in content/, re-read as the build will."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from partners import schema
from partners.dates import nl_date
from partners.logos import LogoError, check_logo
from partners.records import PARTNERS_DIR, read_record
from partners.render import make_slug, render_record
from partners.validate import InvalidValue

from ..clock import local_date, utcnow
from ..models import Submission
from ..queue import change_state
from ..states import READY_TO_PUBLISH, STATES
from .files import prepare_folders, write_atomically
from .markdown import markdown_text
from .publication import Publication, PublishError

ALLIANCE = "Alliantie Nederland Rookvrij!"


def render(item: Submission, content_dir: str | Path | None = None, today: dt.date | None = None) -> Publication:
    """Render the public record of `item` from organisation data only, and re-validate it."""
    today = today or local_date(utcnow())
    slug = make_slug(item.organisation_name)
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
        "Title": item.organisation_name,
        "Slug": slug,
        "Type": item.organisation_type,
        "Website": item.website,
        "Logo": f"{schema.LOGO_DIR}/{logo_filename}" if logo_filename else "",
        "Since": today,
        "Contributions": list(item.contributions or ()),
    }
    body = f"{markdown_text(item.organisation_name.strip())} is partner van de {ALLIANCE} sinds {nl_date(today)}."
    try:
        text = render_record(fields, body)
    except InvalidValue as exc:
        raise PublishError(f"De gegevens passen niet in een partnerrecord: {exc}.") from None
    publication = Publication(slug, text, logo_filename, logo_bytes)
    _check_round_trip(publication)
    return publication


def _check_round_trip(publication: Publication) -> None:
    """Write the files to a scratch folder and read them back exactly as the build will."""
    with tempfile.TemporaryDirectory(prefix="publiceren-") as scratch:
        content = Path(scratch)
        (content / PARTNERS_DIR).mkdir()
        (content / schema.LOGO_DIR).mkdir()
        publication.record_path(content).write_text(publication.record_text, encoding="utf-8")
        logo = publication.logo_path(content)
        if logo is not None:
            logo.write_bytes(publication.logo_bytes)
        record, problems = read_record(publication.record_path(content), content)
    if problems or record is None:
        reasons = "; ".join(f"{p.field}: {p.reason}" for p in problems)
        raise PublishError(f"Het partnerrecord is niet geldig: {reasons}.")


def publish(
    session: Session, item: Submission, content_dir: str | Path, actor: str, now: dt.datetime | None = None
) -> Publication:
    """Write the record and logo of a signed application into content_dir, never over an existing file."""
    ready = READY_TO_PUBLISH[item.kind]
    if item.state != ready:
        raise PublishError(
            f"Alleen een item met de status '{STATES[ready]}' kan worden gepubliceerd; "
            f"dit item heeft de status '{item.state}'."
        )
    now = now or utcnow()
    publication = render(item, today=local_date(now))
    content = Path(content_dir)
    targets = [(publication.record_path(content), publication.record_text.encode("utf-8"))]
    logo = publication.logo_path(content)
    if logo is not None:
        # The logo goes first: a build must never see a record whose logo is not there yet.
        targets.insert(0, (logo, publication.logo_bytes))
    prepare_folders(content, [path for path, _ in targets])
    written: list[Path] = []
    try:
        for path, data in targets:
            write_atomically(path, data, replace=False)
            written.append(path)
        # The announcement dates the partnership by this event.
        change_state(
            item,
            "gepubliceerd",
            actor,
            f"Gepubliceerd als {PARTNERS_DIR}/{publication.slug}.md",
            publishing=True,
            at=now,
        )
        item.published_slug = publication.slug
        session.commit()
    except BaseException as exc:
        session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
        if isinstance(exc, SQLAlchemyError):
            raise PublishError("De wachtrij kon niet worden bijgewerkt; er is niets gepubliceerd.") from exc
        raise
    return publication
