"""`flask privacy` (and `queue purge`): purge closed items after the retention period, export and erase one person."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from formhandler import queue
from formhandler.clock import utcnow
from formhandler.models import Event, Logo, OutboxAttachment, OutboxMessage, SignedAgreement, Submission
from partners.render import render_record
from tests.formhandler.helpers import add_item

pytestmark = pytest.mark.both_databases


def invoke(runner, *args, input=None):
    """Run `flask <args>` and return the result."""
    return runner.invoke(args=[str(a) for a in args], input=input)


def count(session, model) -> int:
    """Rows of `model`; ends the read so SQLite's write lock is free for the next command."""
    session.expire_all()
    number = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return number


def with_mail(session, item, to=None):
    """Queue one outbox mail about `item`."""
    session.add(OutboxMessage(to_addr=to or item.email, subject="Bevestiging", body="Beste", submission_id=item.id))
    session.commit()


def age(session, item, days):
    """Pretend the item's last change was `days` ago."""
    item.updated_at = utcnow() - dt.timedelta(days=days)
    session.commit()


@pytest.fixture
def aged_queue(session):
    """Closed and open items of various ages, each with a mail."""
    names = {}
    for name, state, days in [
        ("oud-afgewezen", "afgewezen", 400),
        ("oud-spam", "spam", 400),
        ("oud-ingetrokken", "ingetrokken", 366),
        ("recent-afgewezen", "afgewezen", 30),
        ("oud-nieuw", "nieuw", 400),
        ("oud-getekend", "getekend", 400),
    ]:
        item = add_item(session, state, "svg", organisation_name=name, email=f"{name}@example.org")
        with_mail(session, item)
        age(session, item, days)
        names[name] = item.id
    return names


def remaining(session) -> list[str]:
    """Names of the items left; ends the read so SQLite's write lock is free for the next command."""
    session.expire_all()
    names = sorted(session.scalars(select(Submission.organisation_name)))
    session.rollback()
    return names


def test_purge_deletes_only_old_closed_items_with_everything_attached(runner, session, aged_queue):
    dry = invoke(runner, "queue", "purge", "--dry-run")
    assert "Zou verwijderen" in dry.stdout and "3 items, 3 logo’s" in dry.stdout
    assert len(remaining(session)) == 6
    result = invoke(runner, "queue", "purge")
    assert result.exit_code == 0 and "Verwijderd" in result.stdout and "3 e-mails" in result.stdout
    assert remaining(session) == ["oud-getekend", "oud-nieuw", "recent-afgewezen"]
    assert count(session, Logo) == 3 and count(session, OutboxMessage) == 3
    assert count(session, Event) == session.scalar(
        select(func.count())
        .select_from(Event)
        .where(Event.submission_id.in_(list(session.scalars(select(Submission.id)))))
    )


def test_privacy_purge_keeps_ninety_days_by_default(runner, session):
    """The default retention is 90 days, measured from an item's last change (a controlled clock)."""
    for name, days in [("afgewezen-91", 91), ("afgewezen-89", 89)]:
        item = add_item(session, "afgewezen", "svg", organisation_name=name, email=f"{name}@example.org")
        age(session, item, days)
    result = invoke(runner, "privacy", "purge")
    assert result.exit_code == 0 and "ouder dan 90 dagen" in result.stdout
    assert remaining(session) == ["afgewezen-89"]


def test_purge_with_a_shorter_period(runner, session, aged_queue):
    assert invoke(runner, "queue", "purge", "--days", "10").exit_code == 0
    assert remaining(session) == ["oud-getekend", "oud-nieuw"]
    bad = invoke(runner, "queue", "purge", "--days", "veel")
    assert bad.exit_code == 1 and "Het aantal dagen moet een geheel getal zijn" in bad.stderr


@pytest.fixture
def person(session, tmp_path):
    """Two items of one address (one published), a stray mail to it, and someone else's item."""
    (tmp_path / "content").mkdir()
    first = add_item(session, organisation_name="Eerste Stichting", email="Piet@Example.org")
    with_mail(session, first)
    published = add_item(session, "getekend", "svg", organisation_name="Tweede Stichting", email="piet@example.org")
    queue.change_state(published, "gepubliceerd", "tester", publishing=True)
    published.published_slug = "tweede-stichting"
    session.add(OutboxMessage(to_addr="Piet <piet@example.org>", subject="Los", body="x"))
    other = add_item(session, "getekend", "svg", organisation_name="Andere Stichting", email="p_et@example.org")
    with_mail(session, other)
    return first, published, other


def test_privacy_export_holds_everything_about_one_address(runner, person):
    first, published, _other = person
    result = invoke(runner, "privacy", "export", "piet@example.org")
    assert result.exit_code == 0 and "persoonsgegevens" in result.stderr
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["submissions"]] == [first.id, published.id]
    assert data["submissions"][0]["history"][0]["to_state"] == "nieuw"
    assert sorted(m["subject"] for m in data["mails"]) == ["Bevestiging", "Los"]
    assert "Andere Stichting" not in result.stdout and "p_et@" not in result.stdout


