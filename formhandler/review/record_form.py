"""The one record-edit form: a partner's public fields, checked by the rules of partners/ with errors at the field.

The reviewer uses it to edit an application's record before it is published (RecordForm) and to edit a
current partner (PartnerForm: also a new logo, the end of the partnership, and the record's version).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_wtf.file import FileField
from wtforms import Field, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, StopValidation, ValidationError

from partners import schema
from partners.dates import nl_date
from partners.validate import InvalidValue, Problem, check_contributions, check_date, check_sector, check_summary

from ..forms.fields import MultiCheckboxField, PublicForm, add_scheme, strip
from ..forms.validators import (
    no_control_chars,
    partner_rule,
    required,
    valid_logo,
    valid_organisation_name,
    valid_website,
)

#: record field (or "beschrijving", as partners/ names the body) -> the form field that shows its error.
FIELD_OF: dict[str, str] = {
    "Title": "title",
    "Type": "partner_type",
    "Website": "website",
    "Summary": "summary",
    "Sector": "sector",
    "Contributions": "contributions",
    "beschrijving": "description",
    "Logo": "logo",
    "Until": "until",
}


def optional_rule(check: Any, message: str) -> Any:
    """A rule of partners/ for a field that may stay empty."""
    rule = partner_rule(check, message)

    def validator(form: Any, field: Field) -> None:
        if field.data:
            rule(form, field)

    return validator


def valid_contributions(form: Any, field: Field) -> None:
    """The chosen contributions, as the record's comma list allows them."""
    try:
        check_contributions(", ".join(field.data or ()))
    except InvalidValue as exc:
        raise ValidationError(f"De bijdragen zijn niet goed: {exc}.") from None


def valid_until(form: Any, field: Field) -> None:
    """An existing date, not before the partnership began; empty leaves the partnership running."""
    if not field.data:
        form.until_day = None
        raise StopValidation()
    try:
        day = check_date(field.data)
    except InvalidValue as exc:
        raise ValidationError(f"De einddatum {exc}.") from None
    if form.since is not None and day < form.since:
        raise ValidationError(f"De einddatum ligt vóór het begin van het partnerschap ({nl_date(form.since)}).")
    form.until_day = day


class RecordForm(PublicForm):
    """A partner record's public fields and its description, as the build will show them."""

    title = StringField(
        "Naam van de organisatie",
        filters=[strip],
        validators=[required("Vul de naam van de organisatie in."), no_control_chars, valid_organisation_name],
    )
    partner_type = RadioField(
        "Soort organisatie",
        choices=[SelectChoice(slug, label) for slug, label in schema.TYPE_SINGULAR.items()],
        validators=[required("Kies de soort organisatie.")],
    )
    website = StringField("Website", filters=[add_scheme], validators=[no_control_chars, valid_website])
    summary = StringField(
        "Korte omschrijving",
        filters=[strip],
        validators=[no_control_chars, optional_rule(check_summary, "De korte omschrijving {reason}.")],
    )
    sector = StringField(
        "Sector", filters=[strip], validators=[no_control_chars, optional_rule(check_sector, "De sector {reason}.")]
    )
    contributions = MultiCheckboxField(
        "Bijdragen",
        choices=[SelectChoice(slug, label) for slug, label in schema.CONTRIBUTIONS.items()],
        validators=[valid_contributions],
    )
    description = TextAreaField(
        "Beschrijving",
        filters=[strip],
        validators=[
            no_control_chars,
            Length(
                max=schema.DESCRIPTION_MAX,
                message=f"De beschrijving mag hoogstens {schema.DESCRIPTION_MAX} tekens lang zijn.",
            ),
        ],
    )

    def values(self) -> dict[str, Any]:
        """The record fields and description as the form holds them."""
        return {
            "Title": self.title.data,
            "Type": self.partner_type.data,
            "Website": self.website.data or "",
            "Summary": self.summary.data or "",
            "Sector": self.sector.data or "",
            "Contributions": list(self.contributions.data or ()),
            "description": self.description.data or "",
        }

    def show_problems(self, problems: list[Problem]) -> None:
        """Put the problems partners/ found in the whole record at the fields they are about."""
        for problem in problems:
            field = getattr(self, FIELD_OF.get(problem.field, "description"))
            field.errors = [*field.errors, f"{field.label.text}: {problem.reason}."]


class PartnerForm(RecordForm):
    """A current partner's record: also a new logo, the last day of the partnership, and the version it edits."""

    logo = FileField("Nieuw logo", validators=[valid_logo])
    until = StringField("Einde partnerschap", filters=[strip], validators=[valid_until])
    record_sha256 = HiddenField()

    since: dt.date | None = None
    until_day: dt.date | None = None

    def values(self) -> dict[str, Any]:
        """The record fields, with Until."""
        return {**super().values(), "Until": self.until_day}
