"""The bureau's partners, read from the records: the list, one partner with its history, and editing it without git."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import or_, select

from partners import schema
from partners.records import load_records, parse_header
from partners.schema import Record
from partners.validate import InvalidValue, Problem, validate_fields

from .. import publishing
from ..clock import local_date, utcnow
from ..db import get_session
from ..kinds import APPLICATION, KINDS
from ..mail.messages import partner_page
from ..models import PartnerEdit, Submission
from ..publishing.change import current
from ..publishing.files import text_sha256
from ..publishing.partner_edit import DRAFT, PUBLISHED, draft_text, form_values, make_draft
from ..states import STATES
from ..web.headers import no_index
from .admin import LOGO_CSP, MIME_TYPES, SEARCH_MAX, labels
from .auth import login_required
from .display import word_diff
from .published import flash_publication
from .record_edit import form_data, render_form
from .record_form import PartnerForm

ID_MAX = 2**31 - 1  # the id column is an INTEGER on PostgreSQL; a larger number would be a 500
bp = Blueprint("partner_admin", __name__, url_prefix="/beheer/partners")
bp.after_request(no_index)
bp.context_processor(labels)  # the admin's Dutch labels of states, kinds and types
logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class HistoryLine:
    """One entry of a partner's history in the admin: when, who, what, and the commit or queue item."""

    at: dt.datetime
    actor: str
    what: str
    commit: str = ""
    item_id: int | None = None


def file_response(data: bytes, mimetype: str, filename: str) -> Response:
    """A logo served so that a browser never runs or sniffs it, as the queue's logos are."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Security-Policy"] = LOGO_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def content_dir() -> Path:
    """Where the records are."""
    return Path(current_app.config["CONTENT_DIR"])


def record_or_404(slug: str) -> tuple[Record, str]:
    """The record of `slug` and its text, or a 404 (also for a slug no record could have)."""
    if not schema.SLUG_RE.match(slug) or len(slug) > schema.SLUG_MAX:
        abort(404)
    try:
        return current(content_dir(), slug)
    except publishing.PublishError:
        abort(404)


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Every partner on record, current ones first, searchable by name."""
    records, problems = load_records(content_dir(), check_logo_files=False)
    today = local_date(utcnow())
    query = request.args.get("q", "").strip()[:SEARCH_MAX]
    shown = [r for r in records if query.casefold() in r.title.casefold()] if query else records
    shown.sort(key=lambda r: (not r.is_active(today), r.title.casefold()))
    root = content_dir().parent
    return render_template(
        "admin/partners.html",
        partners=shown,
        total=len(records),
        query=query,
        today=today,
        problems=[str(p).replace(f"{root}/", "", 1) for p in problems],
    )


@bp.get("/<slug>")
@login_required
def show(slug: str) -> ResponseReturnValue:
    """One partner: the record as the site shows it, its live page, and everything the bureau did with it."""
    record, _text = record_or_404(slug)
    return render_template(
        "admin/partner.html",
        partner=record,
        live_url=partner_page(slug),
        history=history(slug),
        today=local_date(utcnow()),
    )


def history(slug: str) -> list[HistoryLine]:
    """The bureau's edits of the partner and the queue items that published it or changed it, newest first."""
    db = get_session()
    lines = [
        HistoryLine(
            edit.published_at or edit.created_at, edit.actor, "Bewerkt: " + ", ".join(edit.changed), edit.commit
        )
        for edit in db.scalars(select(PartnerEdit).where(PartnerEdit.slug == slug, PartnerEdit.state == PUBLISHED))
    ]
    items = db.scalars(
        select(Submission).where(
            or_(
                (Submission.kind == APPLICATION) & (Submission.published_slug == slug),
                (Submission.kind != APPLICATION) & (Submission.target_slug == slug),
            )
        )
    )
    for item in items:
        last = item.events[-1] if item.events else None
        what = f"{KINDS.get(item.kind, item.kind)} nr. {item.id}: {STATES.get(item.state, item.state)}"
        lines.append(
            HistoryLine(
                last.at if last else item.created_at, last.actor if last else "", what, item.published_commit, item.id
            )
        )
    return sorted(lines, key=lambda line: line.at, reverse=True)


@bp.get("/<slug>/logo")
@login_required
def logo(slug: str) -> ResponseReturnValue:
    """The partner's logo file as it is in content/, sandboxed."""
    record, _text = record_or_404(slug)
    path = content_dir() / record.logo if record.logo else None
    if path is None or not path.is_file():
        abort(404)
    extension = path.suffix.lstrip(".").lower()
    return file_response(path.read_bytes(), MIME_TYPES.get(extension, "application/octet-stream"), path.name)


