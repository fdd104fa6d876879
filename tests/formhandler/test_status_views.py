"""The applicant's status page: tokens, the resend form, the signed agreement back, withdrawing, no token in a log."""

from __future__ import annotations

import datetime as dt
import io
import logging
import random
import re
import urllib.request

import pytest
from PIL import Image

from formhandler import queue, tokens
from formhandler.clock import utcnow
from formhandler.mail import outbox
from formhandler.models import Event, OutboxMessage, SignedAgreement
from tests.formhandler.helpers import add_item, csrf_from, db_session, rows
from tests.hostile_corpus import HOSTILE
from tests.live import LiveServer

STATUS = "/aanmelden/status/"
AGREEMENTS = HOSTILE / "agreements"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def with_token(app, state: str = "nieuw", **overrides) -> tuple[int, str]:
    """An item in `state` and a status token for it: (id, token)."""
    with app.app_context(), db_session(app) as session:
        item = add_item(session, state=state, **overrides)
        token = tokens.mint(session, item.id)
        session.commit()
        return item.id, token


def open_status(client, token: str):
    """Follow a status link; the page itself."""
    response = client.get(f"{STATUS}?code={token}")
    assert response.status_code == 303 and response.headers["Location"] == STATUS
    return client.get(STATUS)


def csrf(html: str) -> str:
    return _TOKEN.search(html).group(1)


def close_long_ago(app, item_id: int, days: int) -> None:
    """Date the step that closed the item `days` days back."""
    with db_session(app) as session:
        item = queue.get(session, item_id)
        item.events[-1].at = utcnow() - dt.timedelta(days=days)
        session.commit()


def missing_page(client) -> tuple[int, str]:
    response = client.get("/aanmelden/bestaat-niet/")
    return response.status_code, response.get_data(as_text=True)


def test_a_link_opens_the_page_and_the_token_leaves_the_address(app, client):
    item_id, token = with_token(app, "in_behandeling")
    page = open_status(client, token)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"Stichting Gezonde Wijk, nummer {item_id}" in html
    assert re.search(r'<li class="status-step status-step-current" aria-current="step">\s*<strong>In behandeling', html)
    assert token not in html and "noindex" in page.headers["X-Robots-Tag"]
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "case",
    ["malformed", "unknown", "spam", "closed-long-ago"],
)
def test_wrong_expired_and_closed_tokens_answer_like_a_missing_page(app, client, case):
    item_id, token = with_token(app, "spam" if case == "spam" else "afgewezen")
    if case == "closed-long-ago":
        close_long_ago(app, item_id, 31)
    wrong = {"malformed": "abc<script>", "unknown": "x" * 43}.get(case, token)
    response = client.get(f"{STATUS}?code={wrong}")
    assert (response.status_code, response.get_data(as_text=True)) == missing_page(client)


def test_a_closed_item_keeps_its_page_for_the_days_set(make_app, client):
    app = make_app(STATUS_LINK_DAYS=10)
    item_id, token = with_token(app, "afgewezen")
    close_long_ago(app, item_id, 9)
    client = app.test_client()
    assert "Het Alliantiebureau heeft besloten" in open_status(client, token).get_data(as_text=True)
    close_long_ago(app, item_id, 11)
    # The session that held it falls back to the form for a new link; the token itself is dead.
    assert "Stuur mij mijn link opnieuw" in client.get(STATUS).get_data(as_text=True)
    assert client.get(f"{STATUS}?code={token}").status_code == 404


def resend(client, email: str):
    token = csrf(client.get(STATUS).get_data(as_text=True))
    return client.post(f"{STATUS}link", data={"csrf_token": token, "email": email})


def test_the_resend_form_answers_the_same_for_known_and_unknown_addresses(app):
    with_token(app, "in_behandeling")
    known, unknown = app.test_client(), app.test_client()
    answers = [resend(known, "JAN.GEHEIM@example.org"), resend(unknown, "niemand@example.org")]
    bodies = [_TOKEN.sub("", a.get_data(as_text=True)) for a in answers]
    assert [a.status_code for a in answers] == [200, 200] and bodies[0] == bodies[1]
    assert "Is dit e-mailadres bij ons bekend" in bodies[0]
    sent = [m for m in rows(app, OutboxMessage) if m.subject == "Uw link naar de statuspagina"]
    assert [(m.to_addr, m.status_link) for m in sent] == [("jan.geheim@example.org", True)]


