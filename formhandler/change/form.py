"""The change-request form of existing partners: fields, Dutch messages and the validators only it has."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_wtf.file import FileField
from wtforms import BooleanField, Field, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Email, Length, StopValidation, ValidationError

from partners.schema import Record
from partners.validate import InvalidValue, check_date, check_summary

from ..forms.fields import MultiCheckboxField, PublicForm, add_scheme, strip
from ..forms.validators import (
    Validator,
    max_length,
    no_control_chars,
    one_line,
    partner_rule,
    required,
    valid_logo,
    valid_organisation_name,
    valid_website,
)
from ..kinds import CHANGE, CHANGES

EXPLANATION_MAX = 2000


class WhenChosen:
    """Required when its change is ticked; skipped entirely (no checks, no errors) when it is not."""

    def __init__(self, change: str, message: str) -> None:
        self.change, self.message = change, message

    def __call__(self, form: Any, field: Field) -> None:
        if self.change not in (form.changes.data or ()):
            field.errors[:] = []
            raise StopValidation()
        if not field.data:
            raise StopValidation(self.message)


def known_partner(form: Any, field: Field) -> None:
    """A current partner, picked from the list or given as its slug."""
    slug = (field.data or "").strip().lower()
    if slug not in form.partners:
        raise StopValidation("Kies uw organisatie uit de lijst, of vul de juiste korte naam (slug) in.")
    field.data = slug


def some_change(form: Any, field: Field) -> None:
    """At least one change; ending the partnership comes alone."""
    chosen = set(field.data or ())
    if not chosen:
        raise ValidationError("Kies ten minste één wijziging.")
    if "einde" in chosen and len(chosen) > 1:
        raise ValidationError("Wie het partnerschap beëindigt, kiest geen andere wijzigingen tegelijk.")


valid_summary = partner_rule(check_summary, "De korte omschrijving {reason}.")


def valid_end_date(form: Any, field: Field) -> None:
    """An existing date, not before the partnership began."""
    try:
        day = check_date(field.data or "")
    except InvalidValue as exc:
        raise ValidationError(f"De einddatum {exc}.") from None
    record = form.partners.get(form.partner.data or "")
    if record is not None and day < record.since:
        raise ValidationError(f"De einddatum ligt vóór het begin van het partnerschap ({record.since.isoformat()}).")
    form.end_day = day


def other_than_now(attribute: str, what: str) -> Validator:
    """The requested value must differ from the record's current value."""

    def check(form: Any, field: Field) -> None:
        record = form.partners.get(form.partner.data or "")
        if record is not None and field.data == getattr(record, attribute):
            raise ValidationError(f"{what} is gelijk aan wat er nu op de site staat.")

    return check


class ChangeRequestForm(PublicForm):
    """The change request at /aanmelden/wijziging/ for one of `partners` (slug -> Record, the current ones)."""

    partner = SelectField("Uw organisatie", validate_choice=False, validators=[known_partner])
    changes = MultiCheckboxField(
        "Wat wilt u wijzigen?",
        choices=[SelectChoice(value, change.question) for value, change in CHANGES.items()],
        validators=[some_change],
    )
    new_name = StringField(
        "Nieuwe naam",
        filters=[strip],
        validators=[
            WhenChosen("naam", "Vul de nieuwe naam van uw organisatie in."),
            valid_organisation_name,
            other_than_now("title", "De nieuwe naam"),
        ],
    )
    new_website = StringField(
        "Nieuwe website",
        filters=[add_scheme],
        validators=[
            WhenChosen("website", "Vul het nieuwe webadres in."),
            valid_website,
            other_than_now("website", "Het nieuwe webadres"),
        ],
    )
    logo = FileField("Nieuw logo", validators=[WhenChosen("logo", "Kies het bestand met het nieuwe logo."), valid_logo])
    new_summary = TextAreaField(
        "Nieuwe korte omschrijving",
        filters=[strip],
        validators=[
            WhenChosen("samenvatting", "Vul de nieuwe korte omschrijving in."),
            valid_summary,
            other_than_now("summary", "De nieuwe korte omschrijving"),
        ],
    )
    end_date = StringField(
        "Laatste dag van het partnerschap",
        filters=[strip],
        validators=[WhenChosen("einde", "Vul de datum in waarop het partnerschap eindigt."), valid_end_date],
    )
    explanation = TextAreaField(
        "Toelichting",
        filters=[strip],
        validators=[
            no_control_chars,
            Length(max=EXPLANATION_MAX, message=f"De toelichting mag hoogstens {EXPLANATION_MAX} tekens lang zijn."),
        ],
    )
    contact_name = StringField(
        "Uw naam",
        filters=[strip],
        validators=[required("Vul uw naam in."), max_length("contact_name", "Uw naam"), one_line],
    )
    contact_role = StringField(
        "Uw functie",
        filters=[strip],
        validators=[required("Vul uw functie in."), max_length("contact_role", "Uw functie"), one_line],
    )
    email = StringField(
        "E-mailadres",
        filters=[strip],
        validators=[
            required("Vul uw e-mailadres in."),
            no_control_chars,
            max_length("email", "Het e-mailadres"),
            Email(
                message="Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl.", check_deliverability=False
            ),
        ],
    )
    privacy_consent = BooleanField(
        "Toestemming", validators=[required("Geef toestemming voor het gebruik van uw gegevens om verder te gaan.")]
    )
    # Honeypot and signed start moment, as on the registration form (see forms.botcheck).
    homepage_url = StringField("Laat dit veld leeg")
    started = HiddenField()

    end_day: dt.date | None = None

    def __init__(self, partners: dict[str, Record], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.partners = partners
        self.partner.choices = [SelectChoice("", "Kies uw organisatie")] + [
            SelectChoice(slug, record.title) for slug, record in partners.items()
        ]

    def submission_data(self) -> dict[str, Any]:
        """The values to store: the record as it is now, what is asked, and who asks."""
        record = self.partners[self.partner.data]
        chosen = set(self.changes.data or ())
        values = {
            "naam": self.new_name.data,
            "website": self.new_website.data,
            "logo": "nieuw",
            "samenvatting": self.new_summary.data,
            "einde": self.end_day.isoformat() if self.end_day else "",
        }
        requested = {change.field: values[value] for value, change in CHANGES.items() if value in chosen}
        return {
            "kind": CHANGE,
            "target_slug": record.slug,
            "requested": requested,
            "end_date": self.end_day if "einde" in chosen else None,
            "organisation_name": record.title,
            "organisation_type": record.type,
            "website": record.website,
            "contact_name": self.contact_name.data,
            "contact_role": self.contact_role.data,
            "email": self.email.data,
            "motivation": self.explanation.data or "",
            "criteria_hash": "",
        }
