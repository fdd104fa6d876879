"""The announcement for the newsletter: partners published since a Dutch date, counted and listed, departures apart."""

from __future__ import annotations

import datetime as dt

import pytest

from formhandler import publishing
from formhandler.publishing.announcement import announcement
from tests.formhandler.helpers import add_item

NOW = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC)

pytestmark = pytest.mark.both_databases


def test_announcement_lists_partners_published_since_the_date(session, bare_content):
    early = add_item(session, "getekend", organisation_name="Gemeente Vroeg", organisation_type="overheid", website="")
    publishing.publish(session, early, bare_content, "redacteur", NOW - dt.timedelta(days=30))
    publishing.publish(
        session, add_item(session, "getekend", organisation_type="bedrijf"), bare_content, "redacteur", NOW
    )
    add_item(session, "stukken_verstuurd", organisation_name="Nog Niet Getekend")
    text = announcement(session, dt.date(2026, 11, 1))
    assert text == (
        "# Nieuwe partners sinds 1 november 2026\n\n"
        "Sinds 1 november 2026 is 1 organisatie partner geworden van de Alliantie Nederland Rookvrij!\n\n"
        "- **Stichting Gezonde Wijk** (Bedrijf (status aparte)), partner sinds 20 november 2026: "
        "<https://www.gezondewijk.example.nl>\n"
    )
    both = announcement(session, dt.date(2026, 10, 1))
    assert "2 organisaties" in both and "- **Gemeente Vroeg** (Overheid), partner sinds 21 oktober 2026\n" in both


@pytest.mark.parametrize(
    "published_at, listed",
    [
        (dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC), True),  # 00:30 on 1 November in the Netherlands
        (dt.datetime(2026, 10, 31, 22, 30, tzinfo=dt.UTC), False),  # 23:30 on 31 October
    ],
)
def test_the_date_is_a_dutch_calendar_day(session, bare_content, published_at, listed):
    publishing.publish(session, add_item(session, "getekend"), bare_content, "redacteur", published_at)
    text = announcement(session, dt.date(2026, 11, 1))
    assert ("partner sinds 1 november 2026" in text) is listed


def test_announcement_without_new_partners_says_so(session):
    assert announcement(session, dt.date(2026, 1, 1)) == (
        "# Nieuwe partners sinds 1 januari 2026\n\nEr zijn in deze periode geen nieuwe partners gepubliceerd.\n"
    )


def test_announcement_names_the_partner_as_published(session, bare_content):
    item = add_item(session, "getekend")
    item.record_edits = {"Title": "Gezonde Wijk Utrecht", "Website": "https://www.gezondewijkutrecht.example.nl"}
    session.commit()
    publishing.publish(session, item, bare_content, "redacteur", NOW)
    text = announcement(session, dt.date(2026, 11, 1))
    assert "- **Gezonde Wijk Utrecht** (Maatschappelijke organisatie), partner sinds 20 november 2026: " in text
    assert "<https://www.gezondewijkutrecht.example.nl>" in text and "Stichting Gezonde Wijk" not in text
