"""One page per step at /beheer/<id>/stap/<state>: what will happen, the message (editable), attachments, confirm."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from .. import publishing, queue
from ..agreement.documents import agreement, fixed_attachments
from ..agreement.template import AgreementError
from ..clock import local_time, utcnow
from ..db import get_session
from ..kinds import CHANGE, KINDS
from ..mail import outbox
from ..mail.messages import Draft, check_draft, default_message
from ..models import OutboxAttachment, OutboxMessage, SignedAgreement, Submission
from ..states import READY_TO_PUBLISH, STATES, TransitionError, allowed_targets
from ..web.headers import no_index
from .admin import NOTE_MAX, _file_response
from .auth import login_required
from .procedure import signed_agreements
from .published import flash_publication
from .step_texts import CONSEQUENTIAL, step_text
from .steps import publish_step, take_step

bp = Blueprint("steps", __name__, url_prefix="/beheer")
bp.after_request(no_index)
logger = logging.getLogger(__name__)
TARGETS = "any(" + ", ".join(STATES) + "):target"
SIGNED_MIMETYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
SIGNED_EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}


@bp.app_context_processor
def step_words() -> dict[str, Any]:
    """The step buttons' words and styles for the detail page."""
    return dict(step_text=step_text, CONSEQUENTIAL=CONSEQUENTIAL)


def _item_or_404(item_id: int) -> Submission:
    item = queue.get(get_session(), item_id)
    if item is None:
        abort(404)
    return item


def _predicted_slug(item: Submission) -> tuple[str, str]:
    """(slug the partner page will have, '' or the Dutch reason publishing cannot go ahead)."""
    if item.kind == CHANGE:
        return item.target_slug, ""
    try:
        return publishing.render(item, current_app.config["CONTENT_DIR"]).slug, ""
    except Exception as exc:  # PublishError, Dutch by contract; a bug must not become a 500
        return "", str(exc) or "Het partnerrecord kon niet worden opgesteld."


def _step_page(item: Submission, target: str, *, error: str = "", form: Any = None, status: int = 200) -> Any:
    """The step page; after a refused POST it shows the reviewer's own input again."""
    slug, problem = _predicted_slug(item) if target == "gepubliceerd" else ("", "")
    draft = default_message(item, target, slug)
    attachments: list[tuple[str, str]] = []
    if target == "stukken_verstuurd" and draft is not None:
        attachments.append((f"partnerovereenkomst-{item.id}.pdf", url_for("steps.agreement_preview", item_id=item.id)))
        try:
            attachments += [(file.filename, "") for file in fixed_attachments()]
        except AgreementError as exc:
            problem = str(exc)
    publication = None
    if target == "gepubliceerd" and not problem:
        publication = publishing.render(item, current_app.config["CONTENT_DIR"])
    values = form or {}
    return render_template(
        "admin/step.html",
        item=item,
        target=target,
        text=step_text(item.kind, target),
        consequential=target in CONSEQUENTIAL,
        draft=draft,
        subject=values.get("subject", draft.subject if draft else ""),
        body=values.get("body", draft.body if draft else ""),
        send=values.get("send", "ja") == "ja" if form is not None else draft is not None,
        note=values.get("note", ""),
        attachments=attachments,
        signed=signed_agreements(get_session(), item.id),
        publication=publication,
        problem=problem,
        error=error,
        STATES=STATES,
        KINDS=KINDS,
        local_time=local_time,
    ), status


def _refuse_unless_allowed(item: Submission, target: str) -> ResponseReturnValue | None:
    """A redirect to the detail page with a Dutch reason when this step is not possible now."""
    if target not in allowed_targets(item.state, item.kind):
        flash(f"Van ‘{STATES[item.state]}’ kan het item niet naar ‘{STATES[target]}’.", "error")
    elif target == "gepubliceerd" and item.state != READY_TO_PUBLISH.get(item.kind):
        flash(f"Publiceren kan alleen bij de status ‘{STATES[READY_TO_PUBLISH[item.kind]]}’.", "error")
    else:
        return None
    return redirect(url_for("admin.detail", item_id=item.id), code=303)


