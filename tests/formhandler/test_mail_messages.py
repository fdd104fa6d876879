"""The applicant's message at each step: Dutch defaults, the status link added at sending, the draft checks."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from formhandler.kinds import APPLICATION, CHANGE
from formhandler.mail.backends import logger as mail_logger
from formhandler.mail.messages import DEFAULTS, Draft, check_draft, default_message, flow, status_footer
from formhandler.mail.outbox import send_pending
from formhandler.models import OutboxMessage, StatusToken
from formhandler.tokens import token_hash
from tests.formhandler.helpers import CONTACT, add_item

# English words and glued plurals a Dutch reader should never meet.
NOT_DUTCH = re.compile(r"\b(the|and|your|please|status page|link here)\b|\((s|en|'s)\)", re.IGNORECASE)


@pytest.mark.parametrize("kind, state", sorted(DEFAULTS))
def test_every_default_message_is_dutch_polite_and_names_the_item(app, session, kind, state):
    item = add_item(session, kind=kind, target_slug="stichting-oude-naam", requested={"Summary": "Nieuw."})
    with app.app_context():
        draft = default_message(item, state, "stichting-gezonde-wijk")
    assert draft is not None
    text = draft.subject + "\n" + draft.body
    assert NOT_DUTCH.search(text) is None, NOT_DUTCH.search(text)
    assert "Goedendag," in draft.body and "Het Alliantiebureau van de Alliantie Nederland Rookvrij!" in draft.body
    assert " je " not in text and " jij " not in text  # one voice: 'u'
    assert "'" not in text  # curly quotes only
    assert f"nummer {item.id}" in text or state == "gepubliceerd"
    for personal in (CONTACT["contact_name"], CONTACT["phone"]):
        assert personal not in text


@pytest.mark.parametrize("kind, state", [(APPLICATION, "nieuw"), (APPLICATION, "spam"), (CHANGE, "in_behandeling")])
def test_steps_without_a_default_send_nothing(app, session, kind, state):
    item = add_item(session, kind=kind)
    with app.app_context():
        assert default_message(item, state) is None


def test_the_welcome_explains_the_badge_and_what_partners_get(make_app, session):
    app = make_app(PUBLIC_URL="https://partners.example.org/")
    item = add_item(session, organisation_type="bedrijf")
    with app.app_context():
        body = default_message(item, "gepubliceerd", "stichting-gezonde-wijk").body
    assert "https://partners.example.org/partners/stichting-gezonde-wijk/" in body
    for promise in (
        "Alliantieraad",
        "digitale nieuwsbrief",
        "Uitnodigingen",
        "huisstijlelementen",
        "rookvrije generatie",
    ):
        assert promise in body
    assert "Partnerbadge voor uw website" in body and "‘status aparte’" in body


def test_the_status_link_is_minted_at_sending_and_only_its_hash_is_kept(make_app, session):
    app = make_app(PUBLIC_URL="https://partners.example.org")
    item = add_item(session)
    row = OutboxMessage(to_addr=item.email, subject="s", body="b", submission_id=item.id, status_link=True)
    with app.app_context():
        footer = status_footer(session, row, app.config)
        found = re.search(r"https://partners\.example\.org/aanmelden/status/\?code=([A-Za-z0-9_-]{43})\n", footer)
        assert found is not None, footer
        token = found[1]
    hashes = session.scalars(select(StatusToken.token_hash)).all()
    assert hashes == [token_hash(token)] and token not in hashes
    bare = OutboxMessage(to_addr="bureau@example.org", subject="s", body="b", submission_id=item.id)
    assert status_footer(session, bare, app.config) == ""


@pytest.mark.parametrize(
    "subject, body, result",
    [
        ("Onderwerp", "Tekst\r\nregel 2  ", Draft("Onderwerp", "Tekst\nregel 2\n")),
        ("Twee\nregels", "Tekst", Draft("Twee regels", "Tekst\n")),
        ("", "Tekst", "Het onderwerp van het bericht is leeg."),
        ("x" * 201, "Tekst", "Het onderwerp is te lang: hoogstens 200 tekens."),
        ("Onderwerp", "   ", "Het bericht is leeg."),
        ("Onderwerp", "x" * 20_001, "Het bericht is te lang: hoogstens 20000 tekens."),
    ],
)
def test_check_draft(subject, body, result):
    draft, reason = check_draft(subject, body)
    if isinstance(result, Draft):
        assert (draft, reason) == (result, "")
    else:
        assert draft is None and reason.startswith(result)


@pytest.mark.parametrize("development, shown", [(True, True), (False, False)])
def test_the_log_backend_shows_a_working_link_only_in_development(make_app, session, caplog, development, shown):
    app = make_app(DEVELOPMENT=development, PUBLIC_URL="http://127.0.0.1:8000")
    item = add_item(session)
    session.add(OutboxMessage(to_addr=item.email, subject="s", body="b\n", submission_id=item.id, status_link=True))
    session.commit()
    caplog.set_level("INFO", logger="formhandler.mail")
    # In development the mail logger prints to the terminal and does not propagate: listen on it directly.
    mail_logger.addHandler(caplog.handler)
    try:
        with app.app_context():
            assert send_pending(session) == (1, 0)
    finally:
        mail_logger.removeHandler(caplog.handler)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert bool(re.search(r"http://127\.0\.0\.1:8000/aanmelden/status/\?code=[A-Za-z0-9_-]{43}", logged)) is shown
    assert ("code=" in logged) is shown  # outside development the log holds only the message's number


def test_paragraphs_flow_on_one_line_and_lists_and_links_keep_theirs():
    text = "Goedendag,\n\nEen zin die\ndoorloopt.\nWat nu?\n1. Eerst\n   verder.\n- Lijst\nhttps://x.example/\n"
    assert flow(text) == "Goedendag,\n\nEen zin die doorloopt. Wat nu?\n1. Eerst verder.\n- Lijst\nhttps://x.example/\n"
