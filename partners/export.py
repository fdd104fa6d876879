"""Open data (JSON, CSV), the Atom feed of new partners, sitemap.xml and robots.txt."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from xml.sax.saxutils import escape

from feedgenerator import Atom1Feed

from .schema import Record

CSV_COLUMNS = ("slug", "title", "type", "website", "since", "until", "summary", "sector", "contributions", "url", "logo")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def neutralise_cell(value: str) -> str:
    """Prefix a quote so a spreadsheet never treats a cell as a formula."""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def partner_rows(records: list[Record], logos: dict, today: dt.date) -> list[dict]:
    """One plain dict per partner, for JSON and CSV alike."""
    rows = []
    for r in sorted(records, key=lambda r: r.slug):
        logo = logos.get(r.slug)
        rows.append({
            "slug": r.slug, "title": r.title, "type": r.type, "website": r.website,
            "since": r.since.isoformat(), "until": r.until.isoformat() if r.until else "",
            "active": r.is_active(today), "summary": r.summary, "sector": r.sector,
            "contributions": list(r.contributions), "url": f"/partners/{r.slug}/",
            "logo": logo.url if logo else "",
        })
    return rows


def write_if_changed(path: Path, data: bytes) -> None:
    """Write only when the bytes differ, so unchanged files keep their timestamps."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_open_data(out: Path, records: list[Record], logos: dict, today: dt.date) -> None:
    """partners.json and partners.csv, safe to open in a spreadsheet."""
    rows = partner_rows(records, logos, today)
    write_if_changed(out / "partners.json", json.dumps({"partners": rows}, ensure_ascii=False, indent=1).encode())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        cells = [", ".join(row[c]) if c == "contributions" else str(row[c]) for c in CSV_COLUMNS]
        writer.writerow([neutralise_cell(cell) for cell in cells])
    # A BOM makes spreadsheet programs read the accents as UTF-8.
    write_if_changed(out / "partners.csv", ("\ufeff" + buffer.getvalue()).encode())


def write_feed(out: Path, records: list[Record], site_url: str, site_name: str, today: dt.date, limit: int = 50) -> None:
    """An Atom feed of the newest partners, and a second one of the partners who left.

    Departures get their own feed (feeds/vertrokken.atom.xml) rather than entries in the first:
    subscribers of "new partners" keep a feed that means what its title says, and an entry once
    announced is never rewritten when the same partner later leaves.
    """
    newest = sorted(records, key=lambda r: (r.since, r.slug), reverse=True)[:limit]
    _write_atom(out / "feeds" / "partners.atom.xml", site_url, f"Nieuwe partners van {site_name}",
                "Organisaties die partner zijn geworden van de Alliantie.", "partners.atom.xml",
                [(f"Nieuwe partner: {r.title}", r, r.since, f"sinds-{r.since}", r.summary or r.title) for r in newest])
    # Only an end date that has passed is a departure; an announced one is not news yet.
    gone = sorted((r for r in records if r.until and r.until <= today), key=lambda r: (r.until, r.slug), reverse=True)
    _write_atom(out / "feeds" / "vertrokken.atom.xml", site_url, f"Vertrokken partners van {site_name}",
                "Organisaties waarvan het partnerschap met de Alliantie is beëindigd.", "vertrokken.atom.xml",
                [(f"Partnerschap beëindigd: {r.title}", r, r.until, f"tot-{r.until}",
                  f"Het partnerschap van {r.title} is beëindigd per {r.until.isoformat()}.") for r in gone[:limit]])


class _StableAtom(Atom1Feed):
    """An Atom feed whose <updated> never falls back to the clock, so a rebuild is byte-identical."""

    fallback = dt.datetime(2013, 10, 1, tzinfo=dt.timezone.utc)  # the Alliantie's founding date

    def latest_post_date(self):
        dates = [item["updateddate"] or item["pubdate"] for item in self.items]
        return max(dates) if dates else self.fallback


def _write_atom(path: Path, site_url: str, title: str, description: str, name: str, entries: list) -> None:
    """One Atom feed; entries are (title, record, date, id suffix, description)."""
    feed = _StableAtom(title=title, link=f"{site_url}/partners/", description=description,
                       feed_url=f"{site_url}/feeds/{name}", feed_guid=f"{site_url}/feeds/{name}", language="nl")
    for entry_title, r, day, suffix, text in entries:
        when = dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)
        feed.add_item(title=entry_title, link=f"{site_url}/partners/{r.slug}/", description=text,
                      unique_id=f"{site_url}/partners/{r.slug}/#{suffix}", pubdate=when, updateddate=when)
    buffer = io.StringIO()
    feed.write(buffer, "utf-8")
    write_if_changed(path, buffer.getvalue().encode())


def write_sitemap(out: Path, site_url: str, paths: list[str]) -> None:
    """sitemap.xml listing every public page once."""
    seen = []
    for path in paths:
        if path not in seen:
            seen.append(path)
    entries = "".join(f"  <url><loc>{escape(site_url + '/' + p.lstrip('/'))}</loc></url>\n" for p in seen)
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n")
    write_if_changed(out / "sitemap.xml", text.encode())


def write_robots(out: Path, site_url: str) -> None:
    """robots.txt: everything public may be indexed, the application form included; never the admin."""
    text = ("User-agent: *\nDisallow: /beheer/\n\n"
            f"Sitemap: {site_url}/sitemap.xml\n")
    write_if_changed(out / "robots.txt", text.encode())
