"""The registration form's views: the form at /aanmelden/, receiving it, and the thanks page."""

from __future__ import annotations

import functools
import re
from typing import Any

from flask import Blueprint, current_app, render_template, session
from flask.typing import ResponseReturnValue

from partners.criteria import COMPANY_ACKNOWLEDGEMENT, CONDITIONAL, CRITERIA, CRITERIA_HASH
from partners.schema import CONTRIBUTIONS

from ..forms.botcheck import started_token
from ..forms.page import render_page
from ..forms.receive import REFERENCE_KEY, receive
from ..web.csrf import csrf
from ..web.limiter import limiter
from .form import RegistrationForm

bp = Blueprint("apply", __name__, url_prefix="/aanmelden")
# On the blueprint rather than the view: Flask-Limiter then checks it in its own before_request
# hook, ahead of every other, so a refused POST is answered before its body is parsed.
limiter.limit(lambda: current_app.config["FORM_RATE_LIMIT"], methods=["POST"])(bp)

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

render_form = functools.partial(
    render_page,
    "apply/form.html",
    criteria=CRITERIA,
    conditional=CONDITIONAL,
    company_acknowledgement=COMPANY_ACKNOWLEDGEMENT,
    contributions=CONTRIBUTIONS,
)


def suspect_reasons(data: dict[str, Any]) -> list[str]:
    """Short Dutch reasons a reviewer should look twice at this application."""
    reasons = []
    links = len(_LINK_RE.findall(data["motivation"])) + len(_LINK_RE.findall(data["contribution_text"]))
    if links > MAX_LINKS:
        reasons.append(f"veel links in de tekst ({links})")
    domain = data["email"].rsplit("@", 1)[-1].lower()
    if domain in DISPOSABLE_DOMAINS:
        reasons.append(f"wegwerp-e-mailadres ({domain})")
    return reasons


def application_values(form: RegistrationForm) -> dict[str, Any]:
    """What to store of a valid application: its fields, the criteria's version and the suspect marks."""
    data = form.submission_data()
    # criteria_accepted_at and privacy_consent_at default to the moment of storing; passing them
    # here would put a timestamp in the fingerprint and break duplicate detection.
    data.update(criteria_hash=CRITERIA_HASH, suspect_reasons=suspect_reasons(data))
    return data


@bp.get("/")
def show() -> ResponseReturnValue:
    """The empty form, with the signed moment it was shown."""
    form = RegistrationForm(formdata=None)
    form.started.data = started_token()
    return render_form(form)


@bp.post("/")
def submit() -> ResponseReturnValue:
    """Check the application; store it and redirect, or show the form again with everything kept."""
    return receive(
        RegistrationForm(), render=render_form, thanks="apply.thanks", values=application_values, what="registration"
    )


csrf.exempt(submit)


@bp.get("/bedankt/")
def thanks() -> ResponseReturnValue:
    """What happens after an application."""
    return render_template("apply/thanks.html", reference=session.get(REFERENCE_KEY))
