"""The registration form through the test client: storing, Dutch errors at the field, bots, CSRF, outages, limits."""

from __future__ import annotations

import io
import random
import re
import time
import types

import pytest
from PIL import Image
from sqlalchemy.exc import OperationalError

from formhandler import queue
from formhandler.models import OutboxMessage
from partners.criteria import CRITERIA, CRITERIA_HASH
from partners.schema import LOGO_MAX_BYTES
from tests.formhandler.helpers import (
    ALWAYS,
    FORM,
    THANKS,
    form_tokens,
    png_with_metadata,
    post,
    rows,
    valid_form,
)
from tests.hostile_corpus import hostile_file

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


def test_form_shows_every_public_field(client):
    html = client.get(FORM).get_data(as_text=True)
    for name in PUBLIC_FIELDS:
        assert f'name="{name}"' in html, name
    for text in CRITERIA.values():
        assert text.replace("'", "&#39;") in html
    assert 'enctype="multipart/form-data"' in html and 'action="/aanmelden/"' in html
    assert re.search(r'<input[^>]*autocomplete="off"[^>]*name="homepage_url"[^>]*tabindex="-1"', html)
    assert '<a href="/privacy/">privacyverklaring</a>' in html


@pytest.mark.both_databases
def test_valid_post_stores_one_item_with_its_mails_then_redirects(client, app):
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
    assert item.criteria_accepted_at.tzinfo is not None and item.privacy_consent_at.tzinfo is not None
    assert item.company_acknowledged is False and item.offers_stop_support is False
    assert item.suspect_reasons == [] and item.logo is None
    mails = rows(app, OutboxMessage)
    assert [(m.to_addr, m.submission_id, m.sent_at) for m in mails] == [
        ("anne@rookvrijsporten.nl", item.id, None),
        ("bureau@example.org", item.id, None),
    ]


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


def test_thanks_page_shows_the_number_to_the_sender_only(app, client):
    response = post(client)
    assert response.headers["Location"].endswith(THANKS)  # the same address for everyone: nothing to guess
    assert "Uw aanmelding heeft nummer <strong>1</strong>." in client.get(THANKS).get_data(as_text=True)
    assert "heeft nummer" not in app.test_client().get(THANKS).get_data(as_text=True)


