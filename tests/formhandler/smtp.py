"""A real SMTP server on loopback (aiosmtpd) that records what it receives; it can be stopped and started again."""

from __future__ import annotations

import email
import email.message
import email.policy
import threading
import time
from typing import Any

from aiosmtpd.controller import Controller

from tests.pg import free_port


class _Recorder:
    """aiosmtpd handler: keeps every accepted envelope."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.refused: set[str] = set()
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:  # the way real servers answer: the address in the reply
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.envelopes.append(envelope)
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


class MailServer:
    """An SMTP server on 127.0.0.1:`port`."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.recorder = _Recorder()
        self.controller: Controller | None = None

    def start(self) -> MailServer:
        """Listen (again) on the same port."""
        if self.controller is None:
            self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
            self.controller.start()
        return self

    def stop(self) -> None:
        """Stop listening: a server that is down."""
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
        deadline = time.monotonic() + timeout
        with self.recorder.arrived:
            while len(self.recorder.envelopes) < count and time.monotonic() < deadline:
                self.recorder.arrived.wait(deadline - time.monotonic())
        return self.messages
