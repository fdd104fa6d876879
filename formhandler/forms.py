"""The public registration form: fields, Dutch messages and the validators behind them."""

from __future__ import annotations

import re
import time

import phonenumbers
from flask import current_app, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Email, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from partners import schema
from partners.criteria import COMPANY_ACKNOWLEDGEMENT, CONDITIONAL, CRITERIA
from partners.logos import Logo, LogoError, check_logo
from partners.validate import InvalidValue, check_title, check_website

from .models import LIMITS

ORGANISATION_TYPES = [
    SelectChoice("maatschappelijke-organisatie", "Maatschappelijke organisatie"),
    SelectChoice("overheid", "Overheid (bijvoorbeeld een gemeente of GGD)"),
    SelectChoice("bedrijf", "Bedrijf"),
]
YES_NO = [SelectChoice("ja", "Ja"), SelectChoice("nee", "Nee")]
STARTED_SALT = "formhandler.registration.started"
_KVK_RE = re.compile(r"^[0-9]{8}$")  # not \d: that also matches other scripts' digits


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _digits_only(value):
    """KvK numbers are often typed with spaces or dots: keep the digits."""
    return re.sub(r"[\s.]", "", value) if isinstance(value, str) else value


def _add_scheme(value):
    """'www.example.nl' is what most people type; the record needs an absolute URL."""
    if isinstance(value, str) and value.strip() and "://" not in value:
        return "https://" + value.strip()
    return _strip(value)


def required(message: str) -> DataRequired:
    """DataRequired with our own Dutch message: blank or whitespace-only input counts as missing."""
    return DataRequired(message=message)


def max_length(name: str, label: str) -> Length:
    """Length limit read from the column the value fills (models.LIMITS)."""
    limit = LIMITS[name]
    return Length(max=limit, message=f"{label} mag hoogstens {limit} tekens lang zijn.")


class RequiredIf:
    """Required only when another field has a given value (after SecureDrop's RequiredIf)."""

    def __init__(self, other: str, value: str, message: str):
        self.other, self.value, self.message = other, value, message

    def __call__(self, form, field):
        if form[self.other].data == self.value and not field.data:
            raise StopValidation(self.message)


def partner_rule(check, message: str):
    """A validator applying one partner-record rule from partners.validate, so the rule exists once.

    `message` contains "{reason}", the Dutch reason the rule gives; the cleaned value is kept.
    """

    def validator(form, field):
        try:
            field.data = check(field.data or "")
        except InvalidValue as exc:
            raise ValidationError(message.format(reason=exc)) from None

    return validator


# The name becomes the record's Title and the website its Website: the partner rules apply.
valid_organisation_name = partner_rule(check_title, "De naam van de organisatie {reason}.")
valid_website = partner_rule(check_website, "Het webadres is niet goed: {reason}.")


def valid_kvk_number(form, field):
    if not _KVK_RE.match(field.data or ""):
        raise ValidationError("Een KvK-nummer bestaat uit precies 8 cijfers.")


# C0 control characters other than tab and line breaks: never typed by people, and PostgreSQL
# refuses NUL in text outright, which would otherwise surface as a server error.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def one_line(form, field):
    """Short text fields are a single line without control characters."""
    if any(ch in (field.data or "") for ch in "\r\n") or _CONTROL_RE.search(field.data or ""):
        raise ValidationError("Dit veld moet op één regel staan.")


def no_control_chars(form, field):
    """Every text field: no invisible control characters (line breaks and tabs are fine)."""
    if _CONTROL_RE.search(field.data or ""):
        raise StopValidation("Dit veld bevat onzichtbare tekens die we niet kunnen opslaan. Typ de tekst opnieuw.")


def phone_e164(value: str) -> str:
    """The number in E.164 form (+31...), or '' when it is not a valid number."""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def valid_phone(form, field):
    """A number phonenumbers accepts; its E.164 form is kept on the field for storing."""
    field.e164 = phone_e164(field.data or "")
    if not field.e164:
        raise ValidationError("Vul een geldig telefoonnummer in, bijvoorbeeld 030 123 45 67 of +31 6 12345678.")


def all_criteria(form, field):
    """Every criterion is required; stopondersteuning only for organisations that offer stop support."""
    chosen = set(field.data or ())
    needed = [slug for slug in CRITERIA if slug not in CONDITIONAL or form.offers_stop_support.data == "ja"]
    missing = [str(list(CRITERIA).index(slug) + 1) for slug in needed if slug not in chosen]
    if missing:
        raise ValidationError(
            "Uw organisatie moet aan alle criteria voldoen. Nog niet aangevinkt: criterium " + ", ".join(missing) + "."
        )


