"""Rendering a record back to Markdown, and slugs made with Pelican's slugify."""

import pytest

from partners.records import read_record
from partners.render import make_slug, render_record
from partners.validate import InvalidValue


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("KWF Kankerbestrijding", "kwf-kankerbestrijding"),
        ("Stichting ’t Hooge Huys", "stichting-t-hooge-huys"),
        ("Gemeente Súdwest-Fryslân", "gemeente-sudwest-fryslan"),
        ("GGD  Hollands__Noorden", "ggd-hollands-noorden"),
        ("!!!", "partner"),
    ],
)
def test_make_slug(name, slug):
    assert make_slug(name) == slug


def test_render_round_trips_through_the_reader(content_dir):
    fields = {
        "Title": "Zorggroep d'Ouwe Dijk",
        "Slug": "zorggroep-douwe-dijk",
        "Type": "maatschappelijke-organisatie",
        "Website": "https://zorg.example.nl",
        "Since": "2024-02-29",
        "Contributions": ("kennis", "netwerk"),
    }
    text = render_record(fields, "Eerste alinea.\n\nTweede alinea.")
    path = content_dir / "partners" / "zorggroep-douwe-dijk.md"
    path.write_text(text, encoding="utf-8")
    record, problems = read_record(path, content_dir)
    assert problems == []
    assert record.title == "Zorggroep d'Ouwe Dijk" and record.contributions == ("kennis", "netwerk")
    assert text.splitlines()[:6] == [
        "Title: Zorggroep d'Ouwe Dijk",
        "Slug: zorggroep-douwe-dijk",
        "Type: maatschappelijke-organisatie",
        "Website: https://zorg.example.nl",
        "Since: 2024-02-29",
        "Contributions: kennis, netwerk",
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"Title": "Naam\nSave_as: index.html"},
        {"Summary": "regel\r\nTemplate: x"},
        {"Website": "javascript:alert(1)"},
        {"Extra": "x"},
    ],
)
def test_render_refuses_what_would_inject_or_break(bad):
    fields = {"Title": "Naam", "Slug": "naam", "Type": "overheid", "Since": "2024-01-01", **bad}
    with pytest.raises(InvalidValue):
        render_record(fields)


def test_description_cannot_start_a_header_line():
    text = render_record(
        {"Title": "Naam", "Slug": "naam", "Type": "overheid", "Since": "2024-01-01"}, "Save_as: index.html"
    )
    header, body = text.split("\n\n", 1)
    assert "Save_as" not in header and body.startswith("Save_as")
