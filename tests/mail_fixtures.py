"""A real SMTP server on loopback (aiosmtpd) that records what it receives; import the fixtures you need.

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
    return {"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.port, "SMTP_TIMEOUT": 5,
            "MAIL_FROM": "Alliantie Nederland Rookvrij! <noreply@example.org>"}
