"""Mail through a durable outbox: rows written with the submission, sent after commit, retried with backoff.

A message is marked sent only after the backend accepted it; a crash between acceptance and the
mark means one re-send after the claim lease, recognisable by its stable Message-ID.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
import ssl
import time
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .db import UNAVAILABLE_ERRORS
from .mail_texts import one_line
from .models import OutboxMessage, utcnow

logger = logging.getLogger(__name__)
# partners imports Pelican, whose logger class silently drops a message seen before; keep every one.
for _filter in list(logger.filters):
    logger.removeFilter(_filter)

BACKOFF_CAP = dt.timedelta(hours=1)
# A claimed row is left alone by other drainers this long; beyond it a crashed drainer's row is retried.
LEASE = dt.timedelta(minutes=10)
ERROR_MAX = 200
_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


class Unreachable(Exception):
    """The mail server cannot be reached: every further message of this run is deferred."""


def scrub(error: BaseException | str) -> str:
    """A short error text without mail addresses, safe for the database and the log."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return _ADDRESS.sub("<adres>", " ".join(text.split()))[:ERROR_MAX]


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: 1, 2, 4 … minutes, at most an hour."""
    return min(dt.timedelta(minutes=2 ** min(max(attempts - 1, 0), 10)), BACKOFF_CAP)


def message_id(row: OutboxMessage, config) -> str:
    """Message-ID from the row id and creation time, so a re-send after a crash is the same message."""
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{row.id}.{int(_utc(row.created_at).timestamp())}@{domain}>"


def to_email(row: OutboxMessage, config) -> EmailMessage:
    """A UTF-8 EmailMessage for an outbox row."""
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = row.to_addr
    message["Subject"] = one_line(row.subject)
    message["Date"] = format_datetime(_utc(row.created_at))
    message["Message-ID"] = message_id(row, config)
    message.set_content(row.body, charset="utf-8")
    return message


class LogBackend:
    """DEVELOPMENT ONLY: writes each mail, addresses included, to the log `formhandler.mail` at INFO."""

    def __init__(self, config):
        self.config = config

    def send(self, row: OutboxMessage) -> None:
        message = to_email(row, self.config)
        headers = "".join(
            f"{name}: {value}\n" for name, value in message.items() if name in ("From", "To", "Subject", "Message-ID")
        )
        logger.info("Mail (ontwikkelmodus, niet verstuurd):\n%s\n%s", headers, row.body)

    def close(self) -> None:
        pass


class SmtpBackend:
    """Production: one SMTP connection per run, opened on the first message."""

    def __init__(self, config):
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

    def send(self, row: OutboxMessage) -> None:
        if self.smtp is None:
            self.smtp = self._connect()
        sender = parseaddr(self.config["MAIL_FROM"])[1]
        try:
            self.smtp.send_message(to_email(row, self.config), from_addr=sender, to_addrs=[row.to_addr])
        except smtplib.SMTPServerDisconnected as exc:
            self.smtp = None  # the connection is gone; a later run reconnects
            raise Unreachable(scrub(exc)) from exc
        except smtplib.SMTPException:  # (an OSError too) refused recipient or data: this message only
            raise
        except OSError as exc:  # timeout or reset: the server, not the message
            self.smtp = None
            raise Unreachable(scrub(exc)) from exc

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


BACKENDS = {"log": LogBackend, "smtp": SmtpBackend}


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _claim(session: Session, row_id: int, now: dt.datetime, lease: dt.timedelta = LEASE) -> OutboxMessage | None:
    """Take one due row for this drainer, or None when another drainer has it or it is sent."""
    claimed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
        .values(next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    ).rowcount
    row = session.get(OutboxMessage, row_id, populate_existing=True) if claimed == 1 else None
    session.commit()  # no transaction stays open while we talk to the mail server
    return row


def _record(session: Session, row: OutboxMessage, now: dt.datetime, error: str | None) -> None:
    if error is None:
        values = dict(sent_at=now, last_error="")
    else:
        attempts = row.attempts + 1
        values = dict(attempts=attempts, last_error=error, next_attempt_at=now + backoff(attempts))
        logger.warning("Mail %s niet verstuurd (poging %s): %s", row.id, attempts, error)
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def send_pending(
    session: Session,
    now: dt.datetime | None = None,
    limit: int = 100,
    *,
    submission_id: int | None = None,
    deadline: float | None = None,
) -> tuple[int, int]:
    """Send due unsent messages (optionally only one submission's) until `deadline` (monotonic); (sent, failed)."""
    now = _utc(now or utcnow())
    query = select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
    if submission_id is not None:
        query = query.where(OutboxMessage.submission_id == submission_id)
    due = list(session.scalars(query.order_by(OutboxMessage.id).limit(limit)))
    session.commit()
    config = current_app.config
    backend = BACKENDS[config["MAIL_BACKEND"]](config)
    # The lease must outlast one slow send, or a second drainer could take the row meanwhile.
    lease = max(LEASE, dt.timedelta(seconds=10 * float(config["SMTP_TIMEOUT"])))
    sent = failed = 0
    down: str | None = None
    try:
        for row_id in due:
            if down is None and deadline is not None and time.monotonic() > deadline:
                break  # out of time; once the server is known down, deferring the rest costs nothing
            row = _claim(session, row_id, now, lease)
            if row is None:
                continue
            error = down
            if error is None:
                try:
                    backend.send(row)
                except Unreachable as exc:
                    error = down = str(exc)  # defer the rest of this run without waiting again
                except Exception as exc:  # refused recipient, bad data or setting: this message only
                    error = scrub(exc)
            _record(session, row, now, error)
            sent, failed = sent + (error is None), failed + (error is not None)
    finally:
        backend.close()
    return sent, failed


def send_after_commit(submission_id: int) -> tuple[int, int]:
    """Best effort: send a just-stored submission's mail now; never raises, bounded by SMTP_TIMEOUT."""
    try:
        deadline = time.monotonic() + float(current_app.config["SMTP_TIMEOUT"])
        # A session of its own: the caller's session and transaction stay untouched.
        with current_app.extensions["formhandler.sessionmaker"]() as session:
            return send_pending(session, submission_id=submission_id, deadline=deadline)
    except Exception as exc:  # the submission is safe in the outbox; `mail send` retries
        logger.error("Mail na opslaan niet verstuurd; blijft in de wachtrij: %s", scrub(exc))
        return 0, 0


def send_now(submission_id: int) -> None:
    """With MAIL_SEND_INLINE, send a just-stored item's mail right away; otherwise the outbox timer does.

    Inline sending costs more than half of a submission's CPU (several fsync'd commits and the
    SMTP round trip), so production leaves it to `flask --app formhandler mail send` every minute.
    """
    if current_app.config["MAIL_SEND_INLINE"]:
        send_after_commit(submission_id)  # never raises: the item is stored, the outbox retries


def status(session: Session) -> dict[str, int]:
    """Counts: waiting, sent, waiting after at least one failed attempt."""
    pending = OutboxMessage.sent_at.is_(None)
    count = select(func.count()).select_from(OutboxMessage)
    return {
        "wachtend": session.scalar(count.where(pending)),
        "verstuurd": session.scalar(count.where(OutboxMessage.sent_at.is_not(None))),
        "mislukt": session.scalar(count.where(pending, OutboxMessage.attempts > 0)),
    }


mail_cli = AppGroup("mail", help="De uitgaande post: wachtende mail versturen, aantallen tonen.")


@mail_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="Hoogstens zoveel berichten per keer.")
def send_command(limit: int):
    """Verstuur elk wachtend bericht dat aan de beurt is (elke minuut, vanuit cron of een systemd-timer)."""
    try:
        with current_app.extensions["formhandler.sessionmaker"]() as session:
            sent, failed = send_pending(session, limit=limit)
    except UNAVAILABLE_ERRORS as exc:
        raise click.ClickException(f"De database is niet bereikbaar; er is niets verstuurd. ({scrub(exc)})") from exc
    click.echo(f"{sent} verstuurd, {failed} mislukt")


@mail_cli.command("status")
def status_command():
    """Toon hoeveel berichten wachten, verstuurd zijn of wachten na een mislukte poging."""
    with current_app.extensions["formhandler.sessionmaker"]() as session:
        counts = status(session)
    click.echo(
        f"wachtend: {counts['wachtend']}, verstuurd: {counts['verstuurd']}, met mislukte pogingen: {counts['mislukt']}"
    )


def init_app(app) -> None:
    """Check the backend setting and register the `mail` commands."""
    from . import ConfigError

    if app.config["MAIL_BACKEND"] not in BACKENDS:
        raise ConfigError(f"MAIL_BACKEND moet een van {sorted(BACKENDS)} zijn, niet {app.config['MAIL_BACKEND']!r}.")
    if app.config["MAIL_BACKEND"] == "log" and not (app.config["DEVELOPMENT"] or app.testing):
        logger.warning(
            "MAIL_BACKEND=log: mail wordt alleen in het log geschreven en niet verstuurd "
            "(alleen voor ontwikkeling); zet FORMHANDLER_MAIL_BACKEND=smtp."
        )
    app.cli.add_command(mail_cli)
