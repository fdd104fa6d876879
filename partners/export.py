"""The open data of the partner list (partners.json, partners.csv), and cells safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Mapping

from .schema import Record

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
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def _skipped_by_spreadsheets(char: str) -> bool:
    """Invisible characters a spreadsheet may drop before it reads a formula: spaces, controls, BOM, ZWSP, LRM."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs")


def formula_start(value: str) -> str:
    """The cell's text as a spreadsheet may read its start: compatibility forms folded, invisible lead dropped.

    NFKC folds the fullwidth and small forms (`＝`, `﹦`, `＋`, `＠`) that some spreadsheets and input
    methods take for `=`, `+`, `@`; a BOM, zero-width or direction mark, or space before them hides nothing.
    """
    folded = unicodedata.normalize("NFKC", value)
    index = 0
    while index < len(folded) and _skipped_by_spreadsheets(folded[index]):
        index += 1
    return folded[index:]


def neutralise_cell(value: str) -> str:
    """Prefix a quote so a spreadsheet never treats a cell as a formula, whatever invisible or wide form hides it."""
    if value.startswith(_FORMULA_PREFIXES) or formula_start(value).startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def partner_rows(records: list[Record], logo_urls: Mapping[str, str], today: dt.date) -> list[dict]:
    """One plain dict per partner, by slug, for JSON and CSV alike; `logo_urls` maps slug to the logo's URL."""
    return [
        {
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
            "logo": logo_urls.get(r.slug, ""),
        }
        for r in sorted(records, key=lambda r: r.slug)
    ]


def rows_json(rows: list[dict]) -> bytes:
    """partners.json: {"partners": rows}, UTF-8, one key a line."""
    return json.dumps({"partners": rows}, ensure_ascii=False, indent=1).encode("utf-8")


def rows_csv(rows: list[dict]) -> bytes:
    """partners.csv: a header and one formula-safe line per row, CRLF, with a BOM for spreadsheet programs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        cells = [", ".join(row[c]) if c == "contributions" else str(row[c]) for c in CSV_COLUMNS]
        writer.writerow([neutralise_cell(cell) for cell in cells])
    # The BOM makes spreadsheet programs read the accents as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
