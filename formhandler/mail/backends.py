"""How an outbox row leaves: the message built from it, and the backends that deliver it (log or SMTP)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from ..log_escape import MULTILINE
from ..models import OutboxMessage
from .texts import one_line

# One logger for all of the outbox: "formhandler.mail", where development mail is written.
logger = logging.getLogger("formhandler.mail")

ERROR_MAX = 200
_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")
Config = Mapping[str, Any]


class Unreachable(Exception):
    """The mail server cannot be reached: every further message of this run is deferred."""


def scrub(error: BaseException | str) -> str:
    """A short error text without mail addresses, safe for the database and the log."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return _ADDRESS.sub("<adres>", " ".join(text.split()))[:ERROR_MAX]


def message_id(row: OutboxMessage, config: Config) -> str:
    """Message-ID from the row id and creation time, so a re-send after a crash is the same message."""
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{row.id}.{int(row.created_at.timestamp())}@{domain}>"


def to_email(row: OutboxMessage, config: Config, footer: str = "") -> EmailMessage:
    """A UTF-8 EmailMessage for an outbox row, with the footer made at sending and the row's attachments."""
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = row.to_addr
    message["Subject"] = one_line(row.subject)
    message["Date"] = format_datetime(row.created_at.astimezone(dt.UTC))
    message["Message-ID"] = message_id(row, config)
    message.set_content(row.body + footer, charset="utf-8")
    for attachment in row.attachments:
        maintype, _, subtype = attachment.mimetype.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


class LogBackend:
    """DEVELOPMENT ONLY: writes each mail, addresses included, to the log `formhandler.mail` at INFO."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def send(self, row: OutboxMessage, footer: str = "") -> None:
        """Write the mail's headers, body and attachment names to the log; outside development only its number."""
        if not self.config["DEVELOPMENT"]:
            # A production log must never hold an address or a message's text.
            logger.info("Mail %s niet verstuurd: MAIL_BACKEND=log (alleen voor ontwikkeling).", row.id)
            return
        message = to_email(row, self.config, footer)
        headers = "".join(
            f"{name}: {value}\n" for name, value in message.items() if name in ("From", "To", "Subject", "Message-ID")
        )
        body = row.body + footer
        files = "".join(f"\nBijlage: {a.filename} ({len(a.data)} bytes)" for a in row.attachments)
        # Development only: the mail's own line breaks are kept, every other control character is escaped.
        logger.info("Mail (ontwikkelmodus, niet verstuurd):\n%s\n%s%s", headers, body, files, extra={MULTILINE: True})

    def close(self) -> None:
        """Nothing to close."""


class SmtpBackend:
    """Production: one SMTP connection per run, opened on the first message."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        try:
            smtp = smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=float(config["SMTP_TIMEOUT"]))
            if config["SMTP_STARTTLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        except (OSError, smtplib.SMTPException) as exc:
            raise Unreachable(scrub(exc)) from exc
        return smtp

    def send(self, row: OutboxMessage, footer: str = "") -> None:
        """Send one message over the run's connection."""
        if self.smtp is None:
            self.smtp = self._connect()
        sender = parseaddr(self.config["MAIL_FROM"])[1]
        try:
            self.smtp.send_message(to_email(row, self.config, footer), from_addr=sender, to_addrs=[row.to_addr])
        except smtplib.SMTPServerDisconnected as exc:
            self.smtp = None  # the connection is gone; a later run reconnects
            raise Unreachable(scrub(exc)) from exc
        except smtplib.SMTPException:  # (an OSError too) refused recipient or data: this message only
            raise
        except OSError as exc:  # timeout or reset: the server, not the message
            self.smtp = None
            raise Unreachable(scrub(exc)) from exc

    def close(self) -> None:
        """Say goodbye to the server, if a connection was opened."""
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


BACKENDS: dict[str, type[LogBackend] | type[SmtpBackend]] = {"log": LogBackend, "smtp": SmtpBackend}
