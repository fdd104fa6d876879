"""The outbox against a real SMTP server on loopback: content, delivery, server down and back, no double sends."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import time

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from formhandler import mail, mail_texts, queue
from formhandler.models import Submission
from tests.mail_fixtures import (
    APPLICANT,
    mail_server,
    outbox,
    session_of,
    smtp_settings,  # noqa: F401
    submission_data,
    submit,
)


@pytest.fixture
def app_config(app_config, mail_server):  # noqa: F811
    """Every app in this module mails over SMTP to the loopback server."""
    return {**app_config, **smtp_settings(mail_server)}


def drain(app, now=None, **kwargs) -> tuple[int, int]:
    with app.app_context(), session_of(app) as session:
        return mail.send_pending(session, now=now, **kwargs)


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive UTC datetimes, PostgreSQL aware ones."""
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def test_a_name_with_a_line_break_cannot_add_headers(app, mail_server):  # noqa: F811
    submit(app, organisation_name="Kwaad\r\nBcc: iedereen@example.org")
    assert drain(app) == (2, 0)
    notice = mail_server.wait_for(2)[1]
    assert notice["Subject"] == "Nieuwe aanmelding: Kwaad Bcc: iedereen@example.org"
    assert notice["Bcc"] is None
    assert sorted(mail_server.recipients) == sorted([APPLICANT, "bureau@example.org"])


# --- delivery over SMTP ---------------------------------------------------------------------


def test_mail_send_delivers_both_mails(app, runner, mail_server):  # noqa: F811
    item_id = submit(app)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 verstuurd, 0 mislukt"
    confirmation, notice = mail_server.wait_for(2)
    assert mail_server.recipients == [APPLICANT, "bureau@example.org"]
    assert confirmation["From"] == "Alliantie Nederland Rookvrij! <noreply@example.org>"
    assert confirmation["To"] == APPLICANT
    assert f"#{item_id}" in confirmation.get_content()
    assert notice["Subject"] == "Nieuwe aanmelding: Stichting Rookvrij Voorbeeld 0"
    assert all(row.sent_at is not None and row.attempts == 0 for row in outbox(app))


def test_headers_are_utf8_with_date_and_a_stable_message_id(app, mail_server):  # noqa: F811
    submit(app, organisation_name="Gemeente Súdwest-Fryslân")
    drain(app)
    rows = outbox(app)
    for row, received in zip(rows, mail_server.wait_for(2)):
        assert received["Message-ID"] == mail.message_id(row, app.config)
        assert received["Message-ID"].startswith(f"<outbox.{row.id}.") and received["Message-ID"].endswith(
            "@example.org>"
        )
        assert received["Date"].datetime is not None
        assert received.get_content_charset() == "utf-8"
    assert mail_server.messages[1]["Subject"] == "Nieuwe aanmelding: Gemeente Súdwest-Fryslân"
    assert "Súdwest-Fryslân" in mail_server.messages[0].get_content()
    assert mail_server.messages[0]["Message-ID"] != mail_server.messages[1]["Message-ID"]


def test_server_down_loses_nothing_and_delivers_exactly_once_later(app, mail_server):  # noqa: F811
    mail_server.stop()
    item_id = submit(app)
    start = utcnow()
    assert drain(app, now=start) == (0, 2)

    with session_of(app) as session:
        assert session.get(Submission, item_id) is not None
    for row in outbox(app):
        assert row.sent_at is None and row.attempts == 1
        assert aware(row.next_attempt_at) == start + dt.timedelta(minutes=1)
        assert row.last_error and "@" not in row.last_error

    mail_server.start()
    assert drain(app, now=start + dt.timedelta(seconds=30)) == (0, 0), "still backing off"
    assert drain(app, now=start + dt.timedelta(minutes=2)) == (2, 0)
    assert drain(app, now=start + dt.timedelta(minutes=3)) == (0, 0)
    assert len(mail_server.wait_for(2)) == 2
    assert sorted(mail_server.recipients) == sorted([APPLICANT, "bureau@example.org"])


