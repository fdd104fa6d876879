"""The registration form as a class, without HTTP: each rule (its own and the shared ones) and its Dutch message."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from formhandler.apply.form import RegistrationForm, phone_e164
from partners.criteria import CRITERIA
from tests.formhandler.helpers import ALWAYS, raster
from tests.hostile_corpus import hostile_file


def form_data(**changes) -> MultiDict:
    """A complete, valid application; a value of None removes the field."""
    data = {
        "organisation_name": "Stichting Rookvrij Sporten",
        "organisation_type": "maatschappelijke-organisatie",
        "website": "https://www.rookvrijsporten.nl",
        "kvk_number": "",
        "city": "Utrecht",
        "contact_name": "Anne de Vries",
        "contact_role": "Directeur",
        "email": "anne@rookvrijsporten.nl",
        "phone": "",
        "offers_stop_support": "nee",
        "criteria": ALWAYS,
        "contributions": ["kennis"],
        "contribution_text": "We delen onze kennis.",
        "motivation": "Sport hoort rookvrij te zijn.",
        "privacy_consent": "y",
    }
    data.update(changes)
    multi: MultiDict[str, object] = MultiDict()
    for key, value in data.items():
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            multi.add(key, item)
    return multi


def make_form(app, data: MultiDict) -> RegistrationForm:
    with app.test_request_context(method="POST"):
        form = RegistrationForm(data, meta={"csrf": False})
        form.validate()
        return form


def test_valid_form_has_no_errors(app):
    form = make_form(app, form_data())
    assert form.errors == {}
    assert form.submission_data()["criteria"] == ALWAYS


RULES = [
    (dict(organisation_name=""), "organisation_name", "Vul de naam van uw organisatie in."),
    (dict(organisation_name="X"), "organisation_name", "De naam van de organisatie moet minstens 2 tekens lang zijn."),
    (
        dict(organisation_name="A" * 121),
        "organisation_name",
        "De naam van de organisatie mag hoogstens 120 tekens lang zijn (nu 121).",
    ),
    (dict(organisation_type=None), "organisation_type", "Kies wat voor organisatie u bent."),
    (dict(website=""), "website", "Vul het webadres van uw organisatie in."),
    # Whitespace only is missing too (hypothesis found a tab stored as an empty website).
    (dict(website="\t"), "website", "Vul het webadres van uw organisatie in."),
    (dict(city="   "), "city", "Vul de plaats in waar uw organisatie gevestigd is."),
    (dict(website="ftp://example.nl"), "website", "Het webadres moet beginnen met https:// of http://."),
    (
        dict(website="https://user:pw@example.nl"),
        "website",
        "Het webadres mag geen gebruikersnaam of wachtwoord bevatten.",
    ),
    (dict(website="https://localhost"), "website", "Het webadres heeft geen geldige domeinnaam, zoals voorbeeld.nl."),
    (dict(kvk_number="1234567"), "kvk_number", "Een KvK-nummer bestaat uit precies 8 cijfers."),
    (dict(kvk_number="1234567a"), "kvk_number", "Een KvK-nummer bestaat uit precies 8 cijfers."),
    (dict(city=""), "city", "Vul de plaats in waar uw organisatie gevestigd is."),
    (dict(city="U" * 81), "city", "De plaats mag hoogstens 80 tekens lang zijn."),
    (dict(contact_name=""), "contact_name", "Vul uw naam in."),
    (dict(contact_role=""), "contact_role", "Vul uw functie in."),
    (dict(email=""), "email", "Vul uw e-mailadres in."),
    (dict(email="anne@"), "email", "Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."),
    (dict(phone="12"), "phone", "Vul een geldig telefoonnummer in, bijvoorbeeld 030 123 45 67 of +31 6 12345678."),
    (
        dict(offers_stop_support=None),
        "offers_stop_support",
        "Geef aan of uw organisatie programma's aanbiedt om te stoppen met roken.",
    ),
    (
        dict(criteria=ALWAYS[1:]),
        "criteria",
        "Uw organisatie moet aan alle criteria voldoen. Nog niet aangevinkt: criterium 1.",
    ),
    (
        dict(offers_stop_support="ja"),
        "criteria",
        "Uw organisatie moet aan alle criteria voldoen. Nog niet aangevinkt: criterium 10.",
    ),
    (
        dict(organisation_type="bedrijf"),
        "company_acknowledgement",
        "Een bedrijf heeft een status aparte. Vink aan dat u dit begrijpt.",
    ),
    (dict(contributions=None), "contributions", "Kies ten minste één manier waarop uw organisatie wil bijdragen."),
    (dict(contribution_text=""), "contribution_text", "Vertel kort hoe uw organisatie wil bijdragen."),
    (dict(motivation="m" * 4001), "motivation", "De motivatie mag hoogstens 4000 tekens lang zijn."),
    (dict(motivation=""), "motivation", "Vertel kort waarom uw organisatie partner wil worden."),
    (
        dict(privacy_consent=None),
        "privacy_consent",
        "Geef toestemming voor het gebruik van uw gegevens om verder te gaan.",
    ),
    # WTForms' own messages come from its Dutch catalogue.
    (dict(organisation_type="oprichter"), "organisation_type", "Ongeldige keuze."),
    (dict(contributions=["koffie"]), "contributions", "'koffie' is een ongeldige keuze voor dit veld."),
]


@pytest.mark.parametrize("changes, field, message", RULES)
def test_rule_gives_dutch_message(app, changes, field, message):
    form = make_form(app, form_data(**changes))
    assert message in form.errors.get(field, []), form.errors


@pytest.mark.parametrize(
    "changes",
    [
        dict(offers_stop_support="ja", criteria=list(CRITERIA)),
        dict(organisation_type="bedrijf", company_acknowledgement="y"),
        dict(kvk_number="1234 5678"),
        dict(website="www.rookvrijsporten.nl"),
        dict(phone="030 123 45 67"),
    ],
)
def test_conditional_and_lenient_input_is_accepted(app, changes):
    assert make_form(app, form_data(**changes)).errors == {}


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("030 123 45 67", "+31301234567"),
        ("06-12345678", "+31612345678"),
        ("+32 2 555 12 12", "+3225551212"),
        ("12345", ""),
        ("kantoor", ""),
    ],
)
def test_phone_is_stored_in_e164(typed, stored):
    assert phone_e164(typed) == stored


def test_cleaned_values(app):
    data = make_form(
        app,
        form_data(
            kvk_number="1234.5678",
            website="www.a-b.nl",
            phone="06 12345678",
            offers_stop_support="ja",
            criteria=list(CRITERIA),
        ),
    ).submission_data()
    assert (data["kvk_number"], data["website"], data["phone"]) == ("12345678", "https://www.a-b.nl", "+31612345678")
    assert data["offers_stop_support"] is True and data["criteria"] == list(CRITERIA)


@pytest.mark.parametrize(
    "filename, reason",
    [
        (
            "polyglot-gif-html.png",
            "Dit logo kunnen we niet gebruiken: dit is geen SVG-, PNG-, JPEG- of WebP-afbeelding.",
        ),
        ("script.svg", None),  # sanitised, not refused
    ],
)
def test_logo_checks_from_partners(app, filename, reason):
    upload = FileStorage(io.BytesIO(hostile_file(filename).read_bytes()), filename=filename)
    data = form_data()
    data["logo"] = upload
    form = make_form(app, data)
    if reason:
        assert form.errors["logo"] == [reason]
        assert form.checked_logo is None
    else:
        assert "logo" not in form.errors
        assert b"<script" not in form.checked_logo.data


def test_oversized_logo_is_refused_without_reading_it_all(app):
    stream = io.BytesIO(raster("png") + b"\0" * (600 * 1024))
    data = form_data()
    data["logo"] = FileStorage(stream, filename="groot.png")
    form = make_form(app, data)
    assert form.errors["logo"] == ["Dit logo kunnen we niet gebruiken: het bestand is groter dan 512 kB."]
    assert stream.tell() == 512 * 1024 + 1


def test_png_logo_is_reencoded(app):
    data = form_data()
    data["logo"] = FileStorage(io.BytesIO(raster("png")), filename="logo.png")
    form = make_form(app, data)
    assert form.errors == {}
    assert (form.checked_logo.kind, form.checked_logo.width, form.checked_logo.height) == ("png", 40, 20)
