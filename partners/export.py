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
    """An Atom feed of the newest partners."""
    feed = Atom1Feed(
        title=f"Nieuwe partners van {site_name}", link=f"{site_url}/partners/",
        description="Organisaties die partner zijn geworden van de Alliantie.",
        feed_url=f"{site_url}/feeds/partners.atom.xml", language="nl",
    )
    newest = sorted(records, key=lambda r: (r.since, r.slug), reverse=True)[:limit]
    for r in newest:
        when = dt.datetime.combine(r.since, dt.time(), tzinfo=dt.timezone.utc)
        feed.add_item(
            title=f"Nieuwe partner: {r.title}", link=f"{site_url}/partners/{r.slug}/",
            description=r.summary or r.title, unique_id=f"{site_url}/partners/{r.slug}/#sinds-{r.since}",
            pubdate=when, updateddate=when,
        )
    buffer = io.StringIO()
    feed.write(buffer, "utf-8")
    write_if_changed(out / "feeds" / "partners.atom.xml", buffer.getvalue().encode())


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
    """robots.txt: everything public except the form handler and the admin."""
    text = ("User-agent: *\nDisallow: /aanmelden/\nDisallow: /beheer/\n\n"
            f"Sitemap: {site_url}/sitemap.xml\n")
    write_if_changed(out / "robots.txt", text.encode())
