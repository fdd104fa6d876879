"""The Atom feeds of new and departed partners, sitemap.xml and robots.txt."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from xml.sax.saxutils import escape

from feedgenerator import Atom1Feed

from ..schema import Record
from .files import write_if_changed

FEED_LIMIT = 50
# The Alliantie's founding date: the <updated> of a feed without entries, so every build writes the same bytes.
FOUNDED = dt.datetime(2013, 10, 1, tzinfo=dt.UTC)


class StableAtomFeed(Atom1Feed):
    """An Atom feed whose <updated> never falls back to the clock, so a rebuild is byte-identical."""

    def latest_post_date(self) -> dt.datetime:
        """The newest entry's date, or the founding date of a feed without entries."""
        dates = [item["updateddate"] or item["pubdate"] for item in self.items]
        return max(dates) if dates else FOUNDED


def write_feeds(out: Path, records: list[Record], site_url: str, site_name: str, today: dt.date) -> None:
    """feeds/partners.atom.xml of the newest partners, and feeds/vertrokken.atom.xml of the ones who left."""
    # Departures get a feed of their own: subscribers of "new partners" keep a feed that means what its
    # title says, and an entry once announced is never rewritten when that partner later leaves.
    newest = sorted(records, key=lambda r: (r.since, r.slug), reverse=True)[:FEED_LIMIT]
    # Only an end date that has passed is a departure; an announced one is not news yet.
    gone = [r for r in records if r.until and r.until <= today]
    gone = sorted(gone, key=lambda r: (r.until or r.since, r.slug), reverse=True)[:FEED_LIMIT]
    _write_feed(
        out / "feeds" / "partners.atom.xml",
        site_url,
        f"Nieuwe partners van {site_name}",
        "Organisaties die partner zijn geworden van de Alliantie.",
        [(f"Nieuwe partner: {r.title}", r.slug, r.since, f"sinds-{r.since}", r.summary or r.title) for r in newest],
    )
    _write_feed(
        out / "feeds" / "vertrokken.atom.xml",
        site_url,
        f"Vertrokken partners van {site_name}",
        "Organisaties waarvan het partnerschap met de Alliantie is beëindigd.",
        [
            (
                f"Partnerschap beëindigd: {r.title}",
                r.slug,
                r.until,
                f"tot-{r.until}",
                f"Het partnerschap van {r.title} is beëindigd per {r.until.isoformat()}.",
            )
            for r in gone
            if r.until
        ],
    )


def _write_feed(path: Path, site_url: str, title: str, description: str, entries: list) -> None:
    """One Atom feed; entries are (title, slug, date, id suffix, description)."""
    feed_url = f"{site_url}/feeds/{path.name}"
    feed = StableAtomFeed(
        title=title,
        link=f"{site_url}/partners/",
        description=description,
        feed_url=feed_url,
        feed_guid=feed_url,
        language="nl",
    )
    for entry_title, slug, day, suffix, text in entries:
        when = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        feed.add_item(
            title=entry_title,
            link=f"{site_url}/partners/{slug}/",
            description=text,
            unique_id=f"{site_url}/partners/{slug}/#{suffix}",
            pubdate=when,
            updateddate=when,
        )
    buffer = io.StringIO()
    feed.write(buffer, "utf-8")
    write_if_changed(path, buffer.getvalue().encode())


def write_sitemap(out: Path, site_url: str, paths: list[str]) -> None:
    """sitemap.xml listing every public page once."""
    seen = dict.fromkeys(paths)  # first occurrence wins, in order
    entries = "".join(f"  <url><loc>{escape(site_url + '/' + p.lstrip('/'))}</loc></url>\n" for p in seen)
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n"
    )
    write_if_changed(out / "sitemap.xml", text.encode())


def write_robots(out: Path, site_url: str) -> None:
    """robots.txt: everything public may be indexed, the application form included; never the admin."""
    text = f"User-agent: *\nDisallow: /beheer/\n\nSitemap: {site_url}/sitemap.xml\n"
    write_if_changed(out / "robots.txt", text.encode())