@pytest.mark.parametrize("attempts, minutes", [(1, 1), (2, 2), (3, 4), (4, 8), (6, 32), (7, 60), (50, 60)])
def test_backoff_doubles_up_to_an_hour(attempts, minutes):
    assert mail.backoff(attempts) == dt.timedelta(minutes=minutes)


def test_each_failure_counts_and_waits_longer(app, mail_server):  # noqa: F811
    mail_server.stop()
    submit(app)
    start = utcnow()
    drain(app, now=start)
    second = start + dt.timedelta(minutes=1)
    assert drain(app, now=second) == (0, 2)
    for row in outbox(app):
        assert row.attempts == 2
        assert aware(row.next_attempt_at) == second + dt.timedelta(minutes=2)


def test_refused_recipient_is_retried_and_its_address_is_never_stored_or_logged(app, mail_server, caplog):  # noqa: F811
    mail_server.refuse(APPLICANT)
    submit(app)
    with caplog.at_level(logging.DEBUG):
        assert drain(app) == (1, 1)
    confirmation, notice = outbox(app)
    assert notice.sent_at is not None
    assert confirmation.sent_at is None and confirmation.attempts == 1
    assert "550" in confirmation.last_error and APPLICANT not in confirmation.last_error
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("formhandler")]
    assert ours and not any(APPLICANT in text for text in ours)
    assert mail_server.recipients == ["bureau@example.org"]


def test_two_drainers_at_once_send_each_message_once(app, mail_server):  # noqa: F811
    for n in range(5):
        submit(app, n)
    barrier = threading.Barrier(2)
    results = []

    def drainer():
        barrier.wait()
        results.append(drain(app))

    threads = [threading.Thread(target=drainer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent for sent, _ in results) == 10 and sum(failed for _, failed in results) == 0
    received = mail_server.wait_for(10)
    assert len(received) == 10
    assert len({message["Message-ID"] for message in received}) == 10


def test_a_claimed_message_is_left_alone_by_another_drainer(app, mail_server):  # noqa: F811
    submit(app)
    now = utcnow()
    with app.app_context(), session_of(app) as session:
        row_id = outbox(app)[0].id
        assert mail._claim(session, row_id, now) is not None
        assert mail._claim(session, row_id, now) is None
    assert drain(app, now=now) == (1, 0), "only the unclaimed notice"
    assert drain(app, now=now + mail.LEASE) == (1, 0), "a crashed drainer's claim expires"


# --- development backend, after-commit sending, CLI ----------------------------------------


def test_log_backend_writes_the_mail_to_the_log(app, mail_server, caplog):  # noqa: F811
    app.config["MAIL_BACKEND"] = "log"
    item_id = submit(app)
    with caplog.at_level(logging.INFO, logger="formhandler.mail"):
        assert drain(app) == (2, 0)
    logged = [r.getMessage() for r in caplog.records if r.name == "formhandler.mail" and r.levelno == logging.INFO]
    assert len(logged) == 2
    assert f"To: {APPLICANT}" in logged[0] and f"#{item_id}" in logged[0]
    assert "Subject: Nieuwe aanmelding: Stichting Rookvrij Voorbeeld 0" in logged[1]
    assert mail_server.messages == []


def test_send_after_commit_sends_the_requests_mails(app, mail_server):  # noqa: F811
    submit(app, 1)  # an older message of another request stays for `mail send`
    with app.test_request_context("/aanmelden/", method="POST"), session_of(app) as session:
        item, _created = queue.add_submission(session, submission_data(2), None, mails=mail_texts.build_mails)
        assert mail.send_after_commit(item.id) == (2, 0)
        assert mail.send_after_commit(item.id) == (0, 0), "sent once"
    assert [m["Subject"] for m in mail_server.wait_for(2)][1] == "Nieuwe aanmelding: Stichting Rookvrij Voorbeeld 2"
    assert sum(row.sent_at is None for row in outbox(app)) == 2


@pytest.mark.parametrize("breakage", ["server down", "bad port setting", "database gone"])
def test_send_after_commit_never_raises(app, mail_server, caplog, breakage):  # noqa: F811
    mail_server.stop()
    if breakage == "bad port setting":
        app.config["SMTP_PORT"] = "geen poort"
    with app.test_request_context("/aanmelden/", method="POST"), session_of(app) as session:
        item, _created = queue.add_submission(session, submission_data(), None, mails=mail_texts.build_mails)
        if breakage == "database gone":
            app.extensions["formhandler.sessionmaker"] = None
        with caplog.at_level(logging.INFO):
            sent, _failed = mail.send_after_commit(item.id)
    assert sent == 0
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("formhandler")]
    assert ours, "the failure is logged"
    assert not any(APPLICANT in text for text in ours)


