"""Slugs the site already uses: refused by the Slug rule, never made by make_slug, and one list of them."""

from __future__ import annotations

import pytest

from partners import schema
from partners.__main__ import NEW_RECORD_NEXT_STEP, main
from partners.records import RecordError, load_records
from partners.render import make_slug, render_record
from partners.validate import InvalidValue, check_slug
from tests.hostile_corpus import hostile_texts

NAMES = hostile_texts("slugs")


@pytest.mark.parametrize("name", NAMES)
def test_make_slug_never_makes_a_reserved_slug(name):
    slug = make_slug(name)
    assert slug not in schema.RESERVED_SLUGS
    assert check_slug(slug) == slug
    assert slug == make_slug(name)  # deterministic: the form, publishing and `partners new` agree


@pytest.mark.parametrize(
    ("name", "slug"), [("A-Z", "a-z-partner"), ("Type", "type-partner"), ("Ínđex", "index-partner")]
)
def test_a_reserved_slug_gets_a_distinct_one(name, slug):
    assert make_slug(name) == slug


@pytest.mark.parametrize("slug", sorted(schema.RESERVED_SLUGS))
def test_the_slug_rule_refuses_a_reserved_slug(slug):
    with pytest.raises(InvalidValue, match=f"‘{slug}’ is het adres van een pagina van de site zelf"):
        check_slug(slug)
    with pytest.raises(InvalidValue, match="Slug"):
        render_record({"Title": "A-Z", "Slug": slug, "Type": "bedrijf", "Since": "2024-01-01"})


def test_partners_new_writes_the_distinct_slug(content_dir, capsys):
    assert main(["new", "A & Z", "--type", "bedrijf", "--since", "2024-01-01", "--content", str(content_dir)]) == 0
    target = content_dir / "partners" / "a-z-partner.md"
    assert capsys.readouterr().out == f"Aangemaakt: {target}\n{NEW_RECORD_NEXT_STEP}\n"
    assert "Slug: a-z-partner\n" in target.read_text()


@pytest.mark.parametrize("slug", sorted(schema.RESERVED_SLUGS))
def test_check_and_build_refuse_a_record_with_a_reserved_slug(slug, content_dir, write_record, build, capsys):
    path = write_record(text=f"Title: A-Z\nSlug: {slug}\nType: bedrijf\nSince: 2024-01-01\n\nTekst.\n", slug=slug)
    _, problems = load_records(content_dir)
    assert [str(p) for p in problems] == [
        f"{path}:2: Slug: ‘{slug}’ is het adres van een pagina van de site zelf (/partners/{slug}/); "
        f"kies een andere, bijvoorbeeld ‘{slug}-partner’"
    ]
    assert main(["check", str(content_dir)]) == 1
    assert f"{path}:2: Slug: ‘{slug}’ is het adres" in capsys.readouterr().err
    with pytest.raises(RecordError):
        build()


def test_every_folder_the_plugin_writes_under_partners_is_reserved(write_record, build):
    """The generator's output paths and RESERVED_SLUGS come from one definition in schema.py."""
    for name, kind in [("A-Z", "bedrijf"), ("Type", "bedrijf"), ("Index", "overheid"), ("Gemeente Een", "oprichter")]:
        write_record({"Title": name, "Slug": make_slug(name), "Type": kind, "Since": "2024-01-01"})
    out = build() / schema.WALL_DIR
    slugs = {make_slug(name) for name in ("A-Z", "Type", "Index", "Gemeente Een")}
    folders = {path.name for path in out.iterdir() if path.is_dir()}
    assert slugs <= folders
    assert folders - slugs == set(schema.WALL_VIEW_DIRS)
    assert folders - slugs <= schema.RESERVED_SLUGS
    files = {path.name for path in out.iterdir() if path.is_file() and path.suffix == ".html"}
    assert files == {schema.WALL_INDEX}
    assert {name.removesuffix(".html") for name in files} <= schema.RESERVED_SLUGS
    assert "A-Z" in (out / "a-z-partner" / "index.html").read_text()
    assert (out / schema.WALL_AZ_DIR / "index.html").read_text().count("a-z-partner") >= 1
