"""Text from the queue made safe for Markdown: a name in a record or an announcement stays plain text."""

from __future__ import annotations

import re

# Inline characters Python-Markdown gives a meaning.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]])")


def markdown_text(value: str) -> str:
    """Escape `value` so Markdown shows it literally at the start of a paragraph."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MARKDOWN_INLINE.sub(r"\\\1", value)
    value = re.sub(r"^(\d+)([.)])", r"\1\\\2", value)  # "1. Foo" would start a list
    return "\\" + value if value[:1] in ("#", "+", "-") else value
