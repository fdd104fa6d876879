"""Status tokens never reach a log: werkzeug's request line (make run, the test servers) is redacted."""

from __future__ import annotations

import logging

from flask import Flask

from ..tokens import redact


class RedactTokens(logging.Filter):
    """Replace the value of every status token parameter in a log record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drop it."""
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


_FILTER = RedactTokens()


def init_app(app: Flask) -> None:
    """Filter werkzeug's request log and the app's own logger (gunicorn and nginx log paths without queries)."""
    # werkzeug writes '"GET /aanmelden/status/?code=… HTTP/1.1" 303 -' for every request it serves.
    for logger in (logging.getLogger("werkzeug"), app.logger):
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
