"""Reading record files: Pelican's reader, line numbers, file-level rules."""

import pytest

from partners.records import load_records, read_record

GOOD = """Title: Gemeente Utrecht
Slug: gemeente-utrecht
Type: overheid
Since: 2020-05-01

Een gemeente.
"""


def test_good_record_reads_into_a_record(content_dir, write_record):
    path = write_record(text=GOOD, slug="gemeente-utrecht")
    record, problems = read_record(path, content_dir)
    assert problems == []
    assert (record.title, record.slug, record.type, str(record.since)) == (
        "Gemeente Utrecht",
        "gemeente-utrecht",
        "overheid",
        "2020-05-01",
    )
    assert record.description == "<p>Een gemeente.</p>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("Type: overheid", "Type: vereniging"), "3: Type: moet een van deze zijn"),
        (GOOD.replace("Since: 2020-05-01\n", ""), "1: Since: is verplicht"),
        (
            GOOD.replace("Slug: gemeente-utrecht", "Slug: utrecht"),
            "2: Slug: 'utrecht' moet gelijk zijn aan de bestandsnaam",
        ),
        (GOOD.replace("Since: 2020-05-01", "Since: 2020-05-01\nSave_as: index.html"), "5: Save_as: onbekend veld"),
        (
            GOOD.replace("Since: 2020-05-01", "Since: 2020-05-01\nSummary: een\n    twee"),
            "6: Summary: moet op één regel staan",
        ),
        (
            GOOD.replace("Since: 2020-05-01", "Since: 2020-05-01\nTitle: Nog een"),
            "5: Title: staat meer dan eens in de kop",
        ),
        (GOOD.replace("Since: 2020-05-01", "Since: 2020-05-01\nLogo: logos/ontbreekt.svg"), "5: Logo: bestand"),
    ],
)
def test_bad_record_names_file_line_and_field(content_dir, write_record, text, expected):
    path = write_record(text=text, slug="gemeente-utrecht")
    record, problems = read_record(path, content_dir)
    assert record is None
    assert any(str(p) == f"{path}:{expected}" or str(p).startswith(f"{path}:{expected}") for p in problems), problems


def test_logo_that_fails_the_checks_is_a_record_problem(content_dir, write_record):
    (content_dir / "logos" / "gemeente-utrecht.png").write_bytes(b"GIF89a not really")
    path = write_record(
        text=GOOD.replace("Since:", "Logo: logos/gemeente-utrecht.png\nSince:"), slug="gemeente-utrecht"
    )
    _, problems = read_record(path, content_dir)
    assert [str(p) for p in problems] == [
        f"{path}:4: Logo: gemeente-utrecht.png: dit is geen SVG-, PNG-, JPEG- of WebP-afbeelding"
    ]


def test_not_utf8_is_reported(content_dir):
    path = content_dir / "partners" / "kapot.md"
    path.write_bytes(b"Title: Caf\xe9\n")
    _, problems = read_record(path, content_dir)
    assert [str(p) for p in problems] == [f"{path}:1: bestand: is geen geldige UTF-8-tekst"]


def test_load_records_collects_all_files_and_all_problems(content_dir, write_record):
    write_record(text=GOOD, slug="gemeente-utrecht")
    write_record(text=GOOD.replace("gemeente-utrecht", "Fout"), slug="fout")
    records, problems = load_records(content_dir)
    assert [r.slug for r in records] == ["gemeente-utrecht"]
    assert {p.field for p in problems} == {"Slug"}


def test_body_html_is_shown_as_text(content_dir, write_record):
    path = write_record(
        text=GOOD.replace(
            "Een gemeente.", "<script>alert(1)</script> <img src=x onerror=alert(1)> [klik](javascript:alert(1))"
        ),
        slug="gemeente-utrecht",
    )
    record, _ = read_record(path, content_dir)
    assert "<script>" not in record.description and "<img" not in record.description
    assert "&lt;script&gt;" in record.description
    assert "javascript:" not in record.description
