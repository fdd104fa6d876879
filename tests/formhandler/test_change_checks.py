"""Checked change requests: a sender of the partner's own domain is trusted; others are marked, the contact told."""

from __future__ import annotations

import pytest

from formhandler.change.checks import ContactOnFile, same_organisation, sender_reasons, site_domain
from formhandler.models import OutboxMessage
from tests.formhandler.helpers import add_item, add_user, db_session, login, post_change, rows, run_outbox

pytestmark = pytest.mark.usefixtures("partners_on_disk")
ON_FILE = "karel.bekend@oud.example.nl"


@pytest.fixture
def contact_on_file(session):
    """The partner's published application in the queue: its contact is Karel Bekend."""
    item = add_item(
        session,
        state="gepubliceerd",
        organisation_name="Stichting Oude Naam",
        contact_name="Karel Bekend",
        email=ON_FILE,
        website="https://oud.example.nl",
    )
    item.published_slug = "stichting-oude-naam"
    session.commit()
    return item


@pytest.mark.parametrize(
    "address, website, same",
    [
        ("oud.example.nl", "oud.example.nl", True),
        ("oud.example.nl", "www.oud.example.nl", True),  # a subdomain (site_domain() strips www. anyway)
        ("afdeling.oud.example.nl", "oud.example.nl", True),
        ("oud.example.nl", "gemeente.oud.example.nl", True),
        ("gmail.com", "oud.example.nl", False),
        ("nepoud.example.nl", "oud.example.nl", False),
        ("nl", "oud.nl", False),
        ("oud.example.nl", "", False),
    ],
)
def test_same_organisation(address, website, same):
    assert same_organisation(address, website) is same


def test_site_domain_drops_www_and_case():
    assert site_domain("https://WWW.Oud.Example.NL/over-ons") == "oud.example.nl"


@pytest.mark.parametrize(
    "email, website, contact, suspect",
    [
        ("petra@oud.example.nl", "https://www.oud.example.nl", None, False),
        ("Karel@Gmail.com", "https://oud.example.nl", ContactOnFile("Karel", "karel@gmail.com"), False),
        ("petra@gmail.com", "https://oud.example.nl", ContactOnFile("Karel", ON_FILE), True),
        ("petra@gmail.com", "https://oud.example.nl", None, True),
        ("petra@oud.example.nl", "", None, True),
    ],
)
def test_sender_reasons(email, website, contact, suspect):
    reasons = sender_reasons({"email": email, "website": website}, contact)
    assert bool(reasons) is suspect
    assert all(reason.startswith("afzender niet herkend: ") for reason in reasons)


def test_a_sender_from_the_partners_own_domain_is_not_suspect(app, client, contact_on_file):
    assert post_change(client, email="petra@oud.example.nl").status_code == 303
    request = rows(app)[-1]
    assert request.suspect_reasons == []
    # Petra is a colleague, not the contact on file: Karel still hears of it, and is never told Petra's address.
    [notice] = [m for m in rows(app, OutboxMessage) if m.to_addr == ON_FILE]
    assert "petra" not in notice.body.lower()


def test_a_free_mail_sender_is_suspect_and_the_contact_on_file_receives_a_notice(
    smtp_app, mail_server, partners_on_disk, reviewer_of
):
    with db_session(smtp_app) as session:
        item = add_item(session, state="gepubliceerd", contact_name="Karel Bekend", email=ON_FILE)
        item.published_slug = "stichting-oude-naam"
        session.commit()
    client = smtp_app.test_client()
    response = post_change(client, changes=["einde"], new_summary=None, end_date="2027-01-31", email="weg@gmail.com")
    assert response.status_code == 303
    request = rows(smtp_app)[-1]
    assert request.suspect_reasons == [
        "afzender niet herkend: @gmail.com hoort niet bij de website van de partner (oud.example.nl) "
        "en is niet het adres van de contactpersoon die het bureau kent"
    ]
    assert run_outbox(smtp_app) == (3, 0)
    [notice] = [m for m in mail_server.wait_for(3) if m["To"] == ON_FILE]
    assert notice["Subject"] == "Wijzigingsverzoek voor Stichting Oude Naam"
    text = notice.get_content()
    assert "Beste Karel Bekend," in text and f"nummer #{request.id}" in text
    assert "Gevraagd: einde van het partnerschap." in text and "weg@gmail.com" not in text
    assert sorted(mail_server.recipients) == sorted(["weg@gmail.com", "bureau@example.org", ON_FILE])

    # The admin shows the flag: in the list and on the detail page.
    admin = reviewer_of(smtp_app)
    listing = admin.get("/beheer/").get_data(as_text=True)
    assert '<span class="admin-tag">verdacht</span>' in listing
    detail = admin.get(f"/beheer/{request.id}").get_data(as_text=True)
    assert "Kijk hier extra goed naar" in detail and "@gmail.com hoort niet bij de website" in detail


def test_the_contact_on_file_asking_themselves_gets_no_second_notice(app, client, contact_on_file):
    assert post_change(client, email=ON_FILE.upper()).status_code == 303
    assert rows(app)[-1].suspect_reasons == []
    assert [m.to_addr for m in rows(app, OutboxMessage)] == [ON_FILE.upper(), "bureau@example.org"]


def test_without_a_contact_on_file_a_free_mail_sender_is_suspect_and_nobody_else_is_mailed(app, client):
    assert post_change(client, email="iemand@hotmail.com").status_code == 303
    [reason] = rows(app)[-1].suspect_reasons
    assert reason.endswith("het bureau kent geen contactpersoon van deze partner")
    assert [m.to_addr for m in rows(app, OutboxMessage)] == ["iemand@hotmail.com", "bureau@example.org"]


@pytest.fixture
def reviewer_of():
    """A logged-in admin client for any app."""

    def make(app):
        add_user(app)
        client = app.test_client()
        assert login(client).status_code == 302
        return client

    return make
