"""The admin at /beheer/: the queue with filters, one item's detail, notes, logo and the publication preview.

State changes and publishing go through a step page of their own (step_views.py), which confirms them.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from partners.criteria import COMPANY_ACKNOWLEDGEMENT, CRITERIA, CRITERIA_HASH
from partners.logos import Logo as CheckedLogo
from partners.schema import CONTRIBUTIONS, TYPE_SINGULAR

from .. import publishing, queue
from ..clock import local_time
from ..db import get_session
from ..kinds import CHANGE, KINDS
from ..models import Submission
from ..publishing import change
from ..publishing.publication import Publication
from ..states import READY_TO_PUBLISH, STATES, allowed_targets
from ..web.headers import no_index
from .auth import login_required
from .display import kinds_count, national_phone, word_diff
from .procedure import procedure_view
from .published import published_view

bp = Blueprint("admin", __name__, url_prefix="/beheer")
bp.after_request(no_index)
logger = logging.getLogger(__name__)
bp.add_app_template_global(word_diff)  # the step and partner pages show a record's change too

NOTE_MAX = 4000
SEARCH_MAX = 200
# A logo is shown as an image only; even opened on its own it may run nothing and load nothing.
LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
MIME_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}


@bp.context_processor
def labels() -> dict[str, Any]:
    """Dutch labels for states, kinds, types and contributions in every admin template."""
    return dict(
        STATES=STATES,
        KINDS=KINDS,
        TYPES=TYPE_SINGULAR,
        CONTRIBUTIONS=CONTRIBUTIONS,
        local_time=local_time,
        READY=READY_TO_PUBLISH,
        kinds_count=kinds_count,
        national_phone=national_phone,
    )


def _choice(name: str, allowed: dict[str, str]) -> str:
    """A filter value from the query string, or '' when it is not one of `allowed`."""
    value = request.args.get(name, "")
    return value if value in allowed else ""


def _item_or_404(item_id: int) -> Submission:
    item = queue.get(get_session(), item_id)
    if item is None:
        abort(404)
    return item


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """The queue, newest first, filtered by state, kind, type and free text."""
    filters = dict(
        state=_choice("state", STATES),
        kind=_choice("kind", KINDS),
        organisation_type=_choice("organisation_type", TYPE_SINGULAR),
        q=request.args.get("q", "").strip()[:SEARCH_MAX],
    )
    db = get_session()
    items = queue.search(
        db,
        state=filters["state"] or None,
        kind=filters["kind"] or None,
        organisation_type=filters["organisation_type"] or None,
        text=filters["q"] or None,
    )
    return render_template(
        "admin/index.html",
        items=items,
        items_by_kind=Counter(item.kind for item in items),
        filters=filters,
        counts=queue.counts(db),
        filtered=any(filters.values()),
    )


@bp.route("/<int:item_id>")
@login_required
def detail(item_id: int) -> ResponseReturnValue:
    """Everything about one item: fields, criteria, suspect reasons, history and actions."""
    item = _item_or_404(item_id)
    criteria = [(slug, CRITERIA.get(slug, "(onbekend criterium)")) for slug in item.criteria or ()]
    targets = allowed_targets(item.state, item.kind)
    return render_template(
        "admin/detail.html",
        item=item,
        criteria=criteria,
        targets=targets,
        hash_changed=item.criteria_hash != CRITERIA_HASH,
        company_text=COMPANY_ACKNOWLEDGEMENT,
        **(change_view(item) if item.kind == CHANGE else {}),
        **procedure_view(get_session(), item),
        **published_view(item),
    )


def change_view(item: Submission) -> dict[str, Any]:
    """The current record and the requested change side by side, and the record diff, for a change request."""
    content_dir = current_app.config["CONTENT_DIR"]
    try:
        record, _text = change.current(content_dir, item.target_slug)
    except Exception as exc:  # PublishError, in Dutch; a broken record must not become a 500
        return dict(comparison=change.comparison(item, None), change_problem=str(exc), change_diff="")
    publication, message = _render_publication(item)
    return dict(
        comparison=change.comparison(item, record),
        change_problem=message or "",
        change_diff=word_diff(publication.old_text, publication.record_text) if publication is not None else "",
        record_changed=change.record_changed(item, content_dir),
    )


def _note() -> str | None:
    """The posted note, or None (with a message) when it is too long."""
    note = request.form.get("note", "").strip()
    if len(note) > NOTE_MAX:
        flash(f"De notitie is te lang: hoogstens {NOTE_MAX} tekens. Er is niets gewijzigd.", "error")
        return None
    return note


@bp.route("/<int:item_id>/notitie", methods=("POST",))
@login_required
def add_note(item_id: int) -> ResponseReturnValue:
    """Add a note to the history without changing the state."""
    item = _item_or_404(item_id)
    note = _note()
    if note == "":
        flash("Schrijf eerst een notitie; er is niets opgeslagen.", "error")
    elif note is not None:
        db = get_session()
        queue.add_note(item, g.reviewer, note)
        db.commit()
        flash("De notitie is opgeslagen.", "success")
    return redirect(url_for("admin.detail", item_id=item_id), code=303)


def _file_response(data: bytes, mimetype: str, filename: str, disposition: str = "inline") -> Response:
    """Bytes served so that a browser never runs or sniffs them."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Security-Policy"] = LOGO_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@bp.route("/<int:item_id>/logo")
@login_required
def logo(item_id: int) -> ResponseReturnValue:
    """The stored logo, sandboxed."""
    item = _item_or_404(item_id)
    if item.logo is None:
        abort(404)
    checked = CheckedLogo(item.logo.data, item.logo.kind, item.logo.width, item.logo.height)
    return _file_response(item.logo.data, checked.mime_type, f"logo-{item.id}{checked.extension}")


def _render_publication(item: Submission) -> tuple[Publication | None, str | None]:
    """(publication, message): what publishing would write, or the Dutch reason it cannot."""
    try:
        return publishing.render(item, current_app.config["CONTENT_DIR"]), None
    except Exception as exc:  # its messages are Dutch by contract; a bug must not become a 500
        logger.warning("render_publication failed for item %s: %s", item.id, type(exc).__name__)
        return None, str(exc) or "Het partnerrecord kon niet worden opgesteld."


@bp.route("/<int:item_id>/publicatie")
@login_required
def publication(item_id: int) -> ResponseReturnValue:
    """Preview the record and logo that publishing writes, with downloads."""
    item = _item_or_404(item_id)
    result, message = _render_publication(item)
    return render_template("admin/publication.html", item=item, publication=result, message=message)


@bp.route("/<int:item_id>/publicatie/<any(record, logo):part>")
@login_required
def publication_download(item_id: int, part: str) -> ResponseReturnValue:
    """Download the record (Markdown) or the logo that publishing writes."""
    item = _item_or_404(item_id)
    result, message = _render_publication(item)
    if result is None:
        flash(message or "", "error")
        return redirect(url_for("admin.publication", item_id=item_id), code=303)
    if part == "record":
        return _file_response(
            result.record_text.encode("utf-8"), "text/markdown; charset=utf-8", f"{result.slug}.md", "attachment"
        )
    if not result.logo_bytes:
        abort(404)
    mimetype = MIME_TYPES.get(result.logo_filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    return _file_response(result.logo_bytes, mimetype, result.logo_filename.rsplit("/", 1)[-1], "attachment")
