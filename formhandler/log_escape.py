"""Every log line is one line: control characters, line separators and bidi controls are written as escapes.

Installed once as the process's log record class, so it covers every logger (the app's, werkzeug's,
gunicorn's, the libraries'), whatever handler or formatter writes the line.
"""

from __future__ import annotations

import logging
import re

# Category Cc (with tab, CR, LF and NEL), the Unicode line and paragraph separators, bidi overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: Set `extra={MULTILINE: True}` on a record whose code means its line breaks (the development mail log).
MULTILINE = "multiline"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every unsafe character as a visible escape (`\\x0a`, `\\u202e`)."""
    return (_UNSAFE_BUT_NEWLINE if keep_newlines else _UNSAFE).sub(_escape, text)


class EscapedLogRecord(logging.LogRecord):
    """A log record whose message, arguments included, can never start a forged line."""

    def getMessage(self) -> str:
        """The formatted message, escaped."""
        return escape(super().getMessage(), keep_newlines=bool(getattr(self, MULTILINE, False)))


def install() -> None:
    """Make every new log record an EscapedLogRecord (idempotent; a custom factory is left alone)."""
    if logging.getLogRecordFactory() is logging.LogRecord:
        logging.setLogRecordFactory(EscapedLogRecord)
