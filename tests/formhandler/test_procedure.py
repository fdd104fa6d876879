"""The whole joining procedure of the seed, end to end, with every mail through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from formhandler import queue
from tests.conftest import run_pelican
from tests.formhandler.helpers import (
    add_user,
    db_session,
    login,
    post,
    post_change,
    run_outbox,
    step,
)

PUBLIC = "https://partners.example.org"
LINK = re.compile(re.escape(PUBLIC) + r"(/aanmelden/status/\?code=[A-Za-z0-9_-]{43})")
APPLICANT = "anne@rookvrijsporten.nl"


@pytest.fixture
def procedure_app(make_app, mail_server, content_dir):
    """The app mailing through the loopback SMTP server, with links to PUBLIC and a content folder to publish into."""
    return make_app(
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=mail_server.port,
        SMTP_TIMEOUT=5,
        PUBLIC_URL=PUBLIC,
        CONTENT_DIR=str(content_dir),
    )


@pytest.fixture
def bureau(procedure_app):
    """A reviewer logged in on the procedure app."""
    add_user(procedure_app)
    client = procedure_app.test_client()
    assert login(client).status_code == 302
    return client


def deliver(app, mail_server, count: int) -> list:
    """Run the outbox once and return every message received so far (at least `count`)."""
    run_outbox(app)
    received = mail_server.wait_for(count)
    assert len(received) >= count, [m["Subject"] for m in received]
    return received


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def status_link(message) -> str:
    match = LINK.search(text_of(message))
    assert match, text_of(message)
    return match.group(1)


def state_of(app, item_id: int) -> str:
    with db_session(app) as session:
        return queue.get(session, item_id).state


def test_an_application_from_the_form_to_the_wall(procedure_app, bureau, mail_server, content_dir, tmp_path):
    applicant = procedure_app.test_client()
    assert post(applicant).status_code == 303
    confirmation, notice = deliver(procedure_app, mail_server, 2)
    assert confirmation["To"] == APPLICANT and notice["To"] == "bureau@example.org"
    assert LINK.search(text_of(notice)) is None  # the bureau's notice carries no applicant's link
    received_link = status_link(confirmation)

    # The applicant follows the link from the confirmation: the token moves into the session.
    opened = applicant.get(received_link)
    assert opened.status_code == 303 and opened.headers["Location"] == "/aanmelden/status/"
    page = applicant.get("/aanmelden/status/").get_data(as_text=True)
    assert "Stichting Rookvrij Sporten, nummer 1" in page and "Aanmelding ontvangen" in page

    assert step(bureau, 1, "in_behandeling").status_code == 303
    in_progress = deliver(procedure_app, mail_server, 3)[2]
    assert in_progress["Subject"] == "Uw aanmelding is in behandeling (nummer 1)" and in_progress["To"] == APPLICANT

    assert step(bureau, 1, "stukken_verstuurd").status_code == 303
    documents = deliver(procedure_app, mail_server, 4)[3]
    assert documents["Subject"] == "De partnerovereenkomst voor Stichting Rookvrij Sporten"
    (pdf,) = list(documents.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_filename() == "partnerovereenkomst-1.pdf"
    agreement = pdf.get_content()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(agreement)).pages)
    assert "Stichting Rookvrij Sporten" in text and "12345678" in text and "Utrecht" in text

    # A fresh browser, the link from the very first mail: the applicant sends the signed agreement back.
    signer = procedure_app.test_client()
    signer.get(received_link)
    status = signer.get("/aanmelden/status/").get_data(as_text=True)
    assert "Getekende overeenkomst versturen" in status
    token = re.search(r'name="csrf_token" value="([^"]+)"', status).group(1)
    sent = signer.post(
        "/aanmelden/status/ondertekend",
        data={"csrf_token": token, "signed": (io.BytesIO(agreement), "getekend.pdf")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    assert "Wij hebben de getekende overeenkomst ontvangen" in signer.get("/aanmelden/status/").get_data(as_text=True)
    bureau_notice = deliver(procedure_app, mail_server, 5)[4]
    assert bureau_notice["To"] == "bureau@example.org" and f"{PUBLIC}/beheer/1" in text_of(bureau_notice)

    # The reviewer sees and downloads it, inert, and records that it is signed.
    detail = bureau.get("/beheer/1").get_data(as_text=True)
    download = re.search(r'href="(/beheer/1/ondertekend/\d+)"', detail).group(1)
    stored = bureau.get(download)
    assert stored.data == agreement and stored.mimetype == "application/pdf"
    assert stored.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in stored.headers["Content-Security-Policy"]
    assert stored.headers["Content-Disposition"].startswith("attachment;")
    assert step(bureau, 1, "getekend").status_code == 303
    signed = deliver(procedure_app, mail_server, 6)[5]
    assert signed["Subject"] == "Wij hebben de getekende partnerovereenkomst ontvangen"

    # Publishing (the files target) writes the record; the welcome mail links to the page the build makes.
    assert step(bureau, 1, "gepubliceerd").status_code == 303
    assert state_of(procedure_app, 1) == "gepubliceerd"
    welcome = deliver(procedure_app, mail_server, 7)[6]
    body = text_of(welcome)
    assert welcome["Subject"] == "Welkom als partner van de Alliantie Nederland Rookvrij!"
    assert f"{PUBLIC}/partners/stichting-rookvrij-sporten/" in body
    for promise in ("Alliantieraad", "nieuwsbrief", "Uitnodigingen", "huisstijlelementen", "partnerbadge"):
        assert promise in body, promise
    site = run_pelican(content_dir, tmp_path / "site")
    assert (site / "partners" / "stichting-rookvrij-sporten" / "index.html").is_file()
    final = signer.get("/aanmelden/status/").get_data(as_text=True)
    assert 'aria-current="step"' in final and "is partner. Welkom!" in final
    assert [m["To"] for m in mail_server.messages].count(APPLICANT) == 5


def test_a_change_request_from_the_form_to_the_record(
    procedure_app, bureau, mail_server, partners_on_disk, content_dir
):
    partner = procedure_app.test_client()
    assert post_change(partner).status_code == 303
    confirmation, _notice = deliver(procedure_app, mail_server, 2)
    link = status_link(confirmation)
    partner.get(link)
    assert "Verzoek ontvangen" in partner.get("/aanmelden/status/").get_data(as_text=True)

    assert step(bureau, 1, "in_behandeling").status_code == 303  # this step sends no message
    assert step(bureau, 1, "goedgekeurd").status_code == 303
    approved = deliver(procedure_app, mail_server, 3)[2]
    assert approved["Subject"] == "Uw wijziging voor Stichting Oude Naam is goedgekeurd"
    assert "de korte omschrijving van Stichting Oude Naam" in text_of(approved)

    assert step(bureau, 1, "gepubliceerd").status_code == 303
    published = deliver(procedure_app, mail_server, 4)[3]
    assert published["Subject"] == "Uw wijziging voor Stichting Oude Naam staat op de website"
    assert f"{PUBLIC}/partners/stichting-oude-naam/" in text_of(published)
    assert "Nieuwe samenvatting." in (content_dir / "partners" / "stichting-oude-naam.md").read_text()
    page = partner.get("/aanmelden/status/").get_data(as_text=True)
    assert "Verwerkt" in page and "Aanmelding intrekken" not in page
