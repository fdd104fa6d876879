"""The registration form: fields, Dutch messages and the validators only it has."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from flask_wtf.file import FileField
from wtforms import BooleanField, Field, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Email, Optional, ValidationError

from partners import schema
from partners.criteria import COMPANY_ACKNOWLEDGEMENT, CONDITIONAL, CRITERIA

from ..forms.fields import MultiCheckboxField, PublicForm, add_scheme, digits_only, strip
from ..forms.validators import (
    RequiredIf,
    max_length,
    no_control_chars,
    one_line,
    required,
    valid_logo,
    valid_organisation_name,
    valid_website,
)

ORGANISATION_TYPES = [
    SelectChoice("maatschappelijke-organisatie", "Maatschappelijke organisatie"),
    SelectChoice("overheid", "Overheid (bijvoorbeeld een gemeente of GGD)"),
    SelectChoice("bedrijf", "Bedrijf"),
]
YES_NO = [SelectChoice("ja", "Ja"), SelectChoice("nee", "Nee")]
_KVK_RE = re.compile(r"^[0-9]{8}$")  # not \d: that also matches other scripts' digits


def valid_kvk_number(form: Any, field: Field) -> None:
    """Eight digits, as the Kamer van Koophandel gives them."""
    if not _KVK_RE.match(field.data or ""):
        raise ValidationError("Een KvK-nummer bestaat uit precies 8 cijfers.")


def phone_e164(value: str) -> str:
    """The number in E.164 form (+31...), or '' when it is not a valid number."""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def valid_phone(form: Any, field: Field) -> None:
    """A number phonenumbers accepts; its E.164 form is kept on the field for storing."""
    field.e164 = phone_e164(field.data or "")
    if not field.e164:
        raise ValidationError("Vul een geldig telefoonnummer in, bijvoorbeeld 030 123 45 67 of +31 6 12345678.")


def all_criteria(form: Any, field: Field) -> None:
    """Every criterion is required; stopondersteuning only for organisations that offer stop support."""
    chosen = set(field.data or ())
    needed = [slug for slug in CRITERIA if slug not in CONDITIONAL or form.offers_stop_support.data == "ja"]
    missing = [str(list(CRITERIA).index(slug) + 1) for slug in needed if slug not in chosen]
    if missing:
        raise ValidationError(
            "Uw organisatie moet aan alle criteria voldoen. Nog niet aangevinkt: criterium " + ", ".join(missing) + "."
        )


def at_least_one(form: Any, field: Field) -> None:
    """At least one contribution is chosen."""
    if not field.data:
        raise ValidationError("Kies ten minste één manier waarop uw organisatie wil bijdragen.")


class RegistrationForm(PublicForm):
    """The application form at /aanmelden/; field names are a public contract."""

    organisation_name = StringField(
        "Naam van de organisatie",
        filters=[strip],
        validators=[required("Vul de naam van uw organisatie in."), no_control_chars, valid_organisation_name],
    )
    organisation_type = RadioField(
        "Soort organisatie", choices=ORGANISATION_TYPES, validators=[required("Kies wat voor organisatie u bent.")]
    )
    website = StringField(
        "Website",
        filters=[add_scheme],
        validators=[required("Vul het webadres van uw organisatie in."), no_control_chars, valid_website],
    )
    kvk_number = StringField("KvK-nummer", filters=[digits_only], validators=[Optional(), valid_kvk_number])
    city = StringField(
        "Plaats",
        filters=[strip],
        validators=[
            required("Vul de plaats in waar uw organisatie gevestigd is."),
            max_length("city", "De plaats"),
            one_line,
        ],
    )
    contact_name = StringField(
        "Naam",
        filters=[strip],
        validators=[required("Vul uw naam in."), max_length("contact_name", "Uw naam"), one_line],
    )
    contact_role = StringField(
        "Functie",
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
    phone = StringField(
        "Telefoonnummer",
        filters=[strip],
        validators=[Optional(), max_length("phone", "Het telefoonnummer"), valid_phone],
    )
    offers_stop_support = RadioField(
        "Biedt uw organisatie programma's aan om te stoppen met roken?",
        choices=YES_NO,
        validators=[required("Geef aan of uw organisatie programma's aanbiedt om te stoppen met roken.")],
    )
    criteria = MultiCheckboxField(
        "Criteria", choices=[SelectChoice(slug, text) for slug, text in CRITERIA.items()], validators=[all_criteria]
    )
    company_acknowledgement = BooleanField(
        COMPANY_ACKNOWLEDGEMENT,
        validators=[
            RequiredIf(
                "organisation_type", "bedrijf", "Een bedrijf heeft een status aparte. Vink aan dat u dit begrijpt."
            )
        ],
    )
    contributions = MultiCheckboxField(
        "Bijdragen",
        choices=[SelectChoice(slug, text) for slug, text in schema.CONTRIBUTIONS.items()],
        validators=[at_least_one],
    )
    contribution_text = TextAreaField(
        "Toelichting op uw bijdrage",
        filters=[strip],
        validators=[
            required("Vertel kort hoe uw organisatie wil bijdragen."),
            no_control_chars,
            max_length("contribution_text", "De toelichting"),
        ],
    )
    motivation = TextAreaField(
        "Motivatie",
        filters=[strip],
        validators=[
            required("Vertel kort waarom uw organisatie partner wil worden."),
            no_control_chars,
            max_length("motivation", "De motivatie"),
        ],
    )
    logo = FileField("Logo", validators=[valid_logo])
    privacy_consent = BooleanField(
        "Toestemming", validators=[required("Geef toestemming voor het gebruik van uw gegevens om verder te gaan.")]
    )
    # Honeypot: hidden from people by CSS; a bot that fills every field fills this one too.
    homepage_url = StringField("Laat dit veld leeg")
    started = HiddenField()

    def submission_data(self) -> dict[str, Any]:
        """The values to store, in the columns of formhandler.models.Submission."""
        return {
            "organisation_name": self.organisation_name.data,
            "organisation_type": self.organisation_type.data,
            "website": self.website.data or "",
            "kvk_number": self.kvk_number.data or "",
            "city": self.city.data,
            "contact_name": self.contact_name.data,
            "contact_role": self.contact_role.data,
            "email": self.email.data,
            "phone": getattr(self.phone, "e164", "") if self.phone.data else "",
            "offers_stop_support": self.offers_stop_support.data == "ja",
            "criteria": [slug for slug in CRITERIA if slug in (self.criteria.data or ())],
            "company_acknowledged": bool(self.company_acknowledgement.data),
            "contributions": [slug for slug in schema.CONTRIBUTIONS if slug in (self.contributions.data or ())],
            "contribution_text": self.contribution_text.data,
            "motivation": self.motivation.data,
        }
