"""The change-request form's views: the form at /aanmelden/wijziging/, receiving it, and the thanks page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template, request, session
from flask.typing import ResponseReturnValue

from partners.records import load_records
from partners.schema import Record

from ..clock import local_date, utcnow
from ..db import get_session
from ..forms.botcheck import started_token
from ..forms.page import render_page
from ..forms.receive import REFERENCE_KEY, receive
from ..web.csrf import csrf
from ..web.limiter import limiter
from .checks import ContactOnFile, contact_on_file, sender_reasons
from .form import ChangeRequestForm
from .notice import mails_with_contact_notice

bp = Blueprint("change", __name__, url_prefix="/aanmelden/wijziging")
# On the blueprint rather than the view: Flask-Limiter then checks it in its own before_request
# hook, ahead of every other, so a refused POST is answered before its body is parsed.
limiter.limit(lambda: current_app.config["FORM_RATE_LIMIT"], methods=["POST"])(bp)


def current_partners() -> dict[str, Record]:
    """slug -> Record of every partner active today, read from the records in CONTENT_DIR."""
    records, _problems = load_records(Path(current_app.config["CONTENT_DIR"]))
    today = local_date(utcnow())
    return {r.slug: r for r in sorted(records, key=lambda r: r.title.casefold()) if r.is_active(today)}


def make_form(*, empty: bool = False) -> ChangeRequestForm:
    """The form (the posted one, or an empty one) with the list of current partners as its choices."""
    return ChangeRequestForm(current_partners(), **({"formdata": None} if empty else {}))


def render_form(form: ChangeRequestForm, status: int = 200, notice: str = "") -> ResponseReturnValue:
    """The form page; `notice` is a message above the form that is not about one field."""
    return render_page("change/form.html", form, status, notice)


@bp.get("/")
def show() -> ResponseReturnValue:
    """The empty form; ?partner=slug picks the organisation beforehand."""
    form = make_form(empty=True)
    form.partner.data = request.args.get("partner", "").strip().lower()[:80]
    form.started.data = started_token()
    return render_form(form)


@bp.post("/")
def submit() -> ResponseReturnValue:
    """Check the request; store it and redirect, or show the form again with everything kept."""
    contacts: dict[str, ContactOnFile | None] = {}

    def checked_values(form: ChangeRequestForm) -> dict[str, Any]:
        """The request's values, marked suspect when the sender does not belong to the partner."""
        data = form.submission_data()
        db = get_session()
        contacts["on file"] = contact = contact_on_file(db, data["target_slug"])
        db.commit()  # end the read before the request is written in a transaction of its own
        data["suspect_reasons"] = sender_reasons(data, contact)
        return data

    return receive(
        make_form(),
        render=render_form,
        thanks="change.thanks",
        values=checked_values,
        what="change request",
        mails=lambda item: mails_with_contact_notice(contacts.get("on file"))(item),
    )


csrf.exempt(submit)


@bp.get("/bedankt/")
def thanks() -> ResponseReturnValue:
    """What happens after a change request."""
    return render_template("change/thanks.html", reference=session.get(REFERENCE_KEY))
