"""The step pages at /beheer/<id>/stap/<state>: what happens, the message (editable, optional), attachments, confirm."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from formhandler import queue
from formhandler.models import OutboxMessage
from tests.formhandler.helpers import add_item, db_session, login, rows, step


def applicant_mails(app) -> list[OutboxMessage]:
    return [m for m in rows(app, OutboxMessage) if m.to_addr == "jan.geheim@example.org"]


def test_the_next_step_is_the_primary_button_and_consequential_ones_stand_out(admin_client, session):
    item_id = add_item(session, state="getekend").id
    html = admin_client.get(f"/beheer/{item_id}").get_data(as_text=True)
    buttons = re.findall(r'<a href="/beheer/\d+/stap/([a-z_]+)" class="([^"]+)">([^<]+)</a>', html)
    assert buttons == [
        ("gepubliceerd", "button button-danger", "Publiceren"),
        ("afgewezen", "button button-secondary button-danger", "Afwijzen"),
        ("ingetrokken", "button button-secondary button-danger", "Intrekken"),
        ("spam", "button button-secondary button-danger", "Spam"),
    ]
    assert "<form" not in html.split('id="actions-title"')[1].split("</section>")[0]  # links only: nothing posts


@pytest.mark.parametrize(
    "start, target, subject",
    [
        ("nieuw", "in_behandeling", "Uw aanmelding is in behandeling (nummer 1)"),
        ("in_behandeling", "stukken_verstuurd", "De partnerovereenkomst voor Stichting Gezonde Wijk"),
        ("stukken_verstuurd", "getekend", "Wij hebben de getekende partnerovereenkomst ontvangen"),
        ("nieuw", "afgewezen", "Uw aanmelding bij de Alliantie Nederland Rookvrij! (nummer 1)"),
        ("nieuw", "ingetrokken", "Uw aanmelding is ingetrokken (nummer 1)"),
    ],
)
def test_the_step_page_shows_the_message_that_will_go_out(admin_client, session, start, target, subject):
    add_item(session, state=start)
    page = admin_client.get(f"/beheer/1/stap/{target}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Wat er gebeurt" in html
    assert f'name="subject" type="text" value="{subject}"' in html
    assert '<input type="checkbox" id="send" name="send" value="ja" checked>' in html
    assert "Bericht aan de aanvrager (jan.geheim@example.org)" in html


def test_spam_sends_nothing_and_says_so(admin_client, app, session):
    add_item(session)
    html = admin_client.get("/beheer/1/stap/spam").get_data(as_text=True)
    assert "Bij deze stap gaat er geen bericht naar de aanvrager." in html and 'name="subject"' not in html
    assert "button button-danger" in html and "Ja, als spam afsluiten" in html
    assert step(admin_client, 1, "spam").status_code == 303 and applicant_mails(app) == []


def test_an_edited_message_goes_out_as_edited_with_the_agreement(admin_client, app, session):
    add_item(session, state="in_behandeling")
    html = admin_client.get("/beheer/1/stap/stukken_verstuurd").get_data(as_text=True)
    assert '<a href="/beheer/1/overeenkomst.pdf">partnerovereenkomst-1.pdf</a>' in html
    response = step(admin_client, 1, "stukken_verstuurd", subject="Uw stukken", body="Beste Jan,\n\nZie de bijlage.")
    assert response.status_code == 303
    (mail,) = applicant_mails(app)
    assert (mail.subject, mail.body, mail.status_link) == ("Uw stukken", "Beste Jan,\n\nZie de bijlage.\n", True)
    (attachment,) = mail.attachments
    assert attachment.filename == "partnerovereenkomst-1.pdf" and attachment.mimetype == "application/pdf"
    assert "Stichting Gezonde Wijk" in PdfReader(io.BytesIO(attachment.data)).pages[0].extract_text()
    detail = admin_client.get("/beheer/1").get_data(as_text=True)
    assert "Bericht aan de aanvrager: ‘Uw stukken’" in detail and "Bijlage: partnerovereenkomst-1.pdf" in detail
    download = admin_client.get(re.search(r'href="(/beheer/1/bijlage/\d+)"', detail).group(1))
    assert download.data == attachment.data and download.headers["X-Content-Type-Options"] == "nosniff"


def test_without_the_tick_the_step_is_taken_and_nothing_is_sent(admin_client, app, session):
    add_item(session)
    assert step(admin_client, 1, "in_behandeling", send="nee").status_code == 303
    assert applicant_mails(app) == []
    with db_session(app) as db:
        assert [e.note for e in queue.get(db, 1).events][-1] == ""


def test_an_empty_subject_refuses_the_step_and_keeps_the_text(admin_client, app, session):
    add_item(session)
    response = step(admin_client, 1, "afgewezen", subject="  ", body="Mijn eigen tekst", note="Mijn notitie")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Het onderwerp van het bericht is leeg." in html
    assert ">Mijn eigen tekst</textarea>" in html and ">Mijn notitie</textarea>" in html
    with db_session(app) as db:
        assert queue.get(db, 1).state == "nieuw"
    assert applicant_mails(app) == []


def test_a_missing_fixed_attachment_stops_the_step_with_a_reason(make_app, reviewer, session, tmp_path):
    app = make_app(AGREEMENT_ATTACHMENTS=["welkomstmap.pdf"])
    app.instance_path = str(tmp_path)  # the bureau's files live in the instance folder: this test's own
    client = app.test_client()
    login(client)
    add_item(session, state="in_behandeling")
    html = client.get("/beheer/1/stap/stukken_verstuurd").get_data(as_text=True)
    assert "De vaste bijlage ‘welkomstmap.pdf’ staat niet in de instance-map" in html
    assert "Stukken versturen</button>" not in html
    (Path(app.instance_path) / "welkomstmap.pdf").write_bytes(b"%PDF-1.4 welkom")
    assert step(client, 1, "stukken_verstuurd").status_code == 303
    (mail,) = applicant_mails(app)
    assert [a.filename for a in mail.attachments] == ["partnerovereenkomst-1.pdf", "welkomstmap.pdf"]


def test_publishing_sends_the_welcome_only_after_it_succeeded(admin_client, app, session, content_dir):
    add_item(session, state="getekend", logo="svg")
    (content_dir / "partners" / "stichting-gezonde-wijk.md").write_text("Werk van de redacteur.\n")
    refused = step(admin_client, 1, "gepubliceerd")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Publiceren is niet gelukt; er is niets verstuurd." in html
    assert applicant_mails(app) == []
    (content_dir / "partners" / "stichting-gezonde-wijk.md").unlink()
    assert step(admin_client, 1, "gepubliceerd").status_code == 303
    (welcome,) = applicant_mails(app)
    assert "https://www.alliantienederlandrookvrij.nl/partners/stichting-gezonde-wijk/" in welcome.body


def test_the_agreement_preview_is_a_download(admin_client, session):
    add_item(session, state="in_behandeling", organisation_name="Łódź Zdrowie Ğüç")
    response = admin_client.get("/beheer/1/overeenkomst.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="partnerovereenkomst-1.pdf"'
    assert "Łódź Zdrowie Ğüç" in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
