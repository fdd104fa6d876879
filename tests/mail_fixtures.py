"""A real SMTP server on loopback (aiosmtpd) that records what it receives, and queue items with their
mails; import what you need.

    from tests.mail_fixtures import mail_server, smtp_settings  # noqa: F401

    @pytest.fixture
    def app_config(app_config, mail_server):
        return {**app_config, **smtp_settings(mail_server)}
"""

from __future__ import annotations

import email
import email.policy
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from formhandler import mail_texts, queue
from formhandler.models import OutboxMessage
from tests.pg import free_port


class _Recorder:
    """aiosmtpd handler: keeps every accepted envelope."""

    def __init__(self):
        self.envelopes = []
        self.refused: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:  # the way real servers answer: the address in the reply
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class MailServer:
    """An SMTP server on 127.0.0.1:`port` that can be stopped and started again on the same port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.recorder = _Recorder()
        self.controller: Controller | None = None

    def start(self) -> MailServer:
        if self.controller is None:
            self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
            self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def refuse(self, address: str) -> None:
        """Answer 550 to RCPT TO this address from now on."""
        self.recorder.refused.add(address)

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        """Every received message, parsed, oldest first."""
        with self.recorder.lock:
            envelopes = list(self.recorder.envelopes)
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in envelopes]

    @property
    def recipients(self) -> list[str]:
        """Envelope recipients of every received message, in order."""
        with self.recorder.lock:
            return [rcpt for e in self.recorder.envelopes for rcpt in e.rcpt_tos]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[email.message.EmailMessage]:
        """The received messages once there are at least `count` (or whatever arrived by `timeout`)."""
        end = time.monotonic() + timeout
        while len(self.recorder.envelopes) < count and time.monotonic() < end:
            time.sleep(0.02)
        return self.messages


@pytest.fixture
def mail_server():
    """A running SMTP server on a free loopback port; stop() it to simulate a server that is down."""
    server = MailServer().start()
    yield server
    server.stop()


def smtp_settings(server: MailServer) -> dict:
    """App settings that send mail over SMTP to `server`."""
    return {
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": server.port,
        "SMTP_TIMEOUT": 5,
        "MAIL_FROM": "Alliantie Nederland Rookvrij! <noreply@example.org>",
    }


# --- queue items with their mails -----------------------------------------------------------

APPLICANT = "j.jansen@voorbeeld.nl"
PHONE = "0612345678"
MOTIVATION = "Wij willen graag bijdragen aan een rookvrije generatie."


def submission_data(n: int = 0, **overrides) -> dict:
    """A valid value for every required Submission column (plus the optional personal ones)."""
    data = dict(
        organisation_name=f"Stichting Rookvrij Voorbeeld {n}",
        organisation_type="maatschappelijke-organisatie",
        website="https://www.voorbeeld.nl",
        city="Utrecht",
        contact_name="Jan Jansen",
        contact_role="Directeur",
        email=APPLICANT,
        phone=PHONE,
        offers_stop_support=False,
        criteria=["missie", "bijdrage"],
        criteria_hash="a" * 64,
        contributions=["kennis"],
        contribution_text="Wij delen kennis.",
        motivation=MOTIVATION,
    )
    return {**data, **overrides}


def session_of(app):
    return app.extensions["formhandler.sessionmaker"]()


def submit(app, n: int = 0, **overrides) -> int:
    """Store one submission with its mails, as the registration view does; its id."""
    with app.app_context(), session_of(app) as session:
        item, created = queue.add_submission(
            session, submission_data(n, **overrides), None, mails=mail_texts.build_mails
        )
        assert created
        return item.id


def outbox(app) -> list[OutboxMessage]:
    with session_of(app) as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
