"""The applicant's message on the command line: the default text, or one from a file, or none."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from .. import publishing
from ..kinds import CHANGE
from ..mail.messages import Draft, check_draft, default_message
from ..models import OutboxMessage, Submission
from .common import fail

MESSAGE_FILE_HELP = (
    "Een eigen bericht in plaats van de standaardtekst: UTF-8, de eerste regel 'Onderwerp: …', "
    "dan een lege regel en de tekst ('-' leest van standaardinvoer)."
)
SUBJECT = "Onderwerp:"


def read_message_file(stream: TextIO, default_subject: str) -> tuple[str, str]:
    """(subject, body) from a message file; without an 'Onderwerp:' line the default subject stays."""
    text = stream.read().replace("\r\n", "\n")
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith(SUBJECT.lower()):
        return first.strip()[len(SUBJECT) :].strip(), rest.lstrip("\n")
    return default_subject, text


def step_message(item: Submission, state: str, send: bool, message_file: TextIO | None, slug: str = "") -> Draft | None:
    """The message `queue set` or `queue publish` sends, or None; a Dutch failure for a file that cannot go."""
    default = default_message(item, state, slug)
    if message_file is not None and not send:
        fail("--message-file en --no-mail gaan niet samen: kies een eigen bericht of geen bericht.")
    if not send or default is None:
        if message_file is not None:
            fail(f"Bij de stap naar ‘{state}’ gaat er geen bericht naar de aanvrager; laat --message-file weg.")
        return None
    if message_file is None:
        return default
    subject, body = read_message_file(message_file, default.subject)
    draft, reason = check_draft(subject, body)
    if draft is None:
        fail(f"{reason} Er is niets gewijzigd.")
    return draft


def mail_report(message: OutboxMessage | None) -> str:
    """' Het bericht … staat in de uitgaande post.' or a note that none goes out."""
    if message is None:
        return " Er gaat geen bericht naar de aanvrager."
    files = len(message.attachments)
    attached = "" if not files else f" (met {files} {'bijlage' if files == 1 else 'bijlagen'})"
    return f" Het bericht ‘{message.subject}’ aan de aanvrager staat in de uitgaande post{attached}."


def expected_slug(item: Submission, content_dir: Path) -> str:
    """The slug the partner page will have, for the link in the welcome message ('' when it cannot be known)."""
    if item.kind == CHANGE:
        return item.target_slug
    try:
        return publishing.render(item, content_dir).slug
    except publishing.PublishError:
        return ""  # publishing will refuse with the same reason
