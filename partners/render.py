"""Write a partner record back to Markdown: one field per line, in schema order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from . import schema
from .validate import InvalidValue, Problem, validate_fields


def make_slug(name: str) -> str:
    """The slug Pelican's own slugify makes of an organisation name, fitted to the Slug rule."""
    slug = slugify(name, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
    slug = "-".join(part for part in slug.replace("_", "-").split("-") if part)
    slug = "".join(ch for ch in slug if ch.isascii() and (ch.isalnum() or ch == "-"))
    return slug[: schema.SLUG_MAX].strip("-") or "partner"


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


def problems_of(fields: Mapping[str, object]) -> list[Problem]:
    """The problems render_record would refuse on, for a caller that wants them listed."""
    raw = {name: _format(value) for name, value in fields.items() if value not in (None, "", ())}
    return validate_fields(raw)[1]