@bp.route("/<slug>/bewerken", methods=("GET", "POST"))
@login_required
def edit(slug: str) -> ResponseReturnValue:
    """The record in the edit form; a valid edit becomes a draft whose diff the reviewer checks before saving."""
    record, text = record_or_404(slug)
    if request.method == "GET":
        form = PartnerForm(data=start_values(record, text))
        form.since = record.since
        return render_form("admin/partner_edit.html", form, partner=record)
    form = PartnerForm()
    form.since = record.since
    if not form.validate():
        return render_form("admin/partner_edit.html", form, 422, partner=record)
    try:
        new_text, changed, logo_filename = draft_text(record, text, form.values(), form.checked_logo)
    except InvalidValue as exc:
        form.show_problems(field_problems(form, str(exc)))
        return render_form("admin/partner_edit.html", form, 422, partner=record)
    if not changed:
        return render_form("admin/partner_edit.html", form, 422, notice="Er is niets gewijzigd.", partner=record)
    logo_bytes = form.checked_logo.data if form.checked_logo is not None else b""
    db = get_session()
    draft = make_draft(
        db, slug, g.reviewer, form.record_sha256.data or "", new_text, changed, (logo_filename, logo_bytes)
    )
    db.commit()
    return redirect(url_for("partner_admin.review", slug=slug, edit_id=draft.id), code=303)


def start_values(record: Record, text: str) -> dict[str, Any]:
    """The form's values: a draft's when going back to one (?concept=id), else the record's; and its version."""
    values = form_values(record, text)
    draft = draft_or_none(record.slug, request.args.get("concept", ""))
    if draft is not None:
        header = parse_header(draft.record_text)
        parsed, _problems = validate_fields(header.values)
        values.update({name: parsed.get(name, "") for name in ("Title", "Type", "Website", "Summary", "Sector")})
        values["Contributions"] = list(parsed.get("Contributions") or ())  # type: ignore[call-overload]
        values["Until"] = parsed.get("Until")
        values["description"] = header.body.strip("\n")
    until = values.pop("Until", None)
    return {**form_data(values), "until": until.isoformat() if until else "", "record_sha256": text_sha256(text)}


def draft_or_none(slug: str, raw_id: str) -> PartnerEdit | None:
    """The reviewer's own draft of this partner with that number, if there is one."""
    if not raw_id.isdigit() or len(raw_id) > 9:
        return None
    draft = get_session().get(PartnerEdit, int(raw_id))
    return draft if draft is not None and draft.slug == slug and draft.state == DRAFT else None


def field_problems(form: PartnerForm, message: str) -> list[Problem]:
    """render_record's 'Field: reason; …' message as problems at their fields."""
    problems = []
    for part in message.split("; "):
        field, _, reason = part.partition(": ")
        problems.append(Problem(field, reason or field))
    return problems


@bp.get("/<slug>/bewerking/<int:edit_id>")
@login_required
def review(slug: str, edit_id: int) -> ResponseReturnValue:
    """The draft's diff against the record as it is now, with the button that saves and publishes it."""
    record, text = record_or_404(slug)
    draft = draft_or_404(slug, edit_id)
    diff = word_diff(text, draft.record_text) if text != draft.record_text else ""
    return render_template(
        "admin/partner_diff.html",
        partner=record,
        draft=draft,
        diff=diff,
        stale=text_sha256(text) != draft.base_sha256,
    )


def draft_or_404(slug: str, edit_id: int) -> PartnerEdit:
    """The draft, or a 404 (also for a number no row could have)."""
    if edit_id > ID_MAX:
        abort(404)
    draft = get_session().get(PartnerEdit, edit_id)
    if draft is None or draft.slug != slug:
        abort(404)
    return draft


@bp.get("/<slug>/bewerking/<int:edit_id>/logo")
@login_required
def draft_logo(slug: str, edit_id: int) -> ResponseReturnValue:
    """The draft's new logo, sandboxed."""
    draft = draft_or_404(slug, edit_id)
    if not draft.logo_data:
        abort(404)
    extension = draft.logo_filename.rsplit(".", 1)[-1].lower()
    return file_response(draft.logo_data, MIME_TYPES.get(extension, "application/octet-stream"), draft.logo_filename)


# A path of its own: on a path shared with a GET rule, werkzeug answers 405 before the id converter can refuse.
@bp.post("/<slug>/bewerking/<int:edit_id>/publiceren")
@login_required
def save(slug: str, edit_id: int) -> ResponseReturnValue:
    """Publish the draft as one commit (or, with PUBLISH_TARGET=files, into content/)."""
    record_or_404(slug)
    draft = draft_or_404(slug, edit_id)
    db = get_session()
    try:
        result = publishing.publish_edit(db, draft, content_dir(), g.reviewer)
    except Exception as exc:  # its messages are Dutch by contract; nothing half-done stays in the session
        db.rollback()
        logger.warning("partner edit %s failed: %s", edit_id, type(exc).__name__)
        flash(f"Opslaan is niet gelukt. {exc}", "error")
        return redirect(url_for("partner_admin.review", slug=slug, edit_id=edit_id), code=303)
    flash_publication(result, change=True)
    return redirect(url_for("partner_admin.show", slug=slug), code=303)