def test_privacy_erase_asks_first_then_removes_everything(runner, session, person):
    ids = [item.id for item in person[:2]]
    # One of the two items is a current partner: its agreement is kept, so erasing needs --force.
    refused = invoke(runner, "privacy", "erase", "piet@example.org", "--yes")
    assert refused.exit_code == 1 and "Er is niets verwijderd." in refused.stderr
    assert "is partner (partners/tweede-stichting.md)" in refused.stderr and "--force" in refused.stderr
    declined = invoke(runner, "privacy", "erase", "piet@example.org", "--force", input="nee\n")
    assert declined.exit_code == 1 and "er is niets verwijderd" in declined.stderr
    assert len(remaining(session)) == 3
    result = invoke(runner, "privacy", "erase", "PIET@example.org", "--force", input="ja\n")
    assert result.exit_code == 0 and "2 items" in result.stdout and "2 e-mails" in result.stdout
    assert "content/partners/tweede-stichting.md blijft staan" in result.stdout
    assert remaining(session) == ["Andere Stichting"]
    assert [m.to_addr for m in session.scalars(select(OutboxMessage))] == ["p_et@example.org"]
    assert session.scalar(select(func.count()).select_from(Event).where(Event.submission_id.in_(ids))) == 0
    session.rollback()
    nothing = invoke(runner, "privacy", "erase", "piet@example.org", "--yes")
    assert nothing.exit_code == 0 and "niets opgeslagen" in nothing.stdout


# --- signed agreements: kept while the partnership lasts and SIGNED_RETENTION_DAYS after ------------------


def partner_with_agreement(session, slug: str, email: str):
    """A published application with a signed agreement and a mail with an attachment."""
    item = add_item(session, "getekend", organisation_name=slug.title(), email=email)
    queue.change_state(item, "gepubliceerd", "tester", publishing=True)
    item.published_slug = slug
    session.add(SignedAgreement(submission_id=item.id, kind="pdf", pages=1, sha256="0" * 64, data=b"%PDF-getekend"))
    session.add(
        OutboxMessage(
            to_addr=email,
            subject="De partnerovereenkomst",
            body="Zie bijlage",
            submission_id=item.id,
            attachments=[
                OutboxAttachment(filename="partnerovereenkomst.pdf", mimetype="application/pdf", data=b"%PDF")
            ],
        )
    )
    session.commit()
    return item


def write_until(content_dir, slug: str, until: dt.date | None) -> None:
    fields = {"Title": slug.title(), "Slug": slug, "Type": "overheid", "Since": "2020-01-01"}
    if until is not None:
        fields["Until"] = until.isoformat()
    (content_dir / "partners" / f"{slug}.md").write_text(render_record(fields, "Tekst."), encoding="utf-8")


def test_purge_deletes_signed_agreements_only_after_the_partnership_and_its_retention(runner, session, content_dir):
    today = dt.date.today()
    for slug, until in (
        ("lopend", None),
        ("net-gestopt", today - dt.timedelta(days=100)),
        ("lang-weg", today - dt.timedelta(days=800)),
    ):
        write_until(content_dir, slug, until)
        partner_with_agreement(session, slug, f"{slug}@example.org")
    dry = invoke(runner, "privacy", "purge", "--dry-run")
    assert (
        "Zou verwijderen (getekende overeenkomsten van partnerschappen die meer dan 730 dagen geleden "
        "eindigden): 1 getekende overeenkomst." in dry.stdout
    )
    assert count(session, SignedAgreement) == 3
    assert invoke(runner, "privacy", "purge").exit_code == 0
    session.expire_all()
    kept = session.scalars(
        select(Submission.published_slug).join(SignedAgreement, SignedAgreement.submission_id == Submission.id)
    ).all()
    assert sorted(kept) == ["lopend", "net-gestopt"]
    gone = session.scalar(select(Submission).where(Submission.published_slug == "lang-weg"))
    assert "Getekende overeenkomst verwijderd, 730 dagen na het einde van het partnerschap" in gone.events[-1].note
    session.rollback()


def test_export_lists_and_includes_the_documents(runner, session, content_dir):
    partner_with_agreement(session, "lopend", "lopend@example.org")
    data = json.loads(invoke(runner, "privacy", "export", "lopend@example.org").stdout)
    (signed,) = data["signed_agreements"]
    assert signed["type"] == "pdf" and base64.b64decode(signed["base64"]) == b"%PDF-getekend"
    (attachment,) = data["mails"][-1]["attachments"]
    assert attachment["filename"] == "partnerovereenkomst.pdf" and attachment["bytes"] == 4


def test_erase_of_a_former_partner_after_the_retention_needs_no_force(runner, session, content_dir):
    write_until(content_dir, "lang-weg", dt.date.today() - dt.timedelta(days=800))
    partner_with_agreement(session, "lang-weg", "weg@example.org")
    result = invoke(runner, "privacy", "erase", "weg@example.org", "--yes")
    assert result.exit_code == 0 and "1 item" in result.stdout and "1 getekende overeenkomst" in result.stdout
    assert count(session, SignedAgreement) == 0 and count(session, OutboxAttachment) == 0
