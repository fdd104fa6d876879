"""/beheer/contactpersonen.csv: the contact persons of current partners, for a logged-in, active reviewer only."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, g
from flask.typing import ResponseReturnValue

from ..clock import local_date, utcnow
from ..db import get_session
from ..web.headers import no_index
from .auth import login_required
from .contacts import contacts_csv, current_partner_contacts

bp = Blueprint("contacts", __name__, url_prefix="/beheer")
bp.after_request(no_index)
logger = logging.getLogger(__name__)


@bp.route("/contactpersonen.csv")
@login_required
def export() -> ResponseReturnValue:
    """Download the CSV; it holds personal data, so no cache keeps a copy."""
    today = local_date(utcnow())
    contacts = current_partner_contacts(get_session(), current_app.config["CONTENT_DIR"], today)
    # Who downloaded it and how many lines, never what is in it.
    logger.info("contacts export user=%s partners=%s", g.reviewer, len(contacts))
    response = Response(contacts_csv(contacts), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="contactpersonen-partners-{today.isoformat()}.csv"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
