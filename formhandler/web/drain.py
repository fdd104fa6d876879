"""WSGI middleware that reads an unread request body before answering, so a proxy never sees a reset."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# nginx lets bodies up to 3 MB through (client_max_body_size 3m); nothing larger is drained.
DRAIN_LIMIT = 4 * 1024 * 1024


class DrainBody:
    """Read whatever the app left of a request body before answering, so the proxy can finish sending it."""

    # Why: the app refuses an oversized upload (413) or a flood (429) without reading the body;
    # gunicorn then closes a socket with unread data, the kernel resets it, and nginx, still
    # writing the body, answers 502 instead of passing on the app's Dutch page.

    def __init__(self, wsgi_app: WSGIApplication, limit: int = DRAIN_LIMIT) -> None:
        self.wsgi_app = wsgi_app
        self.limit = limit

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            self.drain(environ)

    def drain(self, environ: WSGIEnvironment) -> None:
        """Read and drop what is left of the body, up to the limit."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return
        if not 0 < length <= self.limit:
            return
        stream = environ["wsgi.input"]
        try:
            while stream.read(64 * 1024):
                pass
        except OSError:
            pass  # the client went away: nothing left to protect
