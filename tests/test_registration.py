"""The registration views through the test client, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import sqlite3
import time
import types

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from formhandler import create_app, mail, mail_texts, queue
from formhandler.models import OutboxMessage, Submission
from partners.criteria import CRITERIA, CRITERIA_HASH

HOSTILE = __import__("pathlib").Path(__file__).parent / "hostile"
ALWAYS = [slug for slug in CRITERIA if slug != "stopondersteuning"]
PUBLIC_FIELDS = [
    "organisation_name",
    "organisation_type",
    "website",
    "kvk_number",
    "city",
    "contact_name",
    "contact_role",
    "email",
    "phone",
    "offers_stop_support",
    "criteria",
    "company_acknowledgement",
    "contributions",
    "contribution_text",
    "motivation",
    "logo",
    "privacy_consent",
]
THANKS = "/aanmelden/bedankt/"


def form_tokens(client) -> dict:
    """GET the form and read the CSRF token and the signed start time from its HTML."""
    html = client.get("/aanmelden/").get_data(as_text=True)
    return {
        name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html).group(1)
        for name in ("csrf_token", "started")
    }


def valid_form(**changes) -> dict:
    """A complete, valid application; a value of None leaves the field out."""
    data = {
        "organisation_name": "Stichting Rookvrij Sporten",
        "organisation_type": "maatschappelijke-organisatie",
        "website": "https://www.rookvrijsporten.nl",
        "kvk_number": "12345678",
        "city": "Utrecht",
        "contact_name": "Anne de Vries",
        "contact_role": "Directeur",
        "email": "anne@rookvrijsporten.nl",
        "phone": "030 123 45 67",
        "offers_stop_support": "nee",
        "criteria": ALWAYS,
        "contributions": ["kennis", "achterban"],
        "contribution_text": "We delen onze kennis.",
        "motivation": "Sport hoort rookvrij te zijn.",
        "privacy_consent": "y",
        "homepage_url": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post(client, tokens: dict | None = None, **changes):
    """POST the form as a browser does (multipart), with fresh tokens unless given."""
    data = {**valid_form(**changes), **(form_tokens(client) if tokens is None else tokens)}
    return client.post("/aanmelden/", data=data, content_type="multipart/form-data")


def rows(app, model=Submission) -> list:
    """Every row of `model` (submissions with their logo), read in a session of its own."""
    query = select(model).order_by(model.id)
    if model is Submission:
        query = query.options(selectinload(Submission.logo))
    with app.extensions["formhandler.sessionmaker"]() as session:
        return list(session.scalars(query))


def png_bytes(size=(60, 30)) -> bytes:
    """A small PNG with a text chunk, so a re-encoded copy is recognisably different."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret metadata")
    out = io.BytesIO()
    Image.new("RGB", size, (11, 93, 80)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


@pytest.fixture
def outbox_mails(monkeypatch):
    """Make build_mails queue one message per submission, so 'no mail for spam' can fail."""

    def build(item):
        return [OutboxMessage(to_addr="bureau@example.org", subject="Nieuwe aanmelding", body="Nieuw.")]

    monkeypatch.setattr(mail_texts, "build_mails", build)


def test_form_shows_every_public_field(client):
    html = client.get("/aanmelden/").get_data(as_text=True)
    for name in PUBLIC_FIELDS:
        assert f'name="{name}"' in html, name
    for text in CRITERIA.values():
        assert text.replace("'", "&#39;") in html
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input[^>]*autocomplete="off"[^>]*name="homepage_url"[^>]*tabindex="-1"', html)
    assert '<a href="/privacy/">privacyverklaring</a>' in html


def test_valid_post_stores_one_item_then_redirects(client, app, outbox_mails):
    response = post(client, kvk_number="1234 5678")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(THANKS)
    [item] = rows(app)
    assert (item.state, item.organisation_name, item.kvk_number, item.phone) == (
        "nieuw",
        "Stichting Rookvrij Sporten",
        "12345678",
        "+31301234567",
    )
    assert item.criteria == ALWAYS and item.criteria_hash == CRITERIA_HASH
    assert item.contributions == ["achterban", "kennis"]
    assert item.criteria_accepted_at is not None and item.privacy_consent_at is not None
    assert item.company_acknowledged is False and item.offers_stop_support is False
    assert item.suspect_reasons == [] and item.logo is None
    assert len(rows(app, OutboxMessage)) == 1


def test_bedrijf_with_stop_support_stores_acknowledgement(client, app):
    response = post(
        client,
        organisation_type="bedrijf",
        company_acknowledgement="y",
        offers_stop_support="ja",
        criteria=list(CRITERIA),
    )
    assert response.status_code == 303
    [item] = rows(app)
    assert item.company_acknowledged and item.offers_stop_support and item.criteria == list(CRITERIA)


def test_thanks_page_says_what_happens_next(client):
    html = client.get(THANKS).get_data(as_text=True)
    assert "Bedankt voor uw aanmelding" in html
    assert "Het Alliantiebureau neemt contact met u op." in html


@pytest.mark.parametrize(
    "changes, anchor, message",
    [
        (dict(organisation_name=""), "organisation_name", "Vul de naam van uw organisatie in."),
        (dict(organisation_type="oprichter"), "organisation_type-0", "Ongeldige keuze."),
        (dict(website="ftp://x.nl"), "website", "Het webadres is niet goed: moet beginnen met https:// of http://."),
        (dict(kvk_number="123"), "kvk_number", "Een KvK-nummer bestaat uit precies 8 cijfers."),
        (dict(email="geen-adres"), "email", "Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."),
        (dict(phone="12"), "phone", "Vul een geldig telefoonnummer in, bijvoorbeeld 030 123 45 67 of +31 6 12345678."),
        (
            dict(criteria=ALWAYS[:-1]),
            "criteria-0",
            "Uw organisatie moet aan alle criteria voldoen. Nog niet aangevinkt: criterium 9.",
        ),
        (
            dict(organisation_type="bedrijf"),
            "company_acknowledgement",
            "Een bedrijf heeft een status aparte. Vink aan dat u dit begrijpt.",
        ),
        (
            dict(contributions=None),
            "contributions-0",
            "Kies ten minste één manier waarop uw organisatie wil bijdragen.",
        ),
        (
            dict(privacy_consent=None),
            "privacy_consent",
            "Geef toestemming voor het gebruik van uw gegevens om verder te gaan.",
        ),
    ],
)
def test_error_in_summary_and_at_field(client, app, changes, anchor, message):
    response = post(client, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<div class="error-summary" data-error-summary tabindex="-1" role="alert"' in html
    assert f'<a href="#{anchor}">{message}'.replace("'", "&#39;") in html
    field_id = anchor.removesuffix("-0")
    assert f'id="{field_id}-error"' in html
    assert re.search(rf'<input[^>]*aria-invalid="true"[^>]*id="{anchor}"', html)
    assert html.count(message.replace("'", "&#39;")) == 2  # in the summary and at the field
    assert html.count('aria-invalid="true"') >= 1 and "<title>Fout: " in html
    assert rows(app) == []


def test_input_is_kept_on_error(client):
    html = post(client, email="fout", motivation="Onze <b>eigen</b> reden", contributions=["lobby"]).get_data(
        as_text=True
    )
    assert 'value="Stichting Rookvrij Sporten"' in html and 'value="fout"' in html
    assert "Onze &lt;b&gt;eigen&lt;/b&gt; reden</textarea>" in html
    assert re.search(r'<input checked id="contributions-\d" name="contributions" type="checkbox" value="lobby">', html)
    assert re.search(r'<input checked id="organisation_type-0"', html)
    assert re.search(r'<input checked id="criteria-8"', html)


@pytest.mark.parametrize(
    "filename, reason",
    [
        ("polyglot-gif-html.png", "dit is geen SVG-, PNG-, JPEG- of WebP-afbeelding"),
        ("bomb-20000x20000.png", "de afbeelding is te groot om veilig te openen"),
        ("php-as-png.png", "dit is geen SVG-, PNG-, JPEG- of WebP-afbeelding"),
    ],
)
def test_refused_logo_says_why_and_asks_to_choose_again(client, app, filename, reason):
    upload = (io.BytesIO((HOSTILE / filename).read_bytes()), filename)
    html = post(client, logo=upload).get_data(as_text=True)
    error = re.search(r'id="logo-error"><span class="visually-hidden">Fout: </span>([^<]+)</p>', html).group(1)
    assert error.startswith("Dit logo kunnen we niet gebruiken: ") and reason in error
    assert f"U had het bestand ‘{filename}’ gekozen. Kies het opnieuw" in html
    assert rows(app) == []


def test_accepted_logo_is_stored_reencoded(client, app):
    original = png_bytes()
    assert post(client, logo=(io.BytesIO(original), "logo.png")).status_code == 303
    [item] = rows(app)
    stored = item.logo.data
    assert (item.logo.kind, item.logo.width, item.logo.height) == ("png", 60, 30)
    assert stored != original and b"secret metadata" not in stored
    assert Image.open(io.BytesIO(stored)).size == (60, 30)


def test_same_form_twice_gives_one_item(client, app):
    tokens = form_tokens(client)
    first, second = post(client, tokens), post(client, tokens)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"].endswith(THANKS)
    assert len(rows(app)) == 1


def test_suspect_marks_do_not_block(client, app):
    links = " ".join(f"https://spam{i}.example.com" for i in range(4))
    assert post(client, motivation=links, email="x@mailinator.com").status_code == 303
    [item] = rows(app)
    assert item.state == "nieuw"
    assert item.suspect_reasons == ["veel links in de tekst (4)", "wegwerp-e-mailadres (mailinator.com)"]


@pytest.mark.parametrize("changes", [dict(homepage_url="https://spam.example"), dict(started="vervalst")])
def test_bot_gets_thanks_and_is_stored_as_spam_without_mail(client, app, outbox_mails, changes):
    tokens = form_tokens(client)
    response = post(client, {**tokens, **changes})
    assert response.status_code == 303 and response.headers["Location"].endswith(THANKS)
    assert [item.state for item in rows(app)] == ["spam"]
    assert rows(app, OutboxMessage) == []


def test_invalid_bot_submission_is_dropped(client, app):
    response = post(client, homepage_url="x", email="", organisation_name="")
    assert response.status_code == 303
    assert rows(app) == []


@pytest.fixture
def slow_app_config(app_config):
    """Settings where nobody can fill the form fast enough: every submission counts as a bot."""
    return {**app_config, "MIN_FILL_SECONDS": 3600}


def test_too_fast_is_spam(slow_app_config, outbox_mails):
    application = create_app(slow_app_config)
    try:
        response = post(application.test_client())
        assert response.status_code == 303 and response.headers["Location"].endswith(THANKS)
        assert [item.state for item in rows(application)] == ["spam"]
        assert rows(application, OutboxMessage) == []
    finally:
        application.extensions["formhandler.engine"].dispose()


@pytest.mark.parametrize("case", ["missing", "garbage", "expired"])
def test_csrf_failure_keeps_input_and_explains(client, app, monkeypatch, case):
    tokens = form_tokens(client)
    if case == "missing":
        del tokens["csrf_token"]
    elif case == "garbage":
        tokens["csrf_token"] = "abc"
    else:
        later = time.time() + 2 * 3600
        monkeypatch.setattr("itsdangerous.timed.time", types.SimpleNamespace(time=lambda: later))
    response = post(client, tokens, contact_name="Bram Bakker")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Het formulier was te lang open" in html and 'value="Bram Bakker"' in html
    assert rows(app) == []
    # The page came with a fresh token: sending it again works (in the expired case, still "later").
    fresh = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    started = tokens["started"]
    assert post(client, {"csrf_token": fresh, "started": started}).status_code == 303


def test_database_unavailable_keeps_input(client, app, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(queue, "insert_submission", broken)
    response = post(client, contact_name="Bram Bakker")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Er is niets opgeslagen" in html and 'value="Bram Bakker"' in html
    assert rows(app) == []


@pytest.fixture
def sqlite_app(tmp_path):
    """A SQLite app whose connections become read-only on demand, as on a full or read-only disk."""
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "s" * 40,
            "MIN_FILL_SECONDS": 0,
            "RATELIMIT_ENABLED": False,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}",
        }
    )
    yield application
    application.extensions["formhandler.engine"].dispose()


