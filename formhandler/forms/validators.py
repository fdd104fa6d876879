"""Validators both public forms use: `(form, field) -> None`, raising a Dutch ValidationError."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from werkzeug.datastructures import FileStorage
from wtforms import Field, Form
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from partners import schema
from partners.logos import LogoError, check_logo
from partners.validate import InvalidValue, check_title, check_website, has_control_characters

from ..models import LIMITS

Validator = Callable[[Any, Field], None]
# The partner record's character rule (C0 and C1 controls, bidi overrides and isolates, Unicode line
# separators): never typed by people, able to make a name display as another, and NUL is refused by
# PostgreSQL outright. Multi-line fields allow only CR and LF on top of it.
_TYPED_LINE_BREAKS = re.compile("[\r\n]")
INVISIBLE = "Dit veld bevat onzichtbare tekens die we niet kunnen opslaan. Typ de tekst opnieuw."


def required(message: str) -> DataRequired:
    """DataRequired with our own Dutch message: blank or whitespace-only input counts as missing."""
    return DataRequired(message=message)


def max_length(name: str, label: str) -> Length:
    """Length limit read from the column the value fills (models.LIMITS)."""
    limit = LIMITS[name]
    return Length(max=limit, message=f"{label} mag hoogstens {limit} tekens lang zijn.")


class RequiredIf:
    """Required only when another field has a given value (after SecureDrop's RequiredIf)."""

    def __init__(self, other: str, value: str, message: str) -> None:
        self.other, self.value, self.message = other, value, message

    def __call__(self, form: Form, field: Field) -> None:
        if form[self.other].data == self.value and not field.data:
            raise StopValidation(self.message)


def partner_rule(check: Callable[[str], object], message: str) -> Validator:
    """A validator applying one rule of partners.validate (so the rule exists once); "{reason}" in `message`."""

    def validator(form: Any, field: Field) -> None:
        try:
            field.data = check(field.data or "")
        except InvalidValue as exc:
            raise ValidationError(message.format(reason=exc)) from None

    return validator


# The name becomes the record's Title and the website its Website: the partner rules apply.
valid_organisation_name = partner_rule(check_title, "De naam van de organisatie {reason}.")
valid_website = partner_rule(check_website, "Het webadres {reason}.")


def one_line(form: Any, field: Field) -> None:
    """Short text fields are a single line without control characters."""
    value = field.data or ""
    if _TYPED_LINE_BREAKS.search(value):
        raise ValidationError("Dit veld moet op één regel staan.")
    if has_control_characters(value):
        raise ValidationError(INVISIBLE)


def no_control_chars(form: Any, field: Field) -> None:
    """Every text field: no invisible control characters (line breaks and tabs are fine)."""
    if has_control_characters(_TYPED_LINE_BREAKS.sub("", field.data or "")):
        raise StopValidation(INVISIBLE)


def read_upload(storage: FileStorage, limit: int = schema.LOGO_MAX_BYTES) -> bytes:
    """Read an uploaded file, refusing it before reading more than `limit` + 1 bytes."""
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise LogoError(f"het bestand is groter dan {limit // 1024} kB")
    return data


def valid_logo(form: Any, field: Field) -> None:
    """Run the partner logo checks; keep the cleaned logo on the form for the view."""
    form.checked_logo = None
    if not field.data:
        return
    try:
        form.checked_logo = check_logo(read_upload(field.data), field.data.filename or "")
    except LogoError as exc:
        raise ValidationError(f"Dit logo kunnen we niet gebruiken: {exc}.") from None
