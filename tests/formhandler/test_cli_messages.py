"""`queue set` and `queue publish` with the applicant's message: the default, --message-file, or --no-mail."""

from __future__ import annotations

import pytest

from formhandler.models import OutboxMessage
from tests.formhandler.helpers import add_item, rows


def invoke(runner, *args, input=None):
    """Run `flask <args>` and return the result."""
    return runner.invoke(args=[str(a) for a in args], input=input)


def applicant_mails(app) -> list[OutboxMessage]:
    return [m for m in rows(app, OutboxMessage) if m.to_addr == "jan.geheim@example.org"]


def test_set_sends_the_default_message_with_the_agreement(app, runner, session):
    item = add_item(session, state="in_behandeling")
    result = invoke(runner, "queue", "set", item.id, "stukken_verstuurd")
    assert result.exit_code == 0, result.output
    assert "Het bericht ‘De partnerovereenkomst voor Stichting Gezonde Wijk’ aan de aanvrager" in result.stdout
    assert "(met 1 bijlage)" in result.stdout
    (mail,) = applicant_mails(app)
    assert [a.filename for a in mail.attachments] == [f"partnerovereenkomst-{item.id}.pdf"]


def test_no_mail_moves_without_a_message(app, runner, session):
    item = add_item(session)
    result = invoke(runner, "queue", "set", item.id, "afgewezen", "--no-mail")
    assert result.exit_code == 0 and "Er gaat geen bericht naar de aanvrager." in result.stdout
    assert applicant_mails(app) == []


@pytest.mark.parametrize(
    "text, subject, body",
    [
        (
            "Onderwerp: Even bellen?\n\nBeste Jan,\nWanneer kan ik u bellen?\n",
            "Even bellen?",
            "Beste Jan,\nWanneer kan ik u bellen?\n",
        ),
        ("Alleen een tekst.\n", "Uw aanmelding is in behandeling (nummer 1)", "Alleen een tekst.\n"),
    ],
)
def test_a_message_file_replaces_the_default(app, runner, session, tmp_path, text, subject, body):
    add_item(session)
    message = tmp_path / "bericht.txt"
    message.write_text(text, encoding="utf-8")
    result = invoke(runner, "queue", "set", 1, "in_behandeling", "--message-file", message)
    assert result.exit_code == 0, result.output
    (mail,) = applicant_mails(app)
    assert (mail.subject, mail.body) == (subject, body)


@pytest.mark.parametrize(
    "args, message",
    [
        (["spam", "--message-file", "-"], "Bij de stap naar ‘spam’ gaat er geen bericht naar de aanvrager"),
        (["afgewezen", "--no-mail", "--message-file", "-"], "--message-file en --no-mail gaan niet samen"),
    ],
)
def test_a_message_that_cannot_go_is_refused_and_nothing_changes(app, runner, session, args, message):
    add_item(session)
    result = invoke(runner, "queue", "set", 1, *args, input="Onderwerp: x\n\ny\n")
    assert result.exit_code == 1 and message in result.stderr
    assert [m.subject for m in applicant_mails(app)] == []


def test_publish_sends_the_welcome_after_writing(app, runner, session, content_dir):
    add_item(session, state="getekend", logo="svg")
    result = invoke(runner, "queue", "publish", 1)
    assert result.exit_code == 0, result.output
    assert "gepubliceerd. Het bericht aan de aanvrager staat in de uitgaande post." in result.stdout
    (welcome,) = applicant_mails(app)
    assert welcome.subject == "Welkom als partner van de Alliantie Nederland Rookvrij!"
    assert "/partners/stichting-gezonde-wijk/" in welcome.body


def test_a_refused_publish_sends_nothing(app, runner, session, content_dir):
    add_item(session, state="getekend")
    (content_dir / "partners" / "stichting-gezonde-wijk.md").write_text("Van de redacteur.\n")
    result = invoke(runner, "queue", "publish", 1)
    assert result.exit_code == 1 and "bestaat al" in result.stderr
    assert applicant_mails(app) == []