def test_real_sqlite_write_failure_gives_503(sqlite_app):
    client = sqlite_app.test_client()
    tokens = form_tokens(client)
    engine = sqlite_app.extensions["formhandler.engine"]

    def read_only(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA query_only = ON")

    event.listen(engine, "connect", read_only)
    engine.dispose()
    response = post(client, tokens, contact_name="Bram Bakker")
    assert response.status_code == 503
    assert 'value="Bram Bakker"' in response.get_data(as_text=True)
    with sqlite3.connect(engine.url.database) as connection:
        assert connection.execute("SELECT count(*) FROM submissions").fetchone() == (0,)


@pytest.mark.parametrize(("inline", "expected"), [(True, [1]), (False, [])])
def test_mail_is_sent_in_the_request_only_with_mail_send_inline(app, client, monkeypatch, inline, expected):
    app.config["MAIL_SEND_INLINE"] = inline
    calls = []
    monkeypatch.setattr(mail, "send_after_commit", lambda item_id: calls.append(item_id))
    assert post(client).status_code == 303
    assert calls == expected


@pytest.fixture
def limited_app_config(app_config):
    """Settings with the per-IP form limit switched on and set low."""
    return {**app_config, "RATELIMIT_ENABLED": True, "FORM_RATE_LIMIT": "2 per minute"}


def test_rate_limit_gives_dutch_429(limited_app_config):
    application = create_app(limited_app_config)
    try:
        client = application.test_client()
        codes = [post(client, organisation_name="").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert "Er kwamen te veel verzoeken vanaf uw adres" in post(client).get_data(as_text=True)
        assert client.get("/aanmelden/").status_code == 200  # reading the form is never limited
    finally:
        application.extensions["formhandler.engine"].dispose()
