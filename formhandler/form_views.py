"""View helpers shared by the registration and change-request forms: messages, bots, ARIA, rollback."""

from __future__ import annotations

from flask import current_app

from .forms import seconds_since_started

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


def bot_reason(form) -> str | None:
    """Why this looks like a bot (honeypot filled, forged or too-fast fill time), or None."""
    if (form.homepage_url.data or "").strip():
        return "honeypot"
    elapsed = seconds_since_started(form.started.data or "")
    if elapsed is None:
        return "fill-time-signature"
    if elapsed < float(current_app.config["MIN_FILL_SECONDS"]):
        return "fill-time-too-fast"
    return None


def aria(field, hint=False, **attrs) -> dict:
    """Attributes tying a field to its hint and error, and marking it invalid; empty values dropped."""
    described = ([f"{field.id}-hint"] if hint else []) + ([f"{field.id}-error"] if field.errors else [])
    if described:
        attrs["aria-describedby"] = " ".join(described)
    attrs.update(invalid_attr(field))
    return {key: value for key, value in attrs.items() if value not in ("", None)}


def invalid_attr(field) -> dict:
    return {"aria-invalid": "true"} if field.errors else {}


def anchor(field) -> str:
    """The id the error summary links to: the field, or the first option of a group."""
    return f"{field.id}-0" if field.type in ("RadioField", "MultiCheckboxField") else field.id


def invalid_fields(form) -> list:
    """Fields with an error, in page order; the hidden technical fields are never shown."""
    return [field for field in form if field.errors and field.name not in INTERNAL_FIELDS]
