"""Publishing a signed application: the exact record, the logo, every refusal, and a real build."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy.exc import OperationalError

from formhandler import publishing, queue
from formhandler.publishing import application
from partners.records import read_record
from tests.conftest import run_pelican
from tests.formhandler.helpers import CONTACT, add_item, raster

NOW = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC)

EXPECTED = """Title: Stichting Gezonde Wijk
Slug: stichting-gezonde-wijk
Type: maatschappelijke-organisatie
Website: https://www.gezondewijk.example.nl
Logo: logos/stichting-gezonde-wijk.svg
Since: 2026-11-20
Contributions: kennis, netwerk

Stichting Gezonde Wijk is partner van de Alliantie Nederland Rookvrij! sinds 20 november 2026.
"""


def files_in(folder):
    """Every file publishing may have written, relative to content/."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and "pages" not in p.parts)


def test_publish_writes_the_exact_record_and_logo(session, bare_content):
    item = add_item(session, "getekend", "svg")
    publication = publishing.publish(session, item, bare_content, "redacteur", NOW)
    record = bare_content / "partners" / "stichting-gezonde-wijk.md"
    assert record.read_text(encoding="utf-8") == EXPECTED
    assert (
        (bare_content / "logos" / "stichting-gezonde-wijk.svg").read_bytes() == item.logo.data == publication.logo_bytes
    )
    assert files_in(bare_content) == ["logos/stichting-gezonde-wijk.svg", "partners/stichting-gezonde-wijk.md"]
    parsed, problems = read_record(record, bare_content)
    assert problems == [] and parsed.title == "Stichting Gezonde Wijk" and parsed.since == dt.date(2026, 11, 20)
    session.expire_all()
    stored = queue.get(session, item.id)
    assert (stored.state, stored.published_slug) == ("gepubliceerd", "stichting-gezonde-wijk")
    assert (stored.events[-1].actor, stored.events[-1].from_state) == ("redacteur", "getekend")


def test_record_never_holds_contact_data_or_free_text(session, bare_content):
    item = add_item(session, "getekend", "svg")
    text = publishing.publish(session, item, bare_content, "redacteur", NOW).record_text
    for value in [
        *CONTACT.values(),
        "Jansen",
        "geheim",
        "123 45 67",
        item.contribution_text,
        item.motivation,
        "Utrecht",
        "12345678",
    ]:
        assert value.lower() not in text.lower()


@pytest.mark.parametrize(
    "kind, filename",
    [
        ("svg", "stichting-gezonde-wijk.svg"),
        ("png", "stichting-gezonde-wijk.png"),
        ("jpeg", "stichting-gezonde-wijk.jpg"),
        ("webp", "stichting-gezonde-wijk.webp"),
        (None, ""),
    ],
)
def test_logo_extension_follows_the_content(session, bare_content, kind, filename):
    item = add_item(session, "getekend", logo=kind)
    publication = publishing.publish(session, item, bare_content, "redacteur", NOW)
    assert publication.logo_filename == filename
    text = (bare_content / "partners" / "stichting-gezonde-wijk.md").read_text()
    assert (f"Logo: logos/{filename}\n" in text) if filename else ("Logo:" not in text)
    assert files_in(bare_content) == sorted(
        ["partners/stichting-gezonde-wijk.md"] + ([f"logos/{filename}"] if filename else [])
    )


@pytest.mark.parametrize("state", ["nieuw", "in_behandeling", "stukken_verstuurd", "afgewezen", "spam"])
def test_only_a_signed_item_is_published(session, bare_content, state):
    item = add_item(session, state, "svg")
    with pytest.raises(publishing.PublishError, match="Alleen een item met de status ‘Overeenkomst getekend’"):
        publishing.publish(session, item, bare_content, "redacteur", NOW)
    assert files_in(bare_content) == [] and queue.get(session, item.id).state == state


def test_an_already_published_item_is_not_published_twice(session, bare_content):
    item = add_item(session, "getekend", "svg")
    publishing.publish(session, item, bare_content, "redacteur", NOW)
    with pytest.raises(publishing.PublishError, match="dit item heeft de status ‘Gepubliceerd’"):
        publishing.publish(session, item, bare_content, "redacteur", NOW)