@pytest.mark.parametrize(
    "changes, anchor, message",
    [
        (dict(organisation_name=""), "organisation_name", "Vul de naam van uw organisatie in."),
        (dict(organisation_type="oprichter"), "organisation_type-0", "Ongeldige keuze."),
        (dict(website="ftp://x.nl"), "website", "Het webadres moet beginnen met https:// of http://."),
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
        (dict(motivation="x" * 4001), "motivation", "De motivatie mag hoogstens 4000 tekens lang zijn."),
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
    assert re.search(rf'<(input|textarea)[^>]*aria-invalid="true"[^>]*id="{anchor}"', html)
    assert html.count(message.replace("'", "&#39;")) == 2  # in the summary and at the field
    assert "<title>Fout: " in html
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
    upload = (io.BytesIO(hostile_file(filename).read_bytes()), filename)
    html = post(client, logo=upload).get_data(as_text=True)
    error = re.search(r'id="logo-error"><span class="visually-hidden">Fout: </span>([^<]+)</p>', html).group(1)
    assert error.startswith("Dit logo kunnen we niet gebruiken: ") and reason in error
    assert f"U had het bestand ‘{filename}’ gekozen. Kies het opnieuw" in html
    assert rows(app) == []


@pytest.mark.both_databases
def test_accepted_logo_is_stored_reencoded(client, app):
    original = png_with_metadata()
    assert post(client, logo=(io.BytesIO(original), "logo.png")).status_code == 303
    [item] = rows(app)
    stored = item.logo.data
    assert (item.logo.kind, item.logo.width, item.logo.height) == ("png", 60, 30)
    assert stored != original and b"secret metadata" not in stored
    assert Image.open(io.BytesIO(stored)).size == (60, 30)


def noisy_png(max_bytes: int) -> bytes:
    """A PNG of random pixels (it does not compress) that fits in `max_bytes`, as real photos and logos are."""
    rng = random.Random(7)
    fitting, side = b"", 64
    while True:
        image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        if buffer.tell() > max_bytes:
            return fitting
        fitting, side = buffer.getvalue(), side + 16


def test_a_logo_near_its_limit_is_accepted(client, app):
    """A logo of almost 512 kB arrives whole: no request limit below the logo limit refuses it first."""
    data = noisy_png(LOGO_MAX_BYTES)
    assert len(data) > LOGO_MAX_BYTES * 0.9
    assert post(client, logo=(io.BytesIO(data), "groot.png")).status_code == 303
    [item] = rows(app)
    assert item.logo.kind == "png"


@pytest.mark.both_databases
def test_same_form_twice_gives_one_item(client, app):
    tokens = form_tokens(client)
    first, second = post(client, tokens), post(client, tokens)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"].endswith(THANKS)
    assert len(rows(app)) == 1 and len(rows(app, OutboxMessage)) == 2


def test_suspect_marks_do_not_block(client, app):
    links = " ".join(f"https://spam{i}.example.com" for i in range(4))
    assert post(client, motivation=links, email="x@mailinator.com").status_code == 303
    [item] = rows(app)
    assert item.state == "nieuw"
    assert item.suspect_reasons == ["veel links in de tekst (4)", "wegwerp-e-mailadres (mailinator.com)"]


@pytest.mark.parametrize(
    "changes, reason",
    [(dict(homepage_url="https://spam.example"), "honeypot"), (dict(started="vervalst"), "fill-time-signature")],
)
def test_bot_gets_thanks_and_is_stored_as_spam_without_mail(client, app, changes, reason):
    response = post(client, {**form_tokens(client), **changes})
    assert response.status_code == 303 and response.headers["Location"].endswith(THANKS)
    assert [(item.state, item.suspect_reasons) for item in rows(app)] == [("spam", [f"automatisch herkend: {reason}"])]
    assert rows(app, OutboxMessage) == []


def test_invalid_bot_submission_is_dropped(client, app):
    response = post(client, homepage_url="x", email="", organisation_name="")
    assert response.status_code == 303
    assert rows(app) == []


def test_too_fast_is_spam(make_app):
    app = make_app(MIN_FILL_SECONDS=3600)  # nobody fills the form that fast: every post counts as a bot's
    response = post(app.test_client())
    assert response.status_code == 303 and response.headers["Location"].endswith(THANKS)
    assert [item.state for item in rows(app)] == ["spam"]
    assert rows(app, OutboxMessage) == []


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
    assert post(client, {"csrf_token": fresh, "started": tokens["started"]}).status_code == 303


def test_database_unavailable_keeps_input(client, app, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(queue, "insert_submission", broken)
    response = post(client, contact_name="Bram Bakker")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Er is niets opgeslagen" in html and 'value="Bram Bakker"' in html
    assert rows(app) == []


@pytest.mark.parametrize("inline", [True, False])
def test_mail_goes_out_in_the_request_only_with_mail_send_inline(make_app, inline):
    app = make_app(MAIL_SEND_INLINE=inline)
    assert post(app.test_client()).status_code == 303
    assert [mail.sent_at is not None for mail in rows(app, OutboxMessage)] == [inline, inline]


def test_rate_limit_gives_dutch_429(make_app):
    client = make_app(RATELIMIT_ENABLED=True, FORM_RATE_LIMIT="2 per minute").test_client()
    codes = [post(client, organisation_name="").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert "Er kwamen te veel verzoeken vanaf uw adres" in post(client).get_data(as_text=True)
    assert client.get(FORM).status_code == 200  # reading the form is never limited


# --- the body as a browser sends it, parsed by werkzeug ------------------------------------------

BOUNDARY = "----WebKitFormBoundaryq8FLy1QlqPX2kDBh"


def chromium_body(fields: list[tuple[str, str]], logo: bytes | None, end: bool = True) -> bytes:
    """A multipart body as Chromium writes it: CRLF after every value, an empty file input included."""
    out = b""
    for name, value in fields:
        out += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    filename, kind, data = ("logo.png", "image/png", logo) if logo else ("", "application/octet-stream", b"")
    out += (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="logo"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n"
        ).encode()
        + data
        + b"\r\n"
    )
    return out + (f"--{BOUNDARY}--\r\n".encode() if end else b"")


def browser_fields(client, **changes) -> list[tuple[str, str]]:
    data = {**valid_form(kvk_number="", **changes), **form_tokens(client)}
    return [(name, v) for name, value in data.items() for v in (value if isinstance(value, list) else [value])]


@pytest.mark.parametrize("with_logo", [False, True])
def test_a_chromium_body_with_empty_fields_is_stored_as_typed(client, app, with_logo):
    body = chromium_body(
        browser_fields(client, organisation_name="Zoë & Co"), png_with_metadata() if with_logo else None
    )
    response = client.post(FORM, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    [item] = rows(app)
    assert (item.organisation_name, item.kvk_number, item.criteria) == ("Zoë & Co", "", ALWAYS)
    assert (item.logo is not None) == with_logo


def test_a_malformed_body_is_the_form_with_a_dutch_notice(client, app):
    body = chromium_body(browser_fields(client), None, end=False)[:-40]
    response = client.post(FORM, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert response.status_code == 200 and "beveiligingskenmerk" in response.get_data(as_text=True)
    assert rows(app) == []


@pytest.mark.parametrize(
    "what", ["body over MAX_CONTENT_LENGTH", "text part over MAX_FORM_MEMORY_SIZE", "parts over MAX_FORM_PARTS"]
)
def test_over_a_request_limit_is_a_dutch_413(client, app, what):
    fields = browser_fields(client)
    logo = None
    if what.startswith("body"):
        logo = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    elif what.startswith("text"):
        fields.append(("motivation", "x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)))
    else:
        fields += [("criteria", "missie")] * app.config["MAX_FORM_PARTS"]
    response = client.post(
        FORM, data=chromium_body(fields, logo), content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "<h1>Te groot</h1>" in html and "Ga terug, maak het bestand of de tekst kleiner" in html
    assert rows(app) == []


@pytest.mark.parametrize(
    "limit, wait",
    [("2 per minute", "Wacht 1 minuut"), ("2 per 15 minutes", "Wacht 15 minuten"), ("2 per 2 hours", "Wacht 2 uur")],
)
def test_429_states_the_real_wait_and_keeps_the_way_back(make_app, limit, wait):
    client = make_app(RATELIMIT_ENABLED=True, FORM_RATE_LIMIT=limit).test_client()
    for _ in range(2):
        post(client, organisation_name="")
    response = post(client)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert f"{wait} en probeer het dan opnieuw." in html and "een paar minuten" not in html
    assert f'<a href="{FORM}">Terug naar het formulier</a>' in html
    assert "terugknop van uw browser" in html


@pytest.mark.parametrize(
    "method, path, referrer, back",
    [
        ("POST", "/aanmelden/status/link", "http://localhost/aanmelden/status/?x=1", "/aanmelden/status/?x=1"),
        ("POST", "/aanmelden/status/link", "https://evil.example/aanmelden/", "/"),  # not ours: no way there
        ("POST", "/aanmelden/status/link", None, "/"),  # a POST-only route and no Referer: the home page
        ("POST", FORM, None, FORM),  # the form posts to itself
    ],
)
def test_the_way_back_from_a_refusal(app, method, path, referrer, back):
    from formhandler.web.errors import way_back

    headers = {"Referer": referrer} if referrer else {}
    with app.test_request_context(path, method=method, headers=headers):
        assert way_back() == back


def test_429_of_a_post_only_route_offers_the_home_page_only(make_app):
    client = make_app(RATELIMIT_ENABLED=True, STATUS_RATE_LIMIT="1 per hour").test_client()
    client.post("/aanmelden/status/link", data={"email": "a@example.org"})
    response = client.post("/aanmelden/status/link", data={"email": "a@example.org"})
    html = response.get_data(as_text=True)
    assert response.status_code == 429 and "Wacht 1 uur en probeer het dan opnieuw." in html
    assert "Terug naar het formulier" not in html and '<a href="/">Naar de homepagina</a>' in html
