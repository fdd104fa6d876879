"""The one way a public form's POST is received: CSRF, bot check, validation, storing, mail, redirect."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import redirect, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

from .. import queue
from ..db import UNAVAILABLE_ERRORS
from ..mail import outbox, texts
from ..web.csrf import csrf
from .botcheck import bot_reason
from .page import CSRF_MESSAGE, UNAVAILABLE_MESSAGE

logger = logging.getLogger(__name__)
REFERENCE_KEY = "reference"
#: Renders the form page again: (form, status=200, notice="").
Renderer = Callable[..., ResponseReturnValue]


def receive(
    form: Any,
    *,
    render: Renderer,
    thanks: str,
    values: Callable[[Any], dict[str, Any]],
    what: str,
    mails: queue.MailBuilder = texts.build_mails,
) -> ResponseReturnValue:
    """Store a valid post and redirect to `thanks` (an endpoint), or show the form again with everything kept."""
    # A bot's post is kept apart as spam when it fits the columns; the bot sees the thanks page
    # either way. The 303 goes out only after the commit; a database that cannot write gives a
    # 503 with the form and its input.
    # The views are exempt from CSRFProtect's automatic check and run the same check here, so an
    # expired token shows the form with the input kept rather than a bare error page.
    try:
        csrf.protect()
    except CSRFError:
        return render(form, notice=CSRF_MESSAGE)
    reason = bot_reason(form)
    if reason is not None:
        logger.info("%s marked as spam: %s", what, reason)
    # Status 200, not 4xx: some proxies replace error bodies with their own page, and the
    # applicant would lose everything typed. The error summary tells people (and tests) what failed.
    if not form.validate():
        return redirect(url_for(thanks), code=303) if reason else render(form)
    data = values(form)
    if reason:
        data["suspect_reasons"] = [f"automatisch herkend: {reason}"]
    try:
        item_id, created = queue.submit(data, form.checked_logo, state="spam" if reason else "nieuw", mails=mails)
    except UNAVAILABLE_ERRORS as exc:
        logger.error("%s not stored, database unavailable: %s", what, type(exc).__name__)
        return redirect(url_for(thanks), code=303) if reason else render(form, status=503, notice=UNAVAILABLE_MESSAGE)
    if created:
        outbox.send_now(item_id)
    if not reason:
        # The thanks page shows this number from the session, so its URL tells nobody anything.
        session[REFERENCE_KEY] = item_id
    return redirect(url_for(thanks), code=303)
