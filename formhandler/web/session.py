"""The signed session cookie with bounded contents: a flash copied from input can never outgrow a browser's limit."""

from __future__ import annotations

import logging

from flask import Flask, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

logger = logging.getLogger(__name__)

#: Characters kept of one flash message; longer ones end in an ellipsis.
FLASH_MAX = 300
#: Flash messages kept, the newest; nobody reads more on one page.
FLASHES_MAX = 3
CATEGORY_MAX = 20
#: Bytes of the signed value; browsers drop cookies above 4096 bytes with name and attributes included.
COOKIE_BUDGET = 3500
FLASHES_KEY = "_flashes"


def bounded_message(message: object) -> str:
    """`message` as text of at most FLASH_MAX characters."""
    text = str(message)
    return text if len(text) <= FLASH_MAX else text[: FLASH_MAX - 1] + "…"


class BoundedSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, its flashes bounded in length and number before every save."""

    def save_session(self, app: Flask, session: SecureCookieSession, response: Response) -> None:  # type: ignore[override]
        """Bound the flashes, drop the oldest while the cookie would exceed the budget, then save as Flask does."""
        flashes = session.get(FLASHES_KEY)
        if flashes:
            newest = flashes[-FLASHES_MAX:]
            bounded = [(str(category)[:CATEGORY_MAX], bounded_message(text)) for category, text in newest]
            while bounded and self._size(app, session, bounded) > COOKIE_BUDGET:
                bounded.pop(0)
            if bounded != flashes:
                session[FLASHES_KEY] = bounded
        if session and self._size(app, session, session.get(FLASHES_KEY)) > COOKIE_BUDGET:
            # Only code puts anything else in the session; an oversized one is a bug, not input: keep the old cookie.
            logger.error("session not saved: %d keys exceed the cookie budget", len(session))
            return
        super().save_session(app, session, response)

    def _size(self, app: Flask, session: SecureCookieSession, flashes: object) -> int:
        """Bytes of the signed cookie value with `flashes` in place of the session's own."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return 0
        data = dict(session)
        if flashes:
            data[FLASHES_KEY] = flashes
        else:
            data.pop(FLASHES_KEY, None)
        return len(serializer.dumps(data))


def init_app(app: Flask) -> None:
    """Use the bounded session for every request."""
    app.session_interface = BoundedSessionInterface()
