"""The Atom feeds of new and departed partners, the sitemap and robots.txt."""

import datetime as dt
import xml.etree.ElementTree as ET

from partners.plugin.feeds import FEED_LIMIT, write_feeds, write_robots, write_sitemap
from partners.schema import Record

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = dt.date(2026, 11, 28)


def record(number: int, until: dt.date | None = None) -> Record:
    since = dt.date(2014, 1, 1) + dt.timedelta(days=30 * number)
    return Record(title=f"Partner {number}", slug=f"partner-{number}", type="overheid", since=since, until=until)


def text_of(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    assert found is not None and found.text is not None, f"<{tag}> missing or empty"
    return found.text


def entries(path) -> list[tuple[str, str]]:
    root = ET.parse(path).getroot()
    return [(text_of(e, f"{ATOM}title"), text_of(e, f"{ATOM}updated")) for e in root.findall(f"{ATOM}entry")]


def test_new_partners_newest_first_and_at_most_the_limit(tmp_path):
    write_feeds(tmp_path, [record(n) for n in range(FEED_LIMIT + 5)], "https://x.nl", "Site", TODAY)
    new = entries(tmp_path / "feeds" / "partners.atom.xml")
    assert len(new) == FEED_LIMIT and new[0][0] == f"Nieuwe partner: Partner {FEED_LIMIT + 4}"
    assert [updated for _, updated in new] == sorted((updated for _, updated in new), reverse=True)


def test_departures_only_once_the_end_date_has_passed(tmp_path):
    records = [record(1, until=dt.date(2025, 1, 1)), record(2, until=dt.date(2027, 1, 1)), record(3)]
    write_feeds(tmp_path, records, "https://x.nl", "Site", TODAY)
    assert [title for title, _ in entries(tmp_path / "feeds" / "vertrokken.atom.xml")] == [
        "Partnerschap beëindigd: Partner 1"
    ]


def test_feeds_do_not_depend_on_the_clock(tmp_path):
    write_feeds(tmp_path / "a", [], "https://x.nl", "Site", TODAY)
    write_feeds(tmp_path / "b", [], "https://x.nl", "Site", TODAY + dt.timedelta(days=400))
    for name in ("partners.atom.xml", "vertrokken.atom.xml"):
        first = (tmp_path / "a" / "feeds" / name).read_bytes()
        assert first == (tmp_path / "b" / "feeds" / name).read_bytes()
        assert b"<updated>2013-10-01T00:00:00+00:00</updated>" in first


def test_sitemap_lists_each_page_once_and_robots_points_at_it(tmp_path):
    write_sitemap(tmp_path, "https://x.nl", ["partners/", "over/", "partners/", "a&b/"])
    locs = [
        e.text
        for e in ET.parse(tmp_path / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert locs == ["https://x.nl/partners/", "https://x.nl/over/", "https://x.nl/a&b/"]
    write_robots(tmp_path, "https://x.nl")
    assert (
        tmp_path / "robots.txt"
    ).read_text() == "User-agent: *\nDisallow: /beheer/\n\nSitemap: https://x.nl/sitemap.xml\n"
