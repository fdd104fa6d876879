"""The outbox against a real SMTP server on loopback: delivery, the server down and back, no double sends."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import time

import pytest

from formhandler import queue
from formhandler.clock import utcnow
from formhandler.mail import outbox
from formhandler.mail.texts import build_mails
from formhandler.models import OutboxMessage, Submission
from tests.formhandler.helpers import CONTACT, db_session, rows, run_outbox, store_with_mails, submission_data

APPLICANT = CONTACT["email"]
NAME = "Stichting Gezonde Wijk"


def mails(app) -> list[OutboxMessage]:
    return rows(app, OutboxMessage)


def test_a_run_delivers_both_mails_and_marks_them_sent(smtp_app, mail_server):
    item_id = store_with_mails(smtp_app)
    assert run_outbox(smtp_app) == (2, 0)
    confirmation, notice = mail_server.wait_for(2)
    assert mail_server.recipients == [APPLICANT, "bureau@example.org"]
    assert confirmation["From"] == "Alliantie Nederland Rookvrij! <noreply@example.org>"
    assert confirmation["To"] == APPLICANT and f"nummer {item_id}" in confirmation.get_content()
    assert notice["Subject"] == f"Nieuwe aanmelding: {NAME}"
    assert all(row.sent_at is not None and row.attempts == 0 for row in mails(smtp_app))


@pytest.mark.both_databases
def test_server_down_loses_nothing_and_delivers_exactly_once_later(smtp_app, mail_server):
    mail_server.stop()
    item_id = store_with_mails(smtp_app)
    start = utcnow()
    assert run_outbox(smtp_app, now=start) == (0, 2)

    with db_session(smtp_app) as session:
        assert session.get(Submission, item_id) is not None
    for row in mails(smtp_app):
        assert row.sent_at is None and row.attempts == 1
        assert row.next_attempt_at == start + dt.timedelta(minutes=1)
        assert row.last_error and "@" not in row.last_error

    mail_server.start()
    assert run_outbox(smtp_app, now=start + dt.timedelta(seconds=30)) == (0, 0), "still backing off"
    assert run_outbox(smtp_app, now=start + dt.timedelta(minutes=2)) == (2, 0)
    assert run_outbox(smtp_app, now=start + dt.timedelta(minutes=3)) == (0, 0)
    assert len(mail_server.wait_for(2)) == 2
    assert sorted(mail_server.recipients) == sorted([APPLICANT, "bureau@example.org"])


@pytest.mark.parametrize("attempts, minutes", [(1, 1), (2, 2), (3, 4), (4, 8), (6, 32), (7, 60), (50, 60)])
def test_backoff_doubles_up_to_an_hour(attempts, minutes):
    assert outbox.backoff(attempts) == dt.timedelta(minutes=minutes)


def test_each_failure_counts_and_waits_longer(smtp_app, mail_server):
    mail_server.stop()
    store_with_mails(smtp_app)
    start = utcnow()
    run_outbox(smtp_app, now=start)
    second = start + dt.timedelta(minutes=1)
    assert run_outbox(smtp_app, now=second) == (0, 2)
    for row in mails(smtp_app):
        assert row.attempts == 2
        assert row.next_attempt_at == second + dt.timedelta(minutes=2)


def test_refused_recipient_is_retried_and_its_address_is_never_stored_or_logged(smtp_app, mail_server, caplog):
    mail_server.refuse(APPLICANT)
    store_with_mails(smtp_app)
    with caplog.at_level(logging.DEBUG):
        assert run_outbox(smtp_app) == (1, 1)
    confirmation, notice = mails(smtp_app)
    assert notice.sent_at is not None
    assert confirmation.sent_at is None and confirmation.attempts == 1
    assert "550" in confirmation.last_error and APPLICANT not in confirmation.last_error
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("formhandler")]
    assert ours and not any(APPLICANT in text for text in ours)
    assert mail_server.recipients == ["bureau@example.org"]


@pytest.mark.both_databases
def test_two_drainers_at_once_send_each_message_once(smtp_app, mail_server):
    for n in range(5):
        store_with_mails(smtp_app, organisation_name=f"{NAME} {n}")
    barrier = threading.Barrier(2)
    results = []

    def drainer():
        barrier.wait()
        results.append(run_outbox(smtp_app))

    threads = [threading.Thread(target=drainer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent for sent, _ in results) == 10 and sum(failed for _, failed in results) == 0
    received = mail_server.wait_for(10)
    assert len(received) == 10
    assert len({message["Message-ID"] for message in received}) == 10


@pytest.mark.both_databases
def test_a_claimed_message_is_left_alone_by_another_drainer(smtp_app, mail_server):
    store_with_mails(smtp_app)
    now = utcnow()
    with smtp_app.app_context(), db_session(smtp_app) as session:
        row_id = mails(smtp_app)[0].id
        assert outbox.claim(session, row_id, now) is not None
        assert outbox.claim(session, row_id, now) is None
    assert run_outbox(smtp_app, now=now) == (1, 0), "only the unclaimed notice"
    assert run_outbox(smtp_app, now=now + outbox.LEASE) == (1, 0), "a crashed drainer's claim expires"


def add_in_request(app, **overrides) -> int:
    """Store an application inside a request context, as the view does before it sends; its id."""
    with db_session(app) as session:
        item, _created = queue.add_submission(session, submission_data(**overrides), None, mails=build_mails)
        return item.id


def test_send_after_commit_sends_only_the_requests_mails(smtp_app, mail_server):
    store_with_mails(
        smtp_app, organisation_name=f"{NAME} 1"
    )  # an older message of another request stays for `mail send`
    with smtp_app.test_request_context("/aanmelden/", method="POST"):
        item_id = add_in_request(smtp_app, organisation_name=f"{NAME} 2")
        assert outbox.send_after_commit(item_id) == (2, 0)
        assert outbox.send_after_commit(item_id) == (0, 0), "sent once"
    assert [m["Subject"] for m in mail_server.wait_for(2)][1] == f"Nieuwe aanmelding: {NAME} 2"
    assert sum(row.sent_at is None for row in mails(smtp_app)) == 2


@pytest.mark.parametrize("breakage", ["server down", "bad port setting", "database gone"])
def test_send_after_commit_never_raises(smtp_app, mail_server, caplog, breakage):
    mail_server.stop()
    if breakage == "bad port setting":
        smtp_app.config["SMTP_PORT"] = "geen poort"
    with smtp_app.test_request_context("/aanmelden/", method="POST"):
        item_id = add_in_request(smtp_app)
        if breakage == "database gone":
            smtp_app.extensions["formhandler.sessionmaker"] = None
        with caplog.at_level(logging.INFO):
            sent, _failed = outbox.send_after_commit(item_id)
    assert sent == 0
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("formhandler")]
    assert ours, "the failure is logged"
    assert not any(APPLICANT in text for text in ours)


def test_send_after_commit_is_bounded_by_the_timeout_when_the_server_hangs(smtp_app, mail_server):
    mail_server.stop()
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        smtp_app.config.update(SMTP_PORT=silent.getsockname()[1], SMTP_TIMEOUT=1)
        with smtp_app.test_request_context("/aanmelden/", method="POST"):
            item_id = add_in_request(smtp_app)
            started = time.monotonic()
            assert outbox.send_after_commit(item_id) == (0, 2)
            assert time.monotonic() - started < 3, "one timeout for the whole request, not one per message"
    assert [row.attempts for row in mails(smtp_app)] == [1, 1]


def test_send_after_commit_leaves_pending_mail_for_a_later_run(smtp_app, mail_server):
    mail_server.stop()
    with smtp_app.test_request_context("/aanmelden/", method="POST"):
        assert outbox.send_after_commit(add_in_request(smtp_app)) == (0, 2)
    assert [row.attempts for row in mails(smtp_app)] == [1, 1]
    mail_server.start()
    assert run_outbox(smtp_app, now=utcnow() + dt.timedelta(minutes=2)) == (2, 0)
    assert len(mail_server.wait_for(2)) == 2


@pytest.mark.parametrize("inline", [True, False])
def test_send_now_sends_only_with_mail_send_inline(smtp_app, mail_server, inline):
    smtp_app.config["MAIL_SEND_INLINE"] = inline
    with smtp_app.test_request_context("/aanmelden/", method="POST"):
        outbox.send_now(add_in_request(smtp_app))
    assert [row.sent_at is not None for row in mails(smtp_app)] == [inline, inline]
    assert len(mail_server.wait_for(2 if inline else 0, timeout=2 if inline else 0)) == (2 if inline else 0)
