"""The page around a public form: its Dutch notices, the error summary's fields, and ARIA attributes."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from wtforms import Field

from partners.schema import LOGO_MAX_BYTES

CSRF_MESSAGE = (
    "Het formulier was te lang open, of uw browser stuurde het beveiligingskenmerk niet mee. "
    "Uw gegevens staan er nog. Controleer ze en verstuur het formulier opnieuw."
)
UNAVAILABLE_MESSAGE = (
    "Er ging bij ons iets mis bij het opslaan. Er is niets opgeslagen. Uw gegevens staan er "
    "nog: probeer het over een paar minuten opnieuw."
)
# Technical fields that never appear in the error summary.
INTERNAL_FIELDS = ("csrf_token", "started", "homepage_url")


def aria(field: Field, hint: bool | str = False, **attrs: Any) -> dict[str, Any]:
    """Attributes tying a field to its hint and error, and marking it invalid; empty values dropped."""
    described = ([f"{field.id}-hint"] if hint else []) + ([f"{field.id}-error"] if field.errors else [])
    if described:
        attrs["aria-describedby"] = " ".join(described)
    attrs.update(invalid_attr(field))
    return {key: value for key, value in attrs.items() if value not in ("", None)}


def invalid_attr(field: Field) -> dict[str, str]:
    """aria-invalid for a field with an error."""
    return {"aria-invalid": "true"} if field.errors else {}


def anchor(field: Field) -> str:
    """The id the error summary links to: the field, or the first option of a group."""
    return f"{field.id}-0" if field.type in ("RadioField", "MultiCheckboxField") else field.id


def invalid_fields(form: Any) -> list[Field]:
    """Fields with an error, in page order; the hidden technical fields are never shown."""
    return [field for field in form if field.errors and field.name not in INTERNAL_FIELDS]


def render_page(template: str, form: Any, status: int = 200, notice: str = "", **context: Any) -> ResponseReturnValue:
    """A form page; `notice` is a message above the form that is not about one field."""
    chosen_file = ""
    if request.method == "POST" and form.logo.data:
        chosen_file = form.logo.data.filename or "een bestand"
    return render_template(
        template,
        form=form,
        invalid=invalid_fields(form),
        notice=notice,
        chosen_file=chosen_file,
        logo_max_kb=LOGO_MAX_BYTES // 1024,
        aria=aria,
        invalid_attr=invalid_attr,
        anchor=anchor,
        **context,
    ), status
