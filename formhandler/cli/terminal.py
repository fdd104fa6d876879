"""Stored text printed to a terminal: no control or bidi character reaches it raw, whoever typed the text."""

from __future__ import annotations

import json
import re
from typing import Any

from ..log_escape import escape

# What JSON leaves raw with ensure_ascii=False: C1 controls, line separators, bidi controls (C0 it escapes itself).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe(value: object) -> str:
    """`value` as one line for a terminal: its unsafe characters, line breaks included, as escapes."""
    return escape(str(value))


def safe_block(value: object, indent: str = "    ") -> str:
    """`value` that may span lines: each line escaped, the next ones indented, so no line can pose as a field."""
    return f"\n{indent}".join(escape(line) for line in str(value).replace("\r\n", "\n").split("\n"))


def safe_json(data: Any) -> str:
    """JSON that keeps readable letters and writes every unsafe character as a \\u escape."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