@pytest.mark.parametrize("existing", ["partners/stichting-gezonde-wijk.md", "logos/stichting-gezonde-wijk.svg"])
def test_an_existing_file_is_never_overwritten(session, bare_content, existing):
    item = add_item(session, "getekend", "svg")
    target = bare_content / existing
    target.parent.mkdir(parents=True)
    target.write_text("Werk van de redacteur.\n")
    with pytest.raises(publishing.PublishError, match="bestaat al"):
        publishing.publish(session, item, bare_content, "redacteur", NOW)
    assert target.read_text() == "Werk van de redacteur.\n"
    assert files_in(bare_content) == [existing]
    session.expire_all()
    assert queue.get(session, item.id).state == "getekend"


def fail_on(call: int):
    """An os.link that raises OSError on its `call`-th use (1-based), like a full or read-only disk."""
    real, calls = os.link, []

    def link(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == call:
            raise OSError(30, "Read-only file system")
        return real(src, dst, *args, **kwargs)

    return link


@pytest.mark.parametrize("breakage", ["partners-is-a-file", "logos-is-a-file", "first-write", "second-write", "commit"])
def test_an_unwritable_target_leaves_no_files_and_the_item_signed(session, bare_content, monkeypatch, breakage):
    item = add_item(session, "getekend", "svg")
    bare_content.mkdir(exist_ok=True)
    if breakage.endswith("is-a-file"):
        (bare_content / breakage.split("-")[0]).write_text("geen map")
    elif breakage == "commit":
        monkeypatch.setattr(
            session, "commit", lambda: (_ for _ in ()).throw(OperationalError("COMMIT", {}, Exception("schijf vol")))
        )
    else:
        monkeypatch.setattr(os, "link", fail_on(1 if breakage == "first-write" else 2))
    before = files_in(bare_content)
    with pytest.raises(publishing.PublishError, match=r"niet|bestaat al"):
        publishing.publish(session, item, bare_content, "redacteur", NOW)
    assert files_in(bare_content) == before
    assert not list(bare_content.rglob(".*.tmp"))
    monkeypatch.undo()
    session.expire_all()
    stored = queue.get(session, item.id)
    assert (stored.state, stored.published_slug) == ("getekend", "")


def test_a_missing_content_folder_is_refused(session, tmp_path):
    item = add_item(session, "getekend", "svg")
    with pytest.raises(publishing.PublishError, match="bestaat niet"):
        publishing.publish(session, item, tmp_path / "nergens", "redacteur", NOW)
    assert not (tmp_path / "nergens").exists()


def test_a_damaged_logo_is_refused(session, bare_content):
    item = add_item(session, "getekend", logo="png")
    item.logo.data = raster("png")[:60]
    with pytest.raises(publishing.PublishError, match="Het logo kan niet worden gepubliceerd"):
        application.render(item, today=NOW.date())


def build(folder, tmp_path):
    """A whole Pelican build of `folder`."""
    return run_pelican(folder, tmp_path / "output")


@pytest.mark.slow
def test_published_partner_appears_on_the_wall_after_a_build(session, bare_content, tmp_path):
    publishing.publish(session, add_item(session, "getekend", "svg"), bare_content, "redacteur", NOW)
    out = build(bare_content, tmp_path)
    wall = (out / "partners" / "index.html").read_text()
    assert 'href="/partners/stichting-gezonde-wijk/"' in wall and 'alt="Stichting Gezonde Wijk"' in wall
    page = (out / "partners" / "stichting-gezonde-wijk" / "index.html").read_text()
    assert "Stichting Gezonde Wijk is partner van de Alliantie Nederland Rookvrij! sinds 20 november 2026." in page
    assert CONTACT["email"] not in page and CONTACT["contact_name"] not in page


@pytest.mark.slow
def test_a_hostile_name_is_published_escaped(session, bare_content, tmp_path):
    name = "<script>alert(1)</script>"
    publication = publishing.publish(
        session, add_item(session, "getekend", organisation_name=name), bare_content, "redacteur", NOW
    )
    assert publication.slug == "alert1"  # Pelican's slugify drops the tags
    out = build(bare_content, tmp_path)
    for page in (out / "partners" / "index.html", out / "partners" / publication.slug / "index.html"):
        html = page.read_text()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unknown_kind_is_not_published(session, bare_content):
    item = add_item(session, "getekend", "svg")
    item.kind = "verzoekje"
    with pytest.raises(
        publishing.PublishError, match=r"Dit soort item kan \(nog\) niet via publiceren worden verwerkt\."
    ):
        publishing.publish(session, item, bare_content, "redacteur", NOW)
    assert files_in(bare_content) == []
