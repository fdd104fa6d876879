"""Readable Dutch error pages; a database that cannot write answers 503, never 500."""

from __future__ import annotations

import logging
import math
import time
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..db import UNAVAILABLE_ERRORS
from .limiter import limiter

logger = logging.getLogger(__name__)

MESSAGES = {
    400: ("Dit verzoek klopt niet", "Het formulier kwam niet goed bij ons aan. Ga terug en probeer het opnieuw."),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer)."),
    405: ("Dit kan zo niet", "Deze pagina kan niet op deze manier worden gebruikt."),
    413: (
        "Te groot",
        "Wat u verstuurde is te groot. Een logo mag hoogstens 512 kB zijn en een tekst hoogstens een paar duizend "
        "tekens. Ga terug, maak het bestand of de tekst kleiner en verstuur het formulier opnieuw.",
    ),
    429: (
        "Even geduld",
        "Er kwamen te veel verzoeken vanaf uw adres. Wacht {wait} en probeer het dan opnieuw.",
    ),
    500: ("Er ging iets mis", "Er ging bij ons iets mis. Probeer het later opnieuw."),
    503: (
        "Tijdelijk niet beschikbaar",
        "We kunnen uw verzoek nu niet verwerken. Er is niets opgeslagen. Probeer het over een paar minuten opnieuw.",
    ),
}


def error_page(code: int, back: str | None = None, wait: str = "een paar minuten") -> tuple[str, int]:
    """The Dutch error page for `code` (the general one for a code without its own text); `back`: the form."""
    title, message = MESSAGES.get(code, MESSAGES[500])
    message = message.format(wait=wait) if code == 429 else message
    return render_template("error.html", code=code, title=title, message=message, back=back), code


def wait_words(seconds: float) -> str:
    """‘1 minuut’, ‘15 minuten’, ‘2 uur’: a wait rounded up, so trying again then works."""
    # Rounded up, but a few seconds over whole minutes (the limiter's reset rounds up too) are no extra minute.
    minutes = max(1, math.ceil((seconds - 5) / 60))
    if minutes < 60:
        return "1 minuut" if minutes == 1 else f"{minutes} minuten"
    hours = math.ceil(minutes / 60)
    return f"{hours} uur"


def seconds_to_wait(exc: RateLimitExceeded) -> float:
    """Until the limit that was hit lets a request through again; its whole window when that is unknown."""
    hit = limiter.current_limit
    if hit is not None and hit.breached:
        return max(0.0, hit.reset_at - time.time())
    return float(exc.limit.limit.get_expiry())


def way_back() -> str:
    """The page the refused request came from: the form (the Referer of our own host), else its own page."""
    referrer = urlsplit(request.referrer or "")
    ours = urlsplit(request.host_url)
    if (referrer.scheme, referrer.netloc) == (ours.scheme, ours.netloc) and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    try:
        current_app.url_map.bind_to_environ(request.environ).match(request.path, method="GET")
    except HTTPException:  # a POST-only route: no page of its own to go back to
        return "/"
    return request.path


def refuse_malformed_input() -> None:
    """Refuse with 400, before any view runs, what no browser sends and would end as a server error."""
    # A NUL byte in a value (PostgreSQL cannot store it) and a multipart part without a name
    # (werkzeug gives it the key None, on which Flask-WTF's CSRF lookup fails).
    sources = [request.args] + ([request.form] if request.method == "POST" else [])
    for source in sources:
        if any(not isinstance(key, str) for key in source):
            abort(400)
        if any("\x00" in value for values in source.listvalues() for value in values):
            abort(400)


def init_app(app: Flask) -> None:
    """Refuse malformed input first; answer every HTTP error and every database outage with a Dutch page."""
    app.before_request(refuse_malformed_input)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        response = exc.get_response()
        body, code = error_page(exc.code or 500)
        response.set_data(body)
        response.content_type = "text/html; charset=utf-8"
        return response, code

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(exc: RateLimitExceeded) -> ResponseReturnValue:
        back = way_back()  # the home page is no form: then the page offers only the home page
        return error_page(429, back=None if back == "/" else back, wait=wait_words(seconds_to_wait(exc)))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        return error_page(400)

    for error in UNAVAILABLE_ERRORS:

        @app.errorhandler(error)
        def unavailable(exc: Exception) -> ResponseReturnValue:
            logger.error("database unavailable: %s", type(exc).__name__)
            return error_page(503)
