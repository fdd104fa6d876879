"""The change-request form of existing partners: fields, Dutch messages and the validators behind them."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Email, Length, StopValidation, ValidationError

from partners.validate import InvalidValue, check_date, check_summary

from .forms import (
    MultiCheckboxField,
    RegistrationForm,
    _add_scheme,
    _strip,
    max_length,
    one_line,
    partner_rule,
    required,
    valid_logo,
    valid_organisation_name,
    valid_website,
)

#: what a partner can change -> the Dutch label of its checkbox.
CHANGES = {
    "naam": "De naam van de organisatie",
    "website": "De website",
    "logo": "Het logo",
    "samenvatting": "De korte omschrijving (samenvatting)",
    "einde": "Het partnerschap beëindigen",
}
EXPLANATION_MAX = 2000


class WhenChosen:
    """Required when its change is ticked; skipped entirely (no checks, no errors) when it is not."""

    def __init__(self, change: str, message: str):
        self.change, self.message = change, message

    def __call__(self, form, field):
        if self.change not in (form.changes.data or ()):
            field.errors[:] = []
            raise StopValidation()
        if not field.data:
            raise StopValidation(self.message)


def known_partner(form, field):
    """A current partner, picked from the list or given as its slug."""
    slug = (field.data or "").strip().lower()
    if slug not in form.partners:
        raise StopValidation("Kies uw organisatie uit de lijst, of vul de juiste korte naam (slug) in.")
    field.data = slug


def some_change(form, field):
    chosen = set(field.data or ())
    if not chosen:
        raise ValidationError("Kies ten minste één wijziging.")
    if "einde" in chosen and len(chosen) > 1:
        raise ValidationError("Wie het partnerschap beëindigt, kiest geen andere wijzigingen tegelijk.")


valid_summary = partner_rule(check_summary, "De korte omschrijving {reason}.")


def valid_end_date(form, field):
    """An existing date, not before the partnership began."""
    try:
        day = check_date(field.data or "")
    except InvalidValue as exc:
        raise ValidationError(f"De einddatum {exc}.") from None
    record = form.partners.get(form.partner.data or "")
    if record is not None and day < record.since:
        raise ValidationError(f"De einddatum ligt vóór het begin van het partnerschap ({record.since.isoformat()}).")
    form.end_day = day


def other_than_now(attribute: str, what: str):
    """The requested value must differ from the record's current value."""

    def check(form, field):
        record = form.partners.get(form.partner.data or "")
        if record is not None and field.data == getattr(record, attribute):
            raise ValidationError(f"{what} is gelijk aan wat er nu op de site staat.")

    return check


class ChangeRequestForm(FlaskForm):
    """The change request at /aanmelden/wijziging/; `partners` (slug -> Record) is set by the view."""

    Meta = RegistrationForm.Meta

    partner = SelectField("Uw organisatie", validate_choice=False, validators=[known_partner])
    changes = MultiCheckboxField(
        "Wat wilt u wijzigen?", choices=[SelectChoice(k, v) for k, v in CHANGES.items()], validators=[some_change]
    )
    new_name = StringField(
        "Nieuwe naam",
        filters=[_strip],
        validators=[
            WhenChosen("naam", "Vul de nieuwe naam van uw organisatie in."),
            valid_organisation_name,
            other_than_now("title", "De nieuwe naam"),
        ],
    )
    new_website = StringField(
        "Nieuwe website",
        filters=[_add_scheme],
        validators=[
            WhenChosen("website", "Vul het nieuwe webadres in."),
            valid_website,
            other_than_now("website", "Het nieuwe webadres"),
        ],
    )
    logo = FileField("Nieuw logo", validators=[WhenChosen("logo", "Kies het bestand met het nieuwe logo."), valid_logo])
    new_summary = TextAreaField(
        "Nieuwe korte omschrijving",
        filters=[_strip],
        validators=[
            WhenChosen("samenvatting", "Vul de nieuwe korte omschrijving in."),
            valid_summary,
            other_than_now("summary", "De nieuwe korte omschrijving"),
        ],
    )
    end_date = StringField(
        "Laatste dag van het partnerschap",
        filters=[_strip],
        validators=[WhenChosen("einde", "Vul de datum in waarop het partnerschap eindigt."), valid_end_date],
    )
    explanation = TextAreaField(
        "Toelichting (niet verplicht)",
        filters=[_strip],
        validators=[
            Length(max=EXPLANATION_MAX, message=f"De toelichting mag hoogstens {EXPLANATION_MAX} tekens lang zijn.")
        ],
    )
    contact_name = StringField(
        "Uw naam",
        filters=[_strip],
        validators=[required("Vul uw naam in."), max_length("contact_name", "Uw naam"), one_line],
    )
    contact_role = StringField(
        "Uw functie",
        filters=[_strip],
        validators=[required("Vul uw functie in."), max_length("contact_role", "Uw functie"), one_line],
    )
    email = StringField(
        "E-mailadres",
        filters=[_strip],
        validators=[
            required("Vul uw e-mailadres in."),
            max_length("email", "Het e-mailadres"),
            Email(
                message="Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl.", check_deliverability=False
            ),
        ],
    )
    privacy_consent = BooleanField(
        "Toestemming", validators=[required("Geef toestemming voor het gebruik van uw gegevens om verder te gaan.")]
    )
    # Honeypot and signed start moment, as on the registration form (see form_views.bot_reason).
    homepage_url = StringField("Laat dit veld leeg")
    started = HiddenField()

    partners: dict = {}
    checked_logo = None
    end_day: dt.date | None = None

    def submission_data(self) -> dict:
        """The values to store: the record as it is now, what is asked, and who asks."""
        record = self.partners[self.partner.data]
        chosen = set(self.changes.data or ())
        requested = {}
        if "naam" in chosen:
            requested["Title"] = self.new_name.data
        if "website" in chosen:
            requested["Website"] = self.new_website.data
        if "logo" in chosen:
            requested["Logo"] = "nieuw"
        if "samenvatting" in chosen:
            requested["Summary"] = self.new_summary.data
        if "einde" in chosen:
            requested["Until"] = self.end_day.isoformat()
        return {
            "kind": "wijziging",
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