def at_least_one(form, field):
    if not field.data:
        raise ValidationError("Kies ten minste één manier waarop uw organisatie wil bijdragen.")


def read_upload(storage, limit: int = schema.LOGO_MAX_BYTES) -> bytes:
    """Read an uploaded file, refusing it before reading more than `limit` + 1 bytes."""
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise LogoError(f"het bestand is groter dan {limit // 1024} kB")
    return data


def valid_logo(form, field):
    """Run the partner logo checks; keep the cleaned logo on the form for the view."""
    form.checked_logo = None
    if not field.data:
        return
    try:
        form.checked_logo = check_logo(read_upload(field.data), field.data.filename or "")
    except LogoError as exc:
        raise ValidationError(f"Dit logo kunnen we niet gebruiken: {exc}.") from None


def started_token(now: float | None = None) -> str:
    """A signed timestamp of the moment the form was shown."""
    serializer = URLSafeTimedSerializer(current_app.secret_key, salt=STARTED_SALT)
    return serializer.dumps(time.time() if now is None else now)


def seconds_since_started(token: str, now: float | None = None) -> float | None:
    """Seconds since the form was shown, or None when the value is missing or forged."""
    serializer = URLSafeTimedSerializer(current_app.secret_key, salt=STARTED_SALT)
    try:
        started = float(serializer.loads(token or ""))
    except (BadSignature, TypeError, ValueError):
        return None
    return (time.time() if now is None else now) - started


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes that returns a list of the chosen values."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RegistrationForm(FlaskForm):
    """The application form at /aanmelden/; field names are a public contract."""

    class Meta:
        # Flask-WTF's i18n needs Flask-Babel, which we do not use: load WTForms' own Dutch catalogue.
        locales = ["nl_NL", "nl"]
        # The views run CSRFProtect's check themselves (to keep the input on a stale token), and the
        # template renders the token with csrf_token(): a form field would sign a fresh token for
        # every POST and check the token a second time.
        csrf = False

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

        def wrap_formdata(self, form, formdata):
            """Only what a browser sends: text fields from the form body and a file only as the logo.
            Flask-WTF would also take JSON bodies and files under any name, handing the text
            validators objects they cannot read."""
            if formdata is None or hasattr(formdata, "getlist"):
                return formdata
            if request.method != "POST":
                return None
            logo = MultiDict([("logo", upload) for upload in request.files.getlist("logo")])
            return CombinedMultiDict((logo, request.form))

    organisation_name = StringField(
        "Naam van de organisatie",
        filters=[_strip],
        validators=[required("Vul de naam van uw organisatie in."), no_control_chars, valid_organisation_name],
    )
    organisation_type = RadioField(
        "Soort organisatie", choices=ORGANISATION_TYPES, validators=[required("Kies wat voor organisatie u bent.")]
    )
    website = StringField(
        "Website",
        filters=[_add_scheme],
        validators=[required("Vul het webadres van uw organisatie in."), no_control_chars, valid_website],
    )
    kvk_number = StringField("KvK-nummer", filters=[_digits_only], validators=[Optional(), valid_kvk_number])
    city = StringField(
        "Plaats",
        filters=[_strip],
        validators=[
            required("Vul de plaats in waar uw organisatie gevestigd is."),
            max_length("city", "De plaats"),
            one_line,
        ],
    )
    contact_name = StringField(
        "Naam",
        filters=[_strip],
        validators=[required("Vul uw naam in."), max_length("contact_name", "Uw naam"), one_line],
    )
    contact_role = StringField(
        "Functie",
        filters=[_strip],
        validators=[required("Vul uw functie in."), max_length("contact_role", "Uw functie"), one_line],
    )
    email = StringField(
        "E-mailadres",
        filters=[_strip],
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
        filters=[_strip],
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
        filters=[_strip],
        validators=[
            required("Vertel kort hoe uw organisatie wil bijdragen."),
            no_control_chars,
            max_length("contribution_text", "De toelichting"),
        ],
    )
    motivation = TextAreaField(
        "Motivatie",
        filters=[_strip],
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

    checked_logo: Logo | None = None

    def submission_data(self) -> dict:
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
