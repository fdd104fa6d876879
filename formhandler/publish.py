"""Publish a signed application as a partner record and logo in content/, and announce new partners."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from partners import schema
from partners.dates import nl_date
from partners.logos import LogoError, check_logo
from partners.records import PARTNERS_DIR, read_record
from partners.render import make_slug, render_record
from partners.validate import InvalidValue

from .models import Event, Submission, utcnow
from .queue import change_state

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
ALLIANCE = "Alliantie Nederland Rookvrij!"
# Inline characters Python-Markdown gives a meaning; a name in a description must stay plain text.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]])")


class PublishError(Exception):
    """Publishing is refused or failed; the message says why, in Dutch."""


@dataclasses.dataclass(frozen=True)
class Publication:
    """The files one publication writes: the record text and the (optional) logo."""

    slug: str
    record_text: str
    logo_filename: str
    logo_bytes: bytes

    def record_path(self, content_dir: Path) -> Path:
        """Where the record goes under content_dir."""
        return Path(content_dir) / PARTNERS_DIR / f"{self.slug}.md"

    def logo_path(self, content_dir: Path) -> Path | None:
        """Where the logo goes under content_dir, or None without a logo."""
        return Path(content_dir) / schema.LOGO_DIR / self.logo_filename if self.logo_filename else None


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date in the Netherlands at `moment`."""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(LOCAL_TZ).date()


def markdown_text(value: str) -> str:
    """Escape `value` so Markdown shows it literally at the start of a paragraph."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MARKDOWN_INLINE.sub(r"\\\1", value)
    value = re.sub(r"^(\d+)([.)])", r"\1\\\2", value)  # "1. Foo" would start a list
    return "\\" + value if value[:1] in ("#", "+", "-") else value


def render_publication(item: Submission, today: dt.date | None = None) -> Publication:
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
        if publication.logo_filename:
            publication.logo_path(content).write_bytes(publication.logo_bytes)
        record, problems = read_record(publication.record_path(content), content)
    if problems or record is None:
        reasons = "; ".join(f"{p.field}: {p.reason}" for p in problems)
        raise PublishError(f"Het partnerrecord is niet geldig: {reasons}.")


def publish_item(
    session: Session, item: Submission, content_dir: str | Path, actor: str, now: dt.datetime | None = None
) -> Publication:
    """Write the record and logo of a signed item (or the change of an approved request) into content_dir."""
    if item.kind == "wijziging":
        from .changes import publish_change  # imported late: changes builds on this module

        return publish_change(session, item, content_dir, actor, now)
    if item.kind != "aanmelding":
        raise PublishError("Dit soort item kan (nog) niet via publiceren worden verwerkt.")
    if item.state != "getekend":
        raise PublishError(
            "Alleen een item met de status 'Overeenkomst getekend' kan worden gepubliceerd; "
            f"dit item heeft de status '{item.state}'."
        )
    now = now or utcnow()
    publication = render_publication(item, local_date(now))
    content = Path(content_dir)
    targets = [(publication.record_path(content), publication.record_text.encode("utf-8"))]
    if publication.logo_filename:
        # The logo goes first: a build must never see a record whose logo is not there yet.
        targets.insert(0, (publication.logo_path(content), publication.logo_bytes))
    _prepare_folders(content, [path for path, _ in targets])
    written: list[Path] = []
    try:
        for path, data in targets:
            write_exclusive(path, data)
            written.append(path)
        event = change_state(
            session,
            item,
            "gepubliceerd",
            actor,
            f"Gepubliceerd als {PARTNERS_DIR}/{publication.slug}.md",
            publishing=True,
        )
        event.at = item.updated_at = now  # the announcement dates the partnership by this event
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


def _prepare_folders(content: Path, paths: list[Path]) -> None:
    """Refuse a missing content folder or an existing target; create partners/ and logos/ if needed."""
    if not content.is_dir():
        raise PublishError(f"De contentmap {content} bestaat niet.")
    for path in paths:
        if path.exists() or path.is_symlink():
            raise PublishError(
                f"{path} bestaat al. Publiceren overschrijft nooit bestaand werk: "
                "kies een andere naam of verwerk dit item met de hand."
            )
        try:
            path.parent.mkdir(exist_ok=True)
        except OSError:
            raise PublishError(f"De map {path.parent} kan niet worden aangemaakt.") from None
        if not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
            raise PublishError(f"In de map {path.parent} kan niet worden geschreven.")


def write_exclusive(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all, and never over an existing file."""
    write_atomically(path, data, replace=False)


def write_atomically(path: Path, data: bytes, *, replace: bool) -> None:
    """Write `data` whole or not at all: a synced temp file in the same folder, then link or rename.

    With replace=False the final step is os.link, which fails when the target exists, so an
    editor's file is never overwritten; with replace=True it is os.replace.
    """
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        raise PublishError(f"In de map {path.parent} kan niet worden geschreven.") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        if replace:
            os.replace(temp, path)
        else:
            os.link(temp, path)
        _fsync_folder(path.parent)
    except FileExistsError:
        raise PublishError(f"{path} bestaat al; er is niets overschreven.") from None
    except OSError:
        raise PublishError(f"{path} kan niet worden geschreven; er is niets gewijzigd.") from None
    finally:
        try:
            os.unlink(temp)
        except OSError:
            pass


def _fsync_folder(folder: Path) -> None:
    """Make the new directory entry durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _published_since(session: Session, start: dt.datetime, kind: str) -> list:
    """(moment, item) of every item of `kind` published since `start`, oldest first."""
    query = (
        select(Event.at, Submission)
        .join(Submission, Event.submission_id == Submission.id)
        .where(Event.to_state == "gepubliceerd", Event.at >= start, Submission.kind == kind)
        .order_by(Event.at, Submission.id)
    )
    if kind == "wijziging":
        query = query.where(Submission.end_date.is_not(None))
    return session.execute(query).all()


def announcement(session: Session, since: dt.date) -> str:
    """Markdown listing the partners published, and separately those who left, since `since`."""
    start = dt.datetime.combine(since, dt.time(), tzinfo=LOCAL_TZ).astimezone(dt.UTC)
    rows = _published_since(session, start, "aanmelding")
    text = f"# Nieuwe partners sinds {nl_date(since)}\n\n"
    if not rows:
        text += "Er zijn in deze periode geen nieuwe partners gepubliceerd.\n"
    else:
        lines = []
        for at, item in rows:
            label = schema.TYPE_SINGULAR.get(item.organisation_type, item.organisation_type)
            line = f"- **{markdown_text(item.organisation_name)}** ({label}), partner sinds {nl_date(local_date(at))}"
            if item.website:
                line += (
                    f": <{item.website}>" if not set("<> ") & set(item.website) else f": {markdown_text(item.website)}"
                )
            lines.append(line)
        text += (
            f"Sinds {nl_date(since)} {'is' if len(rows) == 1 else 'zijn'} {len(rows)} "
            f"{'organisatie' if len(rows) == 1 else 'organisaties'} partner geworden van de {ALLIANCE}\n\n"
        )
        text += "\n".join(lines) + "\n"
    departed = _published_since(session, start, "wijziging")
    if departed:
        # Departures are their own section: the newsletter thanks them, it does not welcome them.
        text += f"\n## Vertrokken partners sinds {nl_date(since)}\n\n"
        text += (
            "\n".join(
                f"- **{markdown_text(item.organisation_name)}**, partner tot {nl_date(item.end_date)}"
                for _at, item in departed
            )
            + "\n"
        )
    return text
