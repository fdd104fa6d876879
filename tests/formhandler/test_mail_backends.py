"""How an outbox row leaves: its message (UTF-8, a stable Message-ID, a one-line subject) and the log backend."""

from __future__ import annotations

import logging

from formhandler.mail import backends
from formhandler.models import OutboxMessage
from tests.formhandler.helpers import CONTACT, rows, run_outbox, store_with_mails


def test_a_name_with_a_line_break_cannot_add_headers(smtp_app, mail_server):
    store_with_mails(smtp_app, organisation_name="Kwaad\r\nBcc: iedereen@example.org")
    assert run_outbox(smtp_app) == (2, 0)
    notice = mail_server.wait_for(2)[1]
    assert notice["Subject"] == "Nieuwe aanmelding: Kwaad Bcc: iedereen@example.org"
    assert notice["Bcc"] is None
    assert sorted(mail_server.recipients) == sorted([CONTACT["email"], "bureau@example.org"])


def test_headers_are_utf8_with_date_and_a_stable_message_id(smtp_app, mail_server):
    store_with_mails(smtp_app, organisation_name="Gemeente Súdwest-Fryslân")
    run_outbox(smtp_app)
    received = mail_server.wait_for(2)
    for row, message in zip(rows(smtp_app, OutboxMessage), received, strict=True):
        assert message["Message-ID"] == backends.message_id(row, smtp_app.config)
        assert message["Message-ID"].startswith(f"<outbox.{row.id}.")
        assert message["Message-ID"].endswith("@example.org>")
        assert message["Date"].datetime == row.created_at.replace(microsecond=0)
        assert message.get_content_charset() == "utf-8"
    assert received[1]["Subject"] == "Nieuwe aanmelding: Gemeente Súdwest-Fryslân"
    assert "Súdwest-Fryslân" in received[0].get_content()
    assert received[0]["Message-ID"] != received[1]["Message-ID"]


def test_log_backend_writes_the_mail_to_the_log(smtp_app, mail_server, caplog):
    smtp_app.config.update(MAIL_BACKEND="log", DEVELOPMENT=True)
    item_id = store_with_mails(smtp_app)
    with caplog.at_level(logging.INFO, logger="formhandler.mail"):
        assert run_outbox(smtp_app) == (2, 0)
    logged = [r.getMessage() for r in caplog.records if r.name == "formhandler.mail" and r.levelno == logging.INFO]
    assert len(logged) == 2
    assert f"To: {CONTACT['email']}" in logged[0] and f"nummer {item_id}" in logged[0]
    assert "Subject: Nieuwe aanmelding: Stichting Gezonde Wijk" in logged[1]
    assert mail_server.messages == []


def test_scrub_keeps_addresses_out_of_errors():
    error = OSError("550 <jan.geheim@example.org>: user unknown,   retry later")
    assert backends.scrub(error) == "OSError: 550 <<adres>>: user unknown, retry later"


def test_log_backend_outside_development_logs_no_address_and_no_text(smtp_app, mail_server, caplog):
    smtp_app.config["MAIL_BACKEND"] = "log"
    store_with_mails(smtp_app)
    with caplog.at_level(logging.DEBUG, logger="formhandler.mail"):
        assert run_outbox(smtp_app) == (2, 0)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Mail 1 niet verstuurd: MAIL_BACKEND=log" in logged
    assert CONTACT["email"] not in logged and "Stichting Gezonde Wijk" not in logged and "@" not in logged