def test_send_after_commit_is_bounded_by_the_timeout_when_the_server_hangs(app, mail_server):  # noqa: F811
    mail_server.stop()
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        app.config.update(SMTP_PORT=silent.getsockname()[1], SMTP_TIMEOUT=1)
        with app.test_request_context("/aanmelden/", method="POST"), session_of(app) as session:
            item, _created = queue.add_submission(session, submission_data(), None, mails=mail_texts.build_mails)
            started = time.monotonic()
            assert mail.send_after_commit(item.id) == (0, 2)
            assert time.monotonic() - started < 3, "one timeout for the whole request, not one per message"
    assert [row.attempts for row in outbox(app)] == [1, 1]


def test_send_after_commit_leaves_pending_mail_for_a_later_run(app, mail_server):  # noqa: F811
    mail_server.stop()
    with app.test_request_context("/aanmelden/", method="POST"), session_of(app) as session:
        item, _created = queue.add_submission(session, submission_data(), None, mails=mail_texts.build_mails)
        assert mail.send_after_commit(item.id) == (0, 2)
    assert [row.attempts for row in outbox(app)] == [1, 1]
    mail_server.start()
    assert drain(app, now=utcnow() + dt.timedelta(minutes=2)) == (2, 0)
    assert len(mail_server.wait_for(2)) == 2


def test_cli_status_and_send_through_an_outage(app, runner, mail_server):  # noqa: F811
    assert (
        runner.invoke(args=["mail", "status"]).output.strip() == "wachtend: 0, verstuurd: 0, met mislukte pogingen: 0"
    )
    submit(app)
    mail_server.stop()
    assert runner.invoke(args=["mail", "send"]).output.strip() == "0 verstuurd, 2 mislukt"
    assert (
        runner.invoke(args=["mail", "status"]).output.strip() == "wachtend: 2, verstuurd: 0, met mislukte pogingen: 2"
    )
    mail_server.start()
    assert runner.invoke(args=["mail", "send"]).output.strip() == "0 verstuurd, 0 mislukt", "not due yet"
    with app.app_context(), session_of(app) as session:
        mail.send_pending(session, now=utcnow() + dt.timedelta(minutes=2))
    assert (
        runner.invoke(args=["mail", "status"]).output.strip() == "wachtend: 0, verstuurd: 2, met mislukte pogingen: 0"
    )
    assert len(mail_server.messages) == 2


def test_mail_send_without_a_database_says_so_in_dutch(app, runner):
    app.extensions["formhandler.sessionmaker"] = sessionmaker(
        bind=create_engine("sqlite:////nonexistent/dir/q.sqlite3")
    )
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "De database is niet bereikbaar; er is niets verstuurd." in result.output
    assert "Traceback" not in result.output


def test_an_unknown_backend_is_refused_at_startup(app_config):
    from formhandler import ConfigError, create_app

    with pytest.raises(ConfigError, match="MAIL_BACKEND"):
        create_app({**app_config, "MAIL_BACKEND": "sendmail"})