def test_the_resend_form_is_rate_limited_per_client_and_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, STATUS_RATE_LIMIT="5 per minute")
    with_token(app, "in_behandeling")
    client = app.test_client()
    answers = [resend(client, "jan.geheim@example.org").status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    assert "Even geduld" in resend(client, "x@example.org").get_data(as_text=True)
    # Three links a day for one address, however many requests ask for one.
    assert len([m for m in rows(app, OutboxMessage) if m.subject == "Uw link naar de statuspagina"]) == 3


def test_the_resend_form_refuses_a_malformed_address_at_the_field(client):
    html = resend(client, "geen adres").get_data(as_text=True)
    assert "Vul een geldig e-mailadres in" in html and 'aria-invalid="true"' in html


def upload(client, data: bytes, name: str = "getekend.pdf"):
    token = csrf(client.get(STATUS).get_data(as_text=True))
    return client.post(
        f"{STATUS}ondertekend",
        data={"csrf_token": token, "signed": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


#: file in tests/hostile/agreements/ -> the message it gets, or None when it is stored (and served inert).
CORPUS = {
    "javascript.pdf": "Deze PDF bevat JavaScript.",
    "open-action.pdf": "Deze PDF bevat een actie die bij het openen wordt uitgevoerd.",
    "launch-action.pdf": "Deze PDF bevat een opdracht om een programma te starten.",
    "embedded-file.pdf": "Deze PDF bevat ingesloten bestanden.",
    "encrypted.pdf": "Deze PDF is beveiligd met een wachtwoord of versleuteld.",
    "truncated.pdf": "Deze PDF is beschadigd of onvolledig",
    "many-pages.pdf": "Deze PDF heeft 5000 pagina’s; een getekende overeenkomst heeft er hoogstens 30.",
    "decompression-bomb.pdf": "Deze PDF bevat inhoud die uitgepakt veel te groot wordt.",
    "pixel-bomb.png": "Deze scan is te groot (te veel pixels).",
    "not-a-pdf.pdf": "Dit bestand is geen PDF, PNG of JPEG.",
    "polyglot-pdf-html.pdf": None,
    "scan-with-gps.jpg": None,
}


def test_the_corpus_table_names_every_file():
    assert sorted(CORPUS) == sorted(p.name for p in AGREEMENTS.iterdir())


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_a_hostile_signed_upload_is_refused_clearly_or_stored_inert(app, client, admin_client, name):
    item_id, token = with_token(app, "stukken_verstuurd")
    open_status(client, token)
    response = upload(client, (AGREEMENTS / name).read_bytes(), name)
    stored = rows(app, SignedAgreement)
    if CORPUS[name] is not None:
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and CORPUS[name] in html and 'aria-invalid="true"' in html
        assert stored == []
        return
    assert response.status_code == 303 and len(stored) == 1
    served = admin_client.get(f"/beheer/{item_id}/ondertekend/{stored[0].id}")
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert served.mimetype in ("application/pdf", "image/jpeg")
    if name.endswith(".jpg"):
        image = Image.open(io.BytesIO(served.data))
        assert not image.getexif() and b"GPS" not in served.data and b"Exif" not in served.data


def big_binary_pdf(size: int) -> bytes:
    """A valid one-page PDF whose content stream is `size` random bytes, as a scanned page is."""
    stream = random.Random(7).randbytes(size)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_a_large_binary_scan_under_the_limit_is_taken(app, client):
    # Werkzeug's per-part form memory limit (64 kB) would refuse this: the upload route lifts it.
    _item_id, token = with_token(app, "stukken_verstuurd")
    open_status(client, token)
    data = big_binary_pdf(1_800_000)
    assert upload(client, data).status_code == 303
    assert [d.data for d in rows(app, SignedAgreement)] == [data]


def test_an_upload_over_the_request_limit_is_a_message_on_the_page(app, client):
    _item_id, token = with_token(app, "stukken_verstuurd")
    open_status(client, token)
    response = upload(client, b"%PDF-1.4\n" + b"0" * 2_200_000)
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "Dit bestand kunnen wij niet aannemen: het is groter dan 2 MB" in html
    assert "Getekende overeenkomst versturen" in html  # the form is there to try again


def test_uploading_only_when_the_agreement_was_sent(app, client):
    _item_id, token = with_token(app, "in_behandeling")
    html = open_status(client, token).get_data(as_text=True)
    assert "Getekende overeenkomst versturen" not in html
    response = upload(client, (AGREEMENTS / "polyglot-pdf-html.pdf").read_bytes())
    assert "alleen sturen nadat wij u de overeenkomst stuurden" in response.get_data(as_text=True)
    assert rows(app, SignedAgreement) == []


def test_withdrawing_needs_the_tick_then_closes_and_tells_both(app, client):
    item_id, token = with_token(app, "in_behandeling")
    html = open_status(client, token).get_data(as_text=True)
    refused = client.post(f"{STATUS}intrekken", data={"csrf_token": csrf(html)})
    assert "Vink aan dat u de aanmelding wilt intrekken" in refused.get_data(as_text=True)
    done = client.post(f"{STATUS}intrekken", data={"csrf_token": csrf(html), "confirm": "y"})
    assert done.status_code == 303
    assert "Uw aanmelding is ingetrokken." in client.get(STATUS).get_data(as_text=True)
    with db_session(app) as session:
        item = queue.get(session, item_id)
        assert item.state == "ingetrokken" and item.events[-2].actor == "aanvrager"
    subjects = {(m.to_addr, m.subject) for m in rows(app, OutboxMessage)}
    assert ("jan.geheim@example.org", f"Uw aanmelding is ingetrokken (nummer {item_id})") in subjects
    assert ("bureau@example.org", "Aanmelding ingetrokken: Stichting Gezonde Wijk") in subjects


def test_a_stale_form_is_a_message_on_the_page_not_a_bare_error(app, client):
    _item_id, token = with_token(app, "stukken_verstuurd")
    open_status(client, token)
    response = client.post(f"{STATUS}ondertekend", data={"csrf_token": "verlopen"})
    assert response.status_code == 200 and "Het formulier was te lang open" in response.get_data(as_text=True)


def test_tokens_never_reach_the_apps_logs(app, caplog):
    caplog.set_level(logging.DEBUG)
    item_id, token = with_token(app, "stukken_verstuurd")
    client = app.test_client()
    open_status(client, token)
    client.get(f"{STATUS}?code={token[:-1]}x")
    with app.app_context(), db_session(app) as session:
        session.add(
            OutboxMessage(to_addr="a@example.org", subject="s", body="b", submission_id=item_id, status_link=True)
        )
        session.commit()
        assert outbox.send_pending(session) == (1, 0)  # outside development the log backend logs its number only
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Mail 1 niet verstuurd: MAIL_BACKEND=log" in logged and "code=" not in logged
    assert not re.search(r"code=[A-Za-z0-9_-]{20,}", logged)
    assert token not in logged


def test_tokens_never_reach_a_real_servers_request_log(tmp_path, db_url, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = LiveServer({"DATABASE_URL": db_url, "SITE_DIR": str(tmp_path), "CONTENT_DIR": str(tmp_path)})
    try:
        _item_id, token = with_token(server.app, "nieuw")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(f"{server.url}{STATUS}?code={token}") as response:
            assert response.status == 200 and "Aanmelding ontvangen" in response.read().decode()
    finally:
        server.stop()
    request_lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /aanmelden/status/?code=[verborgen]" in line for line in request_lines), request_lines
    assert not any(token in line for line in request_lines)


def test_the_production_access_logs_leave_out_query_strings():
    from tests.conftest import ROOT

    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    nginx = (ROOT / "deploy" / "nginx.conf.template").read_text()
    # %(U)s is the path alone; %(r)s (the request line) and %(q)s (the query) would carry the token.
    assert '"%(m)s %(U)s %(H)s"' in gunicorn and "%(r)s" not in gunicorn and "%(q)s" not in gunicorn
    assert (
        '"$request_method $alliantie_path $server_protocol"' in nginx
        and "$request_uri " not in nginx.split("log_format")[1].split(";")[0]
    )


def test_an_item_of_another_kind_never_shows_withdraw(app, client, partners_on_disk):
    _item_id, token = with_token(app, "nieuw", kind="wijziging", target_slug="stichting-oude-naam")
    before = len(rows(app, Event))
    html = open_status(client, token).get_data(as_text=True)
    assert "Verzoek ontvangen" in html and "Aanmelding intrekken" not in html
    token = csrf_from(client.get("/aanmelden/wijziging/").get_data(as_text=True))  # the page itself has no form
    refused = client.post(f"{STATUS}intrekken", data={"csrf_token": token, "confirm": "y"})
    assert "Deze aanmelding kan niet meer worden ingetrokken." in refused.get_data(as_text=True)
    assert len(rows(app, Event)) == before