@bp.route(f"/<int:item_id>/stap/<{TARGETS}>", methods=("GET", "POST"))
@login_required
def step(item_id: int, target: str) -> ResponseReturnValue:
    """GET: what this step will do and the message it sends. POST: do it, after this confirmation."""
    item = _item_or_404(item_id)
    refused = _refuse_unless_allowed(item, target)
    if refused is not None:
        return refused
    if request.method == "GET":
        return _step_page(item, target)
    form = {key: request.form.get(key, "") for key in ("subject", "body", "note")}
    form["send"] = "ja" if request.form.get("send") == "ja" else "nee"
    note = form["note"].strip()
    if len(note) > NOTE_MAX:
        return _step_page(item, target, error=f"De toelichting is te lang: hoogstens {NOTE_MAX} tekens.", form=form)
    draft: Draft | None = None
    if form["send"] == "ja" and default_message(item, target) is not None:
        draft, reason = check_draft(form["subject"], form["body"])
        if draft is None:
            return _step_page(item, target, error=reason, form=form)
    return _publish(item, note, draft, form) if target == "gepubliceerd" else _move(item, target, note, draft, form)


def _move(item: Submission, target: str, note: str, draft: Draft | None, form: dict[str, str]) -> ResponseReturnValue:
    db = get_session()
    try:
        take_step(db, item, target, g.reviewer, note, draft, content_dir=current_app.config["CONTENT_DIR"])
    except (TransitionError, AgreementError) as exc:
        db.rollback()
        return _step_page(queue.get(db, item.id) or item, target, error=f"Er is niets gewijzigd. {exc}", form=form)
    db.commit()
    outbox.send_now(item.id)
    sent = " Het bericht aan de aanvrager staat in de uitgaande post." if draft else ""
    flash(f"De status is nu ‘{STATES[target]}’.{sent}", "success")
    return redirect(url_for("admin.detail", item_id=item.id), code=303)


def _publish(item: Submission, note: str, draft: Draft | None, form: dict[str, str]) -> ResponseReturnValue:
    db = get_session()
    slug, _problem = _predicted_slug(item)
    try:
        publication = publish_step(
            db, item, g.reviewer, draft, content_dir=current_app.config["CONTENT_DIR"], slug=slug, note=note
        )
    except Exception as exc:  # PublishError is Dutch by contract; nothing half-done stays in the session
        db.rollback()
        logger.warning("publish failed for item %s: %s", item.id, type(exc).__name__)
        fresh = queue.get(db, item.id) or item
        return _step_page(
            fresh, "gepubliceerd", error=f"Publiceren is niet gelukt; er is niets verstuurd. {exc}", form=form
        )
    outbox.send_now(item.id)
    sent = " Het bericht aan de aanvrager staat in de uitgaande post." if draft else ""
    flash_publication(publication, change=item.kind == CHANGE, sent=sent)
    return redirect(url_for("admin.detail", item_id=item.id), code=303)


@bp.route("/<int:item_id>/overeenkomst.pdf")
@login_required
def agreement_preview(item_id: int) -> ResponseReturnValue:
    """The agreement as it would be sent now, to read before sending it."""
    item = _item_or_404(item_id)
    try:
        document = agreement(item, utcnow())
    except AgreementError as exc:
        flash(str(exc), "error")
        return redirect(url_for("steps.step", item_id=item_id, target="stukken_verstuurd"), code=303)
    return _file_response(document.data, document.mimetype, document.filename, "attachment")


@bp.route("/<int:item_id>/ondertekend/<int:document_id>")
@login_required
def signed_download(item_id: int, document_id: int) -> ResponseReturnValue:
    """A signed agreement the applicant sent: a download that a browser never runs or sniffs."""
    document = get_session().get(SignedAgreement, document_id)
    if document is None or document.submission_id != item_id:
        abort(404)
    name = f"getekende-overeenkomst-{item_id}-{document.id}.{SIGNED_EXTENSIONS.get(document.kind, 'bin')}"
    return _file_response(
        document.data, SIGNED_MIMETYPES.get(document.kind, "application/octet-stream"), name, "attachment"
    )


@bp.route("/<int:item_id>/bijlage/<int:attachment_id>")
@login_required
def attachment_download(item_id: int, attachment_id: int) -> ResponseReturnValue:
    """A file as it went out with a message about this item."""
    attachment = get_session().get(OutboxAttachment, attachment_id)
    message = get_session().get(OutboxMessage, attachment.outbox_id) if attachment is not None else None
    if attachment is None or message is None or message.submission_id != item_id:
        abort(404)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", attachment.filename)  # the bureau's own file names, made header-safe
    return _file_response(attachment.data, attachment.mimetype, name, "attachment")
