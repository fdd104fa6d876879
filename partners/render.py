"""Write a partner record back to Markdown: one field per line, in schema order; and make slugs."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping

from markupsafe import Markup
from unidecode import unidecode

from . import schema
from .validate import InvalidValue, validate_fields

# Pelican's default SLUG_REGEX_SUBSTITUTIONS, so a slug is what Pelican itself would make of the name.
_SLUG_SUBSTITUTIONS = (
    (re.compile(r"[^\w\s-]", re.IGNORECASE), ""),
    (re.compile(r"(?u)\A\s*", re.IGNORECASE), ""),
    (re.compile(r"(?u)\s*\Z", re.IGNORECASE), ""),
    (re.compile(r"[-\s]+", re.IGNORECASE), "-"),
)


def _slugify(name: str) -> str:
    """pelican.utils.slugify with its default substitutions: tags out, NFKC, ASCII, lower case."""
    value = unidecode(unicodedata.normalize("NFKC", Markup(name).striptags()))
    for pattern, replacement in _SLUG_SUBSTITUTIONS:
        value = pattern.sub(replacement, value)
    return value.lower().strip()


def make_slug(name: str) -> str:
    """The slug Pelican's slugify makes of an organisation name, fitted to the Slug rule and never a reserved one."""
    slug = "-".join(part for part in _slugify(name).replace("_", "-").split("-") if part)
    slug = "".join(ch for ch in slug if ch.isascii() and (ch.isalnum() or ch == "-"))
    slug = slug[: schema.SLUG_MAX].strip("-") or "partner"
    if slug in schema.RESERVED_SLUGS:  # "A-Z" would overwrite the A–Z page: the same name, a distinct slug
        slug += schema.RESERVED_SLUG_SUFFIX
    return slug


def _format(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    return str(value)


def render_record(fields: Mapping[str, object], description: str = "") -> str:
    """Return the Markdown text of a record; raise InvalidValue listing problems if it is invalid."""
    raw = {name: _format(value) for name, value in fields.items() if value not in (None, "", ())}
    _, problems = validate_fields(raw)
    if problems:
        raise InvalidValue("; ".join(str(p) for p in problems))
    lines = [f"{name}: {raw[name].strip()}" for name in schema.FIELDS if name in raw]
    body = "\n".join(line.rstrip() for line in description.strip().splitlines())
    return "\n".join(lines) + "\n\n" + (body + "\n" if body else "")
