"""The change-request form for existing partners at /aanmelden/wijziging/ and its thanks page."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from wtforms import SelectChoice

from partners.records import load_records
from partners.schema import LOGO_MAX_BYTES

from . import csrf, mail, mail_texts, queue
from .change_forms import ChangeRequestForm
from .db import UNAVAILABLE_ERRORS
from .form_views import CSRF_MESSAGE, UNAVAILABLE_MESSAGE, anchor, aria, bot_reason, invalid_attr, invalid_fields
from .forms import started_token
from .limits import limiter
from .models import utcnow
from .publish import local_date

bp = Blueprint("change_request", __name__, url_prefix="/aanmelden/wijziging")
# On the blueprint rather than the view: Flask-Limiter then checks it in its own before_request
# hook, ahead of every other, so a refused POST is answered before its body is parsed.
limiter.limit(lambda: current_app.config["FORM_RATE_LIMIT"], methods=["POST"])(bp)
logger = logging.getLogger(__name__)


def current_partners() -> dict:
    """slug -> Record of every partner active today, read from the records in CONTENT_DIR."""
    content = Path(current_app.config["CONTENT_DIR"])
    # The cache keeps a form view cheap at a thousand partners: unchanged files are not parsed again.
    cache = Path(current_app.instance_path) / "change-form-records.pickle"
    records, _problems = load_records(content, cache_file=cache)
    today = local_date(utcnow())
    return {r.slug: r for r in sorted(records, key=lambda r: r.title.casefold()) if r.is_active(today)}


def make_form(*, empty: bool = False) -> ChangeRequestForm:
    """The form (the posted one, or an empty one) with the list of current partners as its choices."""
    form = ChangeRequestForm(formdata=None) if empty else ChangeRequestForm()
    form.partners = current_partners()
    form.partner.choices = [SelectChoice("", "Kies uw organisatie")] + [
        SelectChoice(slug, record.title) for slug, record in form.partners.items()
    ]
    return form


def render_form(form: ChangeRequestForm, status: int = 200, notice: str = ""):
    """The form page; `notice` is a message above the form that is not about one field."""
    chosen_file = form.logo.data.filename or "een bestand" if request.method == "POST" and form.logo.data else ""
    return render_template(
        "change_request.html",
        form=form,
        invalid=invalid_fields(form),
        notice=notice,
        chosen_file=chosen_file,
        logo_max_kb=LOGO_MAX_BYTES // 1024,
        aria=aria,
        invalid_attr=invalid_attr,
        anchor=anchor,
    ), status


@bp.get("/")
def show():
    """The empty form; ?partner=slug picks the organisation beforehand."""
    form = make_form(empty=True)
    form.partner.data = request.args.get("partner", "").strip().lower()[:80]
    form.started.data = started_token()
    return render_form(form)


@bp.post("/")
def submit():
    """Check the request; store it and redirect, or show the form again with everything kept."""
    form = make_form()
    # Same as the registration form: an expired token shows the form again with the input kept.
    try:
        csrf.protect()
    except CSRFError:
        return render_form(form, notice=CSRF_MESSAGE)
    reason = bot_reason(form)
    if reason is not None:
        return store(form, state="spam", reason=reason)
    if not form.validate():
        return render_form(form)
    return store(form)


csrf.exempt(submit)


def store(form: ChangeRequestForm, state: str = "nieuw", reason: str = ""):
    """Add the request to the queue (a bot's only when it fits, as spam) and show the thanks page."""
    if reason:
        logger.info("change request marked as spam: %s", reason)
        if not form.validate():
            return redirect(url_for("change_request.thanks"), code=303)
    data = form.submission_data()
    if reason:
        data["suspect_reasons"] = [f"automatisch herkend: {reason}"]
    try:
        item_id, created = queue.submit(data, form.checked_logo, state=state, mails=mail_texts.build_mails)
    except UNAVAILABLE_ERRORS as exc:
        logger.error("change request not stored, database unavailable: %s", type(exc).__name__)
        if reason:
            return redirect(url_for("change_request.thanks"), code=303)
        return render_form(form, status=503, notice=UNAVAILABLE_MESSAGE)
    if created:
        mail.send_now(item_id)
    return redirect(url_for("change_request.thanks"), code=303)


@bp.get("/bedankt/")
def thanks():
    """What happens after a change request."""
    return render_template("change_thanks.html")
