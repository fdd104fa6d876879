"""Open data: one row per partner in partners.json and a formula-safe partners.csv."""

import csv
import datetime as dt
import io
import json

import pytest

from partners.export import CSV_COLUMNS, neutralise_cell, partner_rows, rows_csv, rows_json
from partners.schema import Record
from tests.hostile_corpus import hostile_texts

TODAY = dt.date(2026, 11, 28)
RECORDS = [
    Record(
        title="Zorg & Co",
        slug="zorg-en-co",
        type="bedrijf",
        since=dt.date(2020, 1, 2),
        until=dt.date(2025, 1, 1),
        summary="=SOM(1;2)",
        contributions=("kennis", "lobby"),
    ),
    Record(
        title="Gemeente Één", slug="gemeente-een", type="overheid", since=dt.date(2021, 3, 4), website="https://een.nl"
    ),
]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+31 30 123", "'+31 30 123"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("|cmd", "'|cmd"),
        ("%x", "'%x"),
        ("Gewoon", "Gewoon"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_cell(cell, safe):
    assert neutralise_cell(cell) == safe


@pytest.mark.parametrize("cell", hostile_texts("csv-formulas"))
def test_a_formula_behind_invisible_or_wide_characters_is_neutralised(cell):
    assert neutralise_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Gemeente Utrecht", "KWF", "a=b", "Zorg ＆ Co", "\u200bRook", "30-40", ""])
def test_ordinary_cells_stay_as_they_are(cell):
    assert neutralise_cell(cell) == cell


def test_rows_by_slug_with_state_and_logo():
    rows = partner_rows(RECORDS, {"gemeente-een": "/logos/gemeente-een.0123456789ab.svg"}, TODAY)
    assert [r["slug"] for r in rows] == ["gemeente-een", "zorg-en-co"]
    assert rows[0]["logo"] == "/logos/gemeente-een.0123456789ab.svg" and rows[1]["logo"] == ""
    assert (rows[0]["active"], rows[0]["until"]) == (True, "")
    assert (rows[1]["active"], rows[1]["until"], rows[1]["url"]) == (False, "2025-01-01", "/partners/zorg-en-co/")
    assert rows[1]["contributions"] == ["kennis", "lobby"]


def test_json_is_plain_utf8():
    rows = partner_rows(RECORDS, {}, TODAY)
    data = rows_json(rows)
    assert json.loads(data) == {"partners": rows}
    assert "Één".encode() in data and data.startswith(b'{\n "partners": [\n  {\n   "slug"')


def test_csv_opens_in_a_spreadsheet_with_accents_and_no_formulas():
    data = rows_csv(partner_rows(RECORDS, {}, TODAY))
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert rows[0]["title"] == "Gemeente Één"
    assert rows[1]["summary"] == "'=SOM(1;2)" and rows[1]["contributions"] == "kennis, lobby"
