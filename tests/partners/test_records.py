"""Reading record files: the header parser, the description, line numbers, file-level rules."""

import datetime as dt
import random

import pytest
from markdown import Markdown
from markdown.extensions.meta import MetaExtension

from partners.__main__ import main
from partners.markup import SafeMarkdownExtension
from partners.records import load_records, parse_header, read_record, wall_order
from partners.schema import Record
from partners.validate import PLACEHOLDER_DESCRIPTION

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


def test_header_may_sit_between_dashes_and_start_with_a_bom(content_dir, write_record):
    path = write_record(text="\ufeff---\n" + GOOD.replace("\n\n", "\n---\n"), slug="gemeente-utrecht")
    record, problems = read_record(path, content_dir)
    assert problems == [] and record.title == "Gemeente Utrecht" and record.description == "<p>Een gemeente.</p>"


def test_empty_required_value_is_missing(content_dir, write_record):
    path = write_record(text=GOOD.replace("Slug: gemeente-utrecht", "Slug:"), slug="gemeente-utrecht")
    _, problems = read_record(path, content_dir)
    assert [str(p) for p in problems] == [f"{path}:2: Slug: is verplicht"]


BODIES = [
    "Tekst met [een link](javascript:alert(1)) en ![plaatje](https://x.example/a.png).",
    "<script>alert(1)</script>\n\n<div onclick='x()'>blok</div>",
    "Voetnoot[^1]\n\n[^1]: bestaat niet als extensie",
    "[ref]: https://www.example.nl\n\nZie [ref].",
    "# Kop\n\n* een\n* twee\n\n> citaat\n\n    code",
    "    \nNa een regel met spaties.",
    "\tTab aan het begin.",
    "",
]
HEADERS = [
    "Title: Naam\nSlug: naam\n",
    "title: Naam\n  SLUG:   naam  \nType: overheid\n",
    "Title: Naam\nSummary: een\n    twee\n",
    "Title: Eerst\nTitle: Daarna\n",
    "---\nTitle: Naam\n...\n",
    "Title: Naam\nGeen kop: meer want spatie\n",
    "Title: Naam\r\nSlug: naam\r\n",
    "Title:\n",
]


def markdown_meta(text: str) -> tuple[dict[str, str], str]:
    """What Python-Markdown's meta extension (Pelican's way to read the header) makes of a record text."""
    md = Markdown(extensions=[MetaExtension(), SafeMarkdownExtension()], output_format="html")
    html = md.convert(text.removeprefix("\ufeff"))
    meta: dict[str, list[str]] = vars(md)["Meta"]  # set by the meta extension, unknown to the stubs
    return {key: values[0] for key, values in meta.items()}, html


def test_header_parser_splits_where_markdowns_meta_extension_does():
    """Every header, with every body after a blank line or none: the same values and the same HTML."""
    cases = [header + sep + body for header in HEADERS for body in BODIES for sep in ("\n", "")]
    rng = random.Random(11)
    pieces = ["Title: a", "Slug: b", "  Type: c", "    vervolg", "", "---", "...", "tekst", "<b>x</b>", "\ufeff"]
    cases += ["\n".join(rng.choice(pieces) for _ in range(rng.randrange(1, 7))) for _ in range(300)]
    for text in cases:
        header = parse_header(text)
        meta, html = markdown_meta(text)
        ours = {key.lower(): value for key, value in header.values.items()}
        assert ours == meta, repr(text)
        assert Markdown(extensions=[SafeMarkdownExtension()], output_format="html").convert(header.body) == html, repr(
            text
        )


def test_one_converter_for_all_records_reads_each_as_if_alone(content_dir, write_record):
    """load_records converts every description with one Markdown instance; nothing of one leaks into the next."""
    for index, body in enumerate(BODIES[:5]):
        write_record(
            {"Title": f"Partner {index}", "Slug": f"partner-{index}", "Type": "overheid", "Since": "2020-01-01"},
            body=body + "\n\nZie [ref].",
        )
    records, problems = load_records(content_dir)
    assert problems == []
    alone = [read_record(content_dir / "partners" / f"{r.slug}.md", content_dir)[0] for r in records]
    assert records == alone
    assert 'href="https://www.example.nl"' in records[3].description
    assert 'href="https://www.example.nl"' not in records[4].description  # the reference of partner 3 is gone


def record(slug: str, kind: str, title: str, until: dt.date | None = None) -> Record:
    return Record(title=title, slug=slug, type=kind, since=dt.date(2020, 1, 1), until=until)


def test_wall_order_founders_first_then_by_type_then_by_name_without_ended_partners():
    records = [
        record("b", "bedrijf", "Aap"),
        record("o", "overheid", "beta"),
        record("o2", "overheid", "Alfa"),
        record("f", "oprichter", "Zorg"),
        record("x", "maatschappelijke-organisatie", "Weg", until=dt.date(2026, 1, 1)),
        record("m", "maatschappelijke-organisatie", "Mens", until=dt.date(2027, 1, 1)),
    ]
    assert [r.slug for r in wall_order(records, dt.date(2026, 11, 28))] == ["f", "m", "o2", "o", "b"]


@pytest.mark.parametrize(
    ("types", "reason"),
    [
        (["bedrijf", "overheid"], "(regels 3 en 4)"),
        (["club", "bedrijf"], "(regels 3 en 4)"),  # the first value is invalid: still one problem, not two
        (["bedrijf", "club"], "(regels 3 en 4)"),
        (["club", "vereniging", "x"], "(regels 3, 4 en 5)"),
    ],
)
def test_a_repeated_field_is_one_problem(content_dir, write_record, types, reason):
    header = "".join(f"Type: {value}\n" for value in types)
    path = write_record(text=GOOD.replace("Type: overheid\n", header), slug="gemeente-utrecht")
    record, problems = read_record(path, content_dir)
    assert record is None
    assert [str(p) for p in problems] == [
        f"{path}:4: Type: staat meer dan eens in de kop {reason}; laat één regel staan"
    ]


@pytest.mark.parametrize(
    "body",
    [
        PLACEHOLDER_DESCRIPTION,
        f"De stichting helpt rokers.\n\n{PLACEHOLDER_DESCRIPTION}",
        PLACEHOLDER_DESCRIPTION.replace(" de organisatie", "\nde organisatie"),  # wrapped by an editor
    ],
)
def test_the_placeholder_of_partners_new_is_refused(content_dir, write_record, body):
    path = write_record(text=GOOD.replace("Een gemeente.\n", body + "\n"), slug="gemeente-utrecht")
    record, problems = read_record(path, content_dir)
    assert record is None
    line = 6 if body.startswith("Beschrijf") else 8
    assert [str(p) for p in problems] == [
        f"{path}:{line}: beschrijving: bevat nog de voorbeeldtekst van ‘partners new’; "
        "vervang die door een beschrijving van de organisatie en haar bijdrage"
    ]


def test_a_record_from_partners_new_fails_the_check_until_described(content_dir, capsys):
    assert (
        main(["new", "Stichting Proef", "--type", "bedrijf", "--since", "2024-01-01", "--content", str(content_dir)])
        == 0
    )
    path = content_dir / "partners" / "stichting-proef.md"
    assert main(["check", str(content_dir)]) == 1
    assert f"{path}:6: beschrijving: bevat nog de voorbeeldtekst" in capsys.readouterr().err
    path.write_text(path.read_text().replace(PLACEHOLDER_DESCRIPTION, "Stichting Proef helpt rokers stoppen."))
    assert main(["check", str(content_dir)]) == 0
