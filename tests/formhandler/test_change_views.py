"""The change-request form through the test client: what is stored, its mails, and every Dutch refusal."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from sqlalchemy.exc import OperationalError

from formhandler import queue
from formhandler.models import OutboxMessage
from tests.formhandler.helpers import (
    CHANGE_FORM,
    CHANGE_KINDS,
    CHANGE_THANKS,
    form_tokens,
    post_change,
    raster,
    rows,
)

pytestmark = pytest.mark.usefixtures("partners_on_disk")


# --- the form ----------------------------------------------------------------------------------


def test_a_change_request_queues_a_confirmation_and_a_notice(app, client):
    assert (
        post_change(
            client, changes=["naam", "website"], new_name="Stichting Nieuwe Naam", new_website="www.nieuw.example.nl"
        ).status_code
        == 303
    )
    [item] = rows(app)
    confirmation, notice = rows(app, OutboxMessage)
    assert (confirmation.to_addr, confirmation.subject) == (
        "petra@oud.example.nl",
        "Bevestiging van uw wijziging voor Stichting Oude Naam",
    )
    assert f"nummer {item.id}" in confirmation.body and "wijzigingsformulier" in confirmation.body
    assert (notice.to_addr, notice.subject) == ("bureau@example.org", "Nieuwe wijziging: Stichting Oude Naam")
    assert "Gevraagd: naam, website" in notice.body and f"/beheer/{item.id}" in notice.body
    assert "petra" not in notice.body, "contact details stay behind the admin login"
    assert {m.submission_id for m in (confirmation, notice)} == {item.id}


def test_a_bots_change_request_gets_no_mail(app, client):
    post_change(client, changes=["samenvatting"], new_summary="Spam", homepage_url="http://spam.example")
    assert [item.state for item in rows(app)] == ["spam"] and rows(app, OutboxMessage) == []


def test_form_lists_current_partners_only_and_preselects(client):
    html = client.get(CHANGE_FORM + "?partner=stichting-oude-naam").get_data(as_text=True)
    assert '<option selected value="stichting-oude-naam">Stichting Oude Naam</option>' in html
    assert "Gemeente Al Weg" not in html  # ended in 2025: nothing to change any more


@pytest.mark.both_databases
@pytest.mark.parametrize("kind", CHANGE_KINDS)
def test_each_kind_of_request_is_stored_as_a_change(app, client, kind):
    fields, requested = CHANGE_KINDS[kind]
    response = post_change(client, **fields)
    assert response.status_code == 303 and response.headers["Location"].endswith(CHANGE_THANKS)
    [item] = rows(app)
    assert (item.kind, item.state, item.target_slug, item.requested) == (
        "wijziging",
        "nieuw",
        "stichting-oude-naam",
        requested,
    )
    assert item.organisation_name == "Stichting Oude Naam" and item.email == "petra@oud.example.nl"
    assert item.end_date == (dt.date(2026, 11, 1) if kind == "einde" else None)
    assert (item.logo is not None) == (kind == "logo")
    assert "Wat gebeurt er nu?" in client.get(CHANGE_THANKS).get_data(as_text=True)


def test_a_slug_is_accepted_instead_of_the_list(app, client):
    assert post_change(client, partner="  Stichting-Oude-Naam ").status_code == 303
    assert rows(app)[0].target_slug == "stichting-oude-naam"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"partner": ""}, "Kies uw organisatie uit de lijst"),
        ({"partner": "gemeente-al-weg"}, "Kies uw organisatie uit de lijst"),
        ({"partner": "../etc/passwd"}, "Kies uw organisatie uit de lijst"),
        ({"changes": None}, "Kies ten minste één wijziging."),
        (
            {"changes": ["einde", "naam"], "end_date": "2026-12-31", "new_name": "Stichting X"},
            "kiest geen andere wijzigingen",
        ),
        ({"changes": ["naam"], "new_name": ""}, "Vul de nieuwe naam van uw organisatie in."),
        (
            {"changes": ["naam"], "new_name": "Stichting Oude Naam"},
            "De nieuwe naam is gelijk aan wat er nu op de site staat.",
        ),
        ({"changes": ["website"], "new_website": "ftp://x.example.nl"}, "Het webadres moet beginnen met https://"),
        ({"changes": ["samenvatting"], "new_summary": "x" * 201}, "De korte omschrijving"),
        ({"changes": ["einde"], "end_date": "31-12-2026"}, "De einddatum moet een datum zijn als JJJJ-MM-DD"),
        ({"changes": ["einde"], "end_date": "2023-12-31"}, "De einddatum ligt vóór het begin van het partnerschap"),
        ({"changes": ["logo"]}, "Kies het bestand met het nieuwe logo."),
        ({"changes": ["logo"], "logo": b"GIF89a not a logo"}, "Dit logo kunnen we niet gebruiken"),
        ({"email": "geen-adres"}, "Vul een geldig e-mailadres in"),
        ({"privacy_consent": None}, "Geef toestemming"),
    ],
)
def test_errors_are_dutch_and_keep_the_input(app, client, fields, message):
    response = post_change(client, contact_name="Bram Bewaard", **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert 'value="Bram Bewaard"' in html and "Er is 1 fout" in html
    assert rows(app) == []


def test_honeypot_is_stored_as_spam_and_thanked(app, client):
    response = post_change(client, homepage_url="https://spam.example")
    assert response.status_code == 303 and response.headers["Location"].endswith(CHANGE_THANKS)
    [item] = rows(app)
    assert item.state == "spam" and item.suspect_reasons == ["automatisch herkend: honeypot"]


def test_forged_start_time_is_spam(app, client):
    tokens = {**form_tokens(client, CHANGE_FORM), "started": "vervalst"}
    assert post_change(client, tokens).status_code == 303
    assert [i.state for i in rows(app)] == ["spam"]


def test_missing_csrf_token_keeps_input_and_stores_nothing(app, client):
    tokens = {**form_tokens(client, CHANGE_FORM), "csrf_token": "verlopen"}
    response = post_change(client, tokens, contact_name="Bram Bewaard")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Het formulier was te lang open" in html and 'value="Bram Bewaard"' in html
    assert rows(app) == []


def test_database_unavailable_gives_503_and_keeps_input(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(queue, "insert_submission", broken)
    response = post_change(client, contact_name="Bram Bewaard")
    assert response.status_code == 503
    assert 'value="Bram Bewaard"' in response.get_data(as_text=True)


def test_rate_limit_gives_429(make_app):
    client = make_app(RATELIMIT_ENABLED=True, FORM_RATE_LIMIT="2 per minute").test_client()
    assert [post_change(client, email="fout").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(CHANGE_FORM).status_code == 200


def test_an_oversized_logo_is_refused_in_dutch(client):
    big = raster("png") + b"\0" * (512 * 1024)
    html = post_change(client, changes=["logo"], logo=big).get_data(as_text=True)
    assert "groter dan 512 kB" in html


def test_queue_export_shows_the_requested_change(app, client, runner):
    assert post_change(client, changes=["naam"], new_name="Stichting Nieuwe Naam").status_code == 303
    lines = runner.invoke(args=["queue", "export"]).output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("id,"))
    [cells] = list(csv.DictReader(lines[start:]))
    assert cells["kind"] == "wijziging" and cells["target_slug"] == "stichting-oude-naam"
    assert cells["requested"] == '{"Title": "Stichting Nieuwe Naam"}'


def test_change_thanks_page_shows_the_number_to_the_sender_only(app, client, partners_on_disk):
    assert post_change(client).headers["Location"].endswith(CHANGE_THANKS)
    assert "Uw verzoek heeft nummer <strong>1</strong>." in client.get(CHANGE_THANKS).get_data(as_text=True)
    assert "heeft nummer" not in app.test_client().get(CHANGE_THANKS).get_data(as_text=True)
