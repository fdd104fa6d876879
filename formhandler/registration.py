"""The public registration form at /aanmelden/ and its thanks page."""

from __future__ import annotations

import logging
import re

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from partners.criteria import COMPANY_ACKNOWLEDGEMENT, CONDITIONAL, CRITERIA, CRITERIA_HASH
from partners.schema import CONTRIBUTIONS, LOGO_MAX_BYTES

from . import csrf, mail, mail_texts, queue
from .db import UNAVAILABLE_ERRORS
from .form_views import CSRF_MESSAGE, UNAVAILABLE_MESSAGE, anchor, aria, bot_reason, invalid_attr, invalid_fields
from .forms import RegistrationForm, started_token
from .limits import limiter

bp = Blueprint("registration", __name__, url_prefix="/aanmelden")
# On the blueprint rather than the view: Flask-Limiter then checks it in its own before_request
# hook, ahead of every other, so a refused POST is answered before its body is parsed.
limiter.limit(lambda: current_app.config["FORM_RATE_LIMIT"], methods=["POST"])(bp)
logger = logging.getLogger(__name__)

# Marks for a reviewer, never a reason to refuse: an address from a throwaway-mail service.
DISPOSABLE_DOMAINS = frozenset(
    {
        "10minutemail.com",
        "discard.email",
        "dispostable.com",
        "getnada.com",
        "guerrillamail.com",
        "guerrillamail.net",
        "mailinator.com",
        "maildrop.cc",
        "mintemail.com",
        "mohmal.com",
        "sharklasers.com",
        "temp-mail.org",
        "tempmail.com",
        "throwawaymail.com",
        "trashmail.com",
        "yopmail.com",
    }
)
MAX_LINKS = 3
_LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)


def suspect_reasons(data: dict) -> list[str]:
    """Short Dutch reasons a reviewer should look twice at this application."""
    reasons = []
    links = len(_LINK_RE.findall(data["motivation"])) + len(_LINK_RE.findall(data["contribution_text"]))
    if links > MAX_LINKS:
        reasons.append(f"veel links in de tekst ({links})")
    domain = data["email"].rsplit("@", 1)[-1].lower()
    if domain in DISPOSABLE_DOMAINS:
        reasons.append(f"wegwerp-e-mailadres ({domain})")
    return reasons


def render_form(form: RegistrationForm, status: int = 200, notice: str = ""):
    """The form page; `notice` is a message above the form that is not about one field."""
    chosen_file = ""
    if request.method == "POST" and form.logo.data:
        chosen_file = form.logo.data.filename or "een bestand"
    return render_template(
        "register.html",
        form=form,
        invalid=invalid_fields(form),
        notice=notice,
        chosen_file=chosen_file,
        criteria=CRITERIA,
        conditional=CONDITIONAL,
        company_acknowledgement=COMPANY_ACKNOWLEDGEMENT,
        contributions=CONTRIBUTIONS,
        logo_max_kb=LOGO_MAX_BYTES // 1024,
        aria=aria,
        invalid_attr=invalid_attr,
        anchor=anchor,
    ), status


@bp.get("/")
def show():
    """The empty form, with the signed moment it was shown."""
    form = RegistrationForm(formdata=None)
    form.started.data = started_token()
    return render_form(form)


@bp.post("/")
def submit():
    """Check the application; store it and redirect, or show the form again with everything kept."""
    form = RegistrationForm()
    # The view is exempt from CSRFProtect's automatic check and runs the same check itself, so an
    # expired token shows the form with the input kept rather than a bare error page.
    # Re-rendering gives a fresh token.
    try:
        csrf.protect()
    except CSRFError:
        return render_form(form, notice=CSRF_MESSAGE)
    reason = bot_reason(form)
    if reason is not None:
        return store_spam(form, reason)
    # Status 200, not 4xx: some proxies replace error bodies with their own page, and the
    # applicant would lose everything typed. The error summary tells people (and tests) what failed.
    if not form.validate():
        return render_form(form)
    data = form.submission_data()
    data.update(criteria_hash=CRITERIA_HASH, suspect_reasons=suspect_reasons(data))
    # criteria_accepted_at and privacy_consent_at default to the moment of storing; passing them
    # here would put a timestamp in the fingerprint and break duplicate detection.
    try:
        item_id, created = queue.submit(data, form.checked_logo, mails=mail_texts.build_mails)
    except UNAVAILABLE_ERRORS as exc:
        logger.error("registration not stored, database unavailable: %s", type(exc).__name__)
        return render_form(form, status=503, notice=UNAVAILABLE_MESSAGE)
    if created:
        mail.send_now(item_id)
    return redirect(url_for("registration.thanks"), code=303)


csrf.exempt(submit)


def store_spam(form: RegistrationForm, reason: str):
    """Keep a bot's submission apart as spam when it fits the columns; the bot sees the thanks page."""
    logger.info("registration marked as spam: %s", reason)
    if form.validate():
        data = form.submission_data()
        data.update(criteria_hash=CRITERIA_HASH, suspect_reasons=[f"automatisch herkend: {reason}"])
        try:
            queue.submit(data, form.checked_logo, state="spam")
        except UNAVAILABLE_ERRORS as exc:
            logger.error("spam not stored, database unavailable: %s", type(exc).__name__)
    return redirect(url_for("registration.thanks"), code=303)


@bp.get("/bedankt/")
def thanks():
    """What happens after an application."""
    return render_template("thanks.html")
