"""Editing an application's record before it is published: the record form, its defaults, and what changed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from .. import queue
from ..clock import local_date, utcnow
from ..db import get_session
from ..forms.page import anchor, aria, invalid_attr, invalid_fields
from ..kinds import APPLICATION
from ..models import Submission
from ..publishing import application
from ..publishing.errors import PublishError
from ..publishing.partner_edit import LABELS, same
from ..publishing.sentence import partner_sentence
from ..states import FINAL_STATES
from ..web.headers import no_index
from .admin import labels
from .auth import login_required
from .record_form import FIELD_OF, RecordForm

bp = Blueprint("record_admin", __name__, url_prefix="/beheer")
bp.after_request(no_index)
bp.context_processor(labels)  # the admin's Dutch labels of states, kinds and types


def render_form(template: str, form: Any, status: int = 200, notice: str = "", **context: Any) -> ResponseReturnValue:
    """An admin form page with its error summary and the ARIA helpers of the public forms."""
    return render_template(
        template,
        form=form,
        invalid=invalid_fields(form),
        notice=notice,
        aria=aria,
        invalid_attr=invalid_attr,
        anchor=anchor,
        **context,
    ), status


def form_data(values: dict[str, Any]) -> dict[str, Any]:
    """Record values (Title, …, description) as the form's field names."""
    return {FIELD_OF.get(name, name): value for name, value in values.items()}


def editable_item(item_id: int) -> Submission:
    """An open application, or a 404 (a change request edits nothing; a closed item is done)."""
    item = queue.get(get_session(), item_id)
    if item is None or item.kind != APPLICATION or item.state in FINAL_STATES:
        abort(404)
    return item


def edits_from(item: Submission, chosen: dict[str, Any], shown: dict[str, Any]) -> dict[str, Any]:
    """Only what differs from the applicant's own data; a generated sentence left as shown stays generated."""
    today = local_date(utcnow())
    base = application.defaults(item, today)
    edits = {
        name: value for name, value in chosen.items() if name != "description" and not same(name, value, base[name])
    }
    description = chosen["description"].strip()
    untouched = "description" not in (item.record_edits or {}) and description == shown["description"].strip()
    if not untouched and description != partner_sentence(chosen["Title"], today):
        edits["description"] = chosen["description"]
    return edits


@bp.route("/<int:item_id>/record", methods=("GET", "POST"))
@login_required
def edit(item_id: int) -> ResponseReturnValue:
    """The record to be published, editable; saved edits are used by the preview and by publishing."""
    item = editable_item(item_id)
    today = local_date(utcnow())
    before = application.values(item, today)
    if request.method == "POST" and request.form.get("action") == "terugzetten":
        return reset(item)
    form = RecordForm(data=form_data(before)) if request.method == "GET" else RecordForm()
    if request.method == "GET" or not form.validate():
        return render_form("admin/record_edit.html", form, 200 if request.method == "GET" else 422, item=item)
    edits = edits_from(item, form.values(), before)
    previous = item.record_edits
    item.record_edits = edits or None
    try:
        problems = application.round_trip_problems(application.build(item, today))
    except PublishError as exc:
        problems, notice = [], str(exc)
    else:
        notice = ""
    if problems or notice:
        item.record_edits = previous
        form.show_problems(problems)
        return render_form("admin/record_edit.html", form, 422, notice=notice, item=item)
    after = application.values(item, today)
    changed = [label for name, label in LABELS.items() if name in after and not same(name, after[name], before[name])]
    if changed:
        queue.add_note(item, g.reviewer, "Record bewerkt voor publicatie: " + ", ".join(changed) + ".")
        flash("Uw wijzigingen in het partnerrecord zijn bewaard. Zo wordt het gepubliceerd.", "success")
    else:
        flash("Er was niets gewijzigd in het partnerrecord.", "success")
    get_session().commit()
    return redirect(url_for("admin.publication", item_id=item.id), code=303)


def reset(item: Submission) -> ResponseReturnValue:
    """Back to what the applicant gave, with the generated sentence."""
    if item.record_edits:
        item.record_edits = None
        queue.add_note(item, g.reviewer, "Record teruggezet naar de gegevens van de aanvrager.")
        get_session().commit()
        flash("Het partnerrecord is teruggezet naar de gegevens van de aanvrager.", "success")
    return redirect(url_for("admin.publication", item_id=item.id), code=303)
