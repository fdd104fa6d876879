"""Open data (JSON, CSV), the Atom feed of new partners, sitemap.xml and robots.txt."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import os
import pickle
from collections.abc import Callable
from json.encoder import encode_basestring as _encode_string  # the C function json.dumps uses
from pathlib import Path
from xml.sax.saxutils import escape

from .schema import Record
from .write_worker import write_if_changed

CSV_COLUMNS = (
    "slug",
    "title",
    "type",
    "website",
    "since",
    "until",
    "summary",
    "sector",
    "contributions",
    "url",
    "logo",
)
# Cached row texts are trusted only by the exact code that wrote them.
_FRAGMENTS_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def neutralise_cell(value: str) -> str:
    """Prefix a quote so a spreadsheet never treats a cell as a formula."""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def partner_rows(records: list[Record], logos: dict, today: dt.date) -> list[dict]:
    """One plain dict per partner, for JSON and CSV alike."""
    return [_partner_row(r, logos.get(r.slug), today) for r in sorted(records, key=lambda r: r.slug)]


def _partner_row(r: Record, logo, today: dt.date) -> dict:
    return {
        "slug": r.slug,
        "title": r.title,
        "type": r.type,
        "website": r.website,
        "since": r.since.isoformat(),
        "until": r.until.isoformat() if r.until else "",
        "active": r.is_active(today),
        "summary": r.summary,
        "sector": r.sector,
        "contributions": list(r.contributions),
        "url": f"/partners/{r.slug}/",
        "logo": logo.url if logo else "",
    }


_CONSTANTS = {True: "true", False: "false", None: "null"}
_SCALARS = (str, bool, int, float, type(None))


def _json_scalar(value) -> str:
    if isinstance(value, str):
        return _encode_string(value)
    return _CONSTANTS[value] if value is None or isinstance(value, bool) else json.dumps(value)


def _json_row(row: dict) -> str | None:
    """One row as json.dumps writes it at the second level of indent=1; None if it cannot."""
    enc = _encode_string
    lines = []
    for name, value in row.items():
        if not isinstance(name, str):
            return None
        if isinstance(value, _SCALARS):
            lines.append(f"   {enc(name)}: {_json_scalar(value)}")
        elif isinstance(value, (list, tuple)) and all(isinstance(v, _SCALARS) for v in value):
            items = ",\n    ".join(_json_scalar(v) for v in value)
            lines.append(f"   {enc(name)}: [\n    {items}\n   ]" if value else f"   {enc(name)}: []")
        else:
            return None
    return "  {\n" + ",\n".join(lines) + "\n  }" if lines else "  {}"


def dumps_rows(key: str, rows: list[dict], blocks: list[str | None] | None = None) -> str:
    """json.dumps({key: rows}, ensure_ascii=False, indent=1), byte for byte, where each row is a
    flat dict of strings, booleans, None, numbers and lists of those (the open data rows).

    json.dumps with an indent runs its pure-Python encoder; this writes every string with the C
    function that encoder uses, a few times faster. Anything else falls back to json.dumps.
    `blocks` are the rows already encoded by _json_row, when the caller has them.
    """
    if blocks is None:
        blocks = [_json_row(row) for row in rows]
    if any(block is None for block in blocks):
        return json.dumps({key: rows}, ensure_ascii=False, indent=1)
    if not blocks:
        return "{\n " + _encode_string(key) + ": []\n}"
    return "{\n " + _encode_string(key) + ": [\n" + ",\n".join(blocks) + "\n ]\n}"


def _csv_row(row: dict) -> str:
    """One CSV line (with its CRLF) of a row, formula-safe."""
    buffer = io.StringIO()
    cells = [", ".join(row[c]) if c == "contributions" else str(row[c]) for c in CSV_COLUMNS]
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise_cell(cell) for cell in cells])
    return buffer.getvalue()


def write_open_data(
    out: Path,
    records: list[Record],
    logos: dict,
    today: dt.date,
    cache_file: Path | None = None,
    write: Callable[[Path, bytes], object] | None = None,
) -> None:
    """partners.json and partners.csv, safe to open in a spreadsheet.

    With `cache_file`, each row's JSON and CSV text is kept, keyed by the record's digest, its
    logo URL and whether it is active (all a row is made of), so a rebuild makes only the rows
    that changed. `write(path, bytes)` replaces write_if_changed (the build hands the files to its
    writing helper).
    """
    from .records import record_digest  # not at module level: the form handler's CLI imports this module

    write = write or write_if_changed
    cache = _load_fragments(cache_file) if cache_file else {}
    fresh: dict[str, tuple[str | None, str]] = {}
    pieces = []
    for r in sorted(records, key=lambda r: r.slug):
        logo = logos.get(r.slug)
        key = f"{record_digest(r)} {r.is_active(today)} {logo.url if logo else ''}"
        fragments = cache.get(key) or fresh.get(key)
        if fragments is None:
            row = _partner_row(r, logo, today)
            fragments = (_json_row(row), _csv_row(row))
        fresh[key] = fragments
        pieces.append(fragments)
    blocks = [p[0] for p in pieces]
    rows = partner_rows(records, logos, today) if None in blocks else []  # json.dumps needs them all
    write(out / "partners.json", dumps_rows("partners", rows, blocks).encode())
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(CSV_COLUMNS)
    # A BOM makes spreadsheet programs read the accents as UTF-8.
    write(out / "partners.csv", ("\ufeff" + header.getvalue() + "".join(p[1] for p in pieces)).encode())
    if cache_file and fresh != cache:
        _save_fragments(cache_file, fresh)


def _load_fragments(cache_file: Path) -> dict:
    try:
        with open(cache_file, "rb") as handle:
            version, fragments = pickle.load(handle)
        return fragments if version == _FRAGMENTS_VERSION and isinstance(fragments, dict) else {}
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return {}


def _save_fragments(cache_file: Path, fragments: dict) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            pickle.dump((_FRAGMENTS_VERSION, fragments), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache_file)
    except OSError:
        pass  # a read-only cache only costs time


def write_feed(
    out: Path,
    records: list[Record],
    site_url: str,
    site_name: str,
    today: dt.date,
    limit: int = 50,
    cache_file: Path | None = None,
) -> None:
    """An Atom feed of the newest partners, and a second one of the partners who left.

    Departures get their own feed (feeds/vertrokken.atom.xml) rather than entries in the first:
    subscribers of "new partners" keep a feed that means what its title says, and an entry once
    announced is never rewritten when the same partner later leaves.

    With `cache_file`, the hash of everything the two feeds are made of is kept there once they
    are written; while it is the same and both files exist, they are not made again (most edits
    change neither feed).
    """
    newest = sorted(records, key=lambda r: (r.since, r.slug), reverse=True)[:limit]
    # Only an end date that has passed is a departure; an announced one is not news yet.
    gone = sorted((r for r in records if r.until and r.until <= today), key=lambda r: (r.until, r.slug), reverse=True)
    feeds = [
        (
            out / "feeds" / "partners.atom.xml",
            site_url,
            f"Nieuwe partners van {site_name}",
            "Organisaties die partner zijn geworden van de Alliantie.",
            "partners.atom.xml",
            [(f"Nieuwe partner: {r.title}", r.slug, r.since, f"sinds-{r.since}", r.summary or r.title) for r in newest],
        ),
        (
            out / "feeds" / "vertrokken.atom.xml",
            site_url,
            f"Vertrokken partners van {site_name}",
            "Organisaties waarvan het partnerschap met de Alliantie is beëindigd.",
            "vertrokken.atom.xml",
            [
                (
                    f"Partnerschap beëindigd: {r.title}",
                    r.slug,
                    r.until,
                    f"tot-{r.until}",
                    f"Het partnerschap van {r.title} is beëindigd per {r.until.isoformat()}.",
                )
                for r in gone[:limit]
            ],
        ),
    ]
    key = hashlib.sha256((_FRAGMENTS_VERSION + repr(feeds)).encode()).hexdigest()
    if cache_file is not None and all(os.path.isfile(feed[0]) for feed in feeds):
        try:
            if cache_file.read_text() == key:
                return
        except (OSError, UnicodeDecodeError):
            pass
    for feed in feeds:
        _write_atom(*feed)
    if cache_file is not None:  # only now that both files are written
        try:
            write_if_changed(cache_file, key.encode())
        except OSError:
            pass  # a read-only cache only costs time


@functools.lru_cache(maxsize=1)
def _stable_atom():
    """Atom1Feed whose <updated> never falls back to the clock, so a rebuild is byte-identical.

    Made on first use: feedgenerator is imported only when a feed is actually written.
    """
    from feedgenerator import Atom1Feed

    class _StableAtom(Atom1Feed):
        fallback = dt.datetime(2013, 10, 1, tzinfo=dt.UTC)  # the Alliantie's founding date

        def latest_post_date(self):
            dates = [item["updateddate"] or item["pubdate"] for item in self.items]
            return max(dates) if dates else self.fallback

    return _StableAtom


def _write_atom(path: Path, site_url: str, title: str, description: str, name: str, entries: list) -> None:
    """One Atom feed; entries are (title, slug, date, id suffix, description)."""
    feed = _stable_atom()(
        title=title,
        link=f"{site_url}/partners/",
        description=description,
        feed_url=f"{site_url}/feeds/{name}",
        feed_guid=f"{site_url}/feeds/{name}",
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
