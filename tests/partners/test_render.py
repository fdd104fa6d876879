"""Rendering a record back to Markdown, and slugs made by Pelican's rules."""

import random

import pytest
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

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


def pelican_slug(name: str) -> str:
    """What make_slug made when it called Pelican's slugify: that, fitted to the Slug rule."""
    slug = slugify(name, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
    slug = "-".join(part for part in slug.replace("_", "-").split("-") if part)
    slug = "".join(ch for ch in slug if ch.isascii() and (ch.isalnum() or ch == "-"))
    slug = slug[:80].strip("-") or "partner"
    return slug + "-partner" if slug in ("a-z", "type", "index") else slug  # the site's own addresses


ODD_NAMES = [
    "Café-Restaurant Ëlïsé & Zonen",
    "Stichting ’t Hooge Huys",
    "Zorggroep d'Ouwe Dijk",
    "Noord – Zuid — Oost",
    "Van A-Z tot À-Ž",
    "GGD 3 & 4",
    "1e Hulp 24/7",
    "Ørsted Æbleskiver Ångström",
    "Straße Łódź Şişli Ğ",
    "ﬁnance Ⅻ ①② ²³ ½",
    "Χαρά Москва 東京",
    "<b>Vet</b> &amp; <!-- niet -->zichtbaar",
    "tab\tand\nnewline  spaces",
    "__onderstreept__ _x_",
    "-- streepjes --",
    "Ĳsselmonde ĳs",
    "",
    "!!!",
    "A" * 100 + " " + "B" * 100,
]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_make_slug_equals_pelicans_slugify(name):
    assert make_slug(name) == pelican_slug(name)


def test_make_slug_equals_pelicans_slugify_on_random_names():
    rng = random.Random(4)
    alphabet = [*"aZ09 -_&'’–—.,!?<>/\\\"ßæøåÀÉÎõüŽžĳﬁ①²㎏中文Ωσ\t", "&amp;", "<i>", "</i>", "<!--", "-->"]
    for _ in range(3000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randrange(15)))
        assert make_slug(name) == pelican_slug(name), repr(name)


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
