"""How long a signed agreement is kept: the partnership's end from the queue or the record, and the statement."""

from __future__ import annotations

import datetime as dt

from formhandler import queue, retention
from formhandler.config import default_config
from formhandler.kinds import CHANGE
from partners.render import render_record
from tests.conftest import ROOT
from tests.formhandler.helpers import add_item

TODAY = dt.date(2026, 11, 28)


def published(session, slug: str = "gemeente-oud"):
    item = add_item(session, "getekend", organisation_name="Gemeente Oud")
    queue.change_state(item, "gepubliceerd", "tester", publishing=True)
    item.published_slug = slug
    session.commit()
    return item


def test_the_end_comes_from_a_published_departure_or_else_the_records_until(session, content_dir):
    item = published(session)
    assert retention.partnership_end(session, item, content_dir) is None  # no record: it runs
    fields = {"Title": "Gemeente Oud", "Slug": "gemeente-oud", "Type": "overheid", "Since": "2020-01-01"}
    (content_dir / "partners" / "gemeente-oud.md").write_text(render_record({**fields, "Until": "2025-06-30"}, "x"))
    assert retention.partnership_end(session, item, content_dir) == dt.date(2025, 6, 30)
    departure = add_item(session, kind=CHANGE, target_slug="gemeente-oud", end_date=dt.date(2025, 12, 31))
    departure.state = "gepubliceerd"
    session.commit()
    assert retention.partnership_end(session, item, content_dir) == dt.date(2025, 12, 31)


def test_kept_during_the_partnership_and_the_days_after(session, content_dir):
    item = published(session)
    fields = {"Title": "Gemeente Oud", "Slug": "gemeente-oud", "Type": "overheid", "Since": "2020-01-01"}
    (content_dir / "partners" / "gemeente-oud.md").write_text(render_record({**fields, "Until": "2026-01-01"}, "x"))
    assert retention.keeps_agreement(session, item, content_dir, 365, TODAY)
    assert not retention.keeps_agreement(session, item, content_dir, 300, TODAY)
    assert "eindigde op 2026-01-01" in retention.why_kept(session, item, content_dir, 365, TODAY)
    assert retention.why_kept(session, item, content_dir, 300, TODAY) == ""
    rejected = add_item(session, "afgewezen")
    assert not retention.keeps_agreement(session, rejected, content_dir, 365, TODAY)


def test_the_privacy_statement_says_what_the_defaults_do():
    statement = (ROOT / "content" / "pages" / "privacy.md").read_text(encoding="utf-8")
    defaults = default_config("instance")
    assert (
        defaults["SIGNED_RETENTION_DAYS"] == 730
        and "zolang het partnerschap duurt, en daarna nog twee jaar" in statement
    )
    assert defaults["STATUS_LINK_DAYS"] == 30 and "Dertig dagen nadat uw aanmelding is afgerond" in statement
    assert defaults["RETENTION_DAYS"] == 90 and "negentig dagen na de laatste wijziging" in statement
