"""Publishing a signed application: the exact record, the logo, every refusal, and a real build."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from sqlalchemy.exc import OperationalError

from formhandler import queue
from formhandler.publish import PublishError, announcement, markdown_text, publish_item, render_publication
from partners.records import read_record

from .conftest import ROOT, run_pelican
from .queue_fixtures import CONTACT, SVG, add_item, raster, session  # noqa: F401

NOW = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.timezone.utc)

EXPECTED = """Title: Stichting Gezonde Wijk
Slug: stichting-gezonde-wijk
Type: maatschappelijke-organisatie
Website: https://www.gezondewijk.example.nl
Logo: logos/stichting-gezonde-wijk.svg
Since: 2026-11-20
Contributions: kennis, netwerk

Stichting Gezonde Wijk is partner van de Alliantie Nederland Rookvrij! sinds 20 november 2026.
"""


@pytest.fixture
def content(tmp_path):
    """A content folder with the real pages and no partners yet."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", folder / "pages")
    return folder


def files_in(content):
    """Every file publishing may have written, relative to content/."""
    return sorted(str(p.relative_to(content)) for p in content.rglob("*") if p.is_file() and "pages" not in p.parts)


def test_publish_writes_the_exact_record_and_logo(session, content):
    item = add_item(session)
    publication = publish_item(session, item, content, "redacteur", now=NOW)
    record = content / "partners" / "stichting-gezonde-wijk.md"
    assert record.read_text(encoding="utf-8") == EXPECTED
    assert (content / "logos" / "stichting-gezonde-wijk.svg").read_bytes() == item.logo.data == publication.logo_bytes
    assert files_in(content) == ["logos/stichting-gezonde-wijk.svg", "partners/stichting-gezonde-wijk.md"]
    parsed, problems = read_record(record, content)
    assert problems == [] and parsed.title == "Stichting Gezonde Wijk" and parsed.since == dt.date(2026, 11, 20)
    session.expire_all()
    stored = queue.get(session, item.id)
    assert (stored.state, stored.published_slug) == ("gepubliceerd", "stichting-gezonde-wijk")
    assert (stored.events[-1].actor, stored.events[-1].from_state) == ("redacteur", "getekend")


def test_record_never_holds_contact_data_or_free_text(session, content):
    item = add_item(session)
    text = publish_item(session, item, content, "redacteur", now=NOW).record_text
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
def test_logo_extension_follows_the_content(session, content, kind, filename):
    item = add_item(session, logo=kind)
    publication = publish_item(session, item, content, "redacteur", now=NOW)
    assert publication.logo_filename == filename
    text = (content / "partners" / "stichting-gezonde-wijk.md").read_text()
    assert (f"Logo: logos/{filename}\n" in text) if filename else ("Logo:" not in text)
    assert files_in(content) == sorted(
        ["partners/stichting-gezonde-wijk.md"] + ([f"logos/{filename}"] if filename else [])
    )


@pytest.mark.parametrize("state", ["nieuw", "in_behandeling", "stukken_verstuurd", "afgewezen", "spam"])
def test_only_a_signed_item_is_published(session, content, state):
    item = add_item(session, state=state)
    with pytest.raises(PublishError, match="Alleen een item met de status 'Overeenkomst getekend'"):
        publish_item(session, item, content, "redacteur", now=NOW)
    assert files_in(content) == [] and queue.get(session, item.id).state == state


def test_an_already_published_item_is_not_published_twice(session, content):
    item = add_item(session)
    publish_item(session, item, content, "redacteur", now=NOW)
    with pytest.raises(PublishError, match="status 'gepubliceerd'"):
        publish_item(session, item, content, "redacteur", now=NOW)


@pytest.mark.parametrize("existing", ["partners/stichting-gezonde-wijk.md", "logos/stichting-gezonde-wijk.svg"])
def test_an_existing_file_is_never_overwritten(session, content, existing):
    item = add_item(session)
    target = content / existing
    target.parent.mkdir(parents=True)
    target.write_text("Werk van de redacteur.\n")
    with pytest.raises(PublishError, match="bestaat al"):
        publish_item(session, item, content, "redacteur", now=NOW)
    assert target.read_text() == "Werk van de redacteur.\n"
    assert files_in(content) == [existing]
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
def test_an_unwritable_target_leaves_no_files_and_the_item_signed(session, content, monkeypatch, breakage):
    item = add_item(session)
    content.mkdir(exist_ok=True)
    if breakage.endswith("is-a-file"):
        (content / breakage.split("-")[0]).write_text("geen map")
    elif breakage == "commit":
        monkeypatch.setattr(
            session, "commit", lambda: (_ for _ in ()).throw(OperationalError("COMMIT", {}, "schijf vol"))
        )
    else:
        monkeypatch.setattr(os, "link", fail_on(1 if breakage == "first-write" else 2))
    before = files_in(content)
    with pytest.raises(PublishError, match="niet|bestaat al"):
        publish_item(session, item, content, "redacteur", now=NOW)
    assert files_in(content) == before
    assert not [p for p in content.rglob(".*.tmp")]
    monkeypatch.undo()
    session.expire_all()
    stored = queue.get(session, item.id)
    assert (stored.state, stored.published_slug) == ("getekend", "")


def test_a_missing_content_folder_is_refused(session, tmp_path):
    item = add_item(session)
    with pytest.raises(PublishError, match="bestaat niet"):
        publish_item(session, item, tmp_path / "nergens", "redacteur", now=NOW)
    assert not (tmp_path / "nergens").exists()


def test_a_damaged_logo_is_refused(session, content):
    item = add_item(session, logo="png")
    item.logo.data = raster("png")[:60]
    with pytest.raises(PublishError, match="Het logo kan niet worden gepubliceerd"):
        render_publication(item, NOW.date())


@pytest.mark.parametrize(
    "name, shown",
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("A & B *nadruk* [link](javascript:alert(1))", "A &amp; B \\*nadruk\\* \\[link\\](javascript:alert(1))"),
        ("1. Eerste", "1\\. Eerste"),
        ("# Kop", "\\# Kop"),
        ("- Lijst", "\\- Lijst"),
    ],
)
def test_names_stay_plain_text_in_markdown(name, shown):
    assert markdown_text(name) == shown


def build(content, tmp_path):
    """A whole Pelican build of `content`."""
    return run_pelican(content, tmp_path / "output")


@pytest.mark.slow
def test_published_partner_appears_on_the_wall_after_a_build(session, content, tmp_path):
    publish_item(session, add_item(session), content, "redacteur", now=NOW)
    out = build(content, tmp_path)
    wall = (out / "partners" / "index.html").read_text()
    assert 'href="/partners/stichting-gezonde-wijk/"' in wall and 'alt="Stichting Gezonde Wijk"' in wall
    page = (out / "partners" / "stichting-gezonde-wijk" / "index.html").read_text()
    assert "Stichting Gezonde Wijk is partner van de Alliantie Nederland Rookvrij! sinds 20 november 2026." in page
    assert CONTACT["email"] not in page and CONTACT["contact_name"] not in page


@pytest.mark.slow
def test_a_hostile_name_is_published_escaped(session, content, tmp_path):
    name = "<script>alert(1)</script>"
    publication = publish_item(
        session, add_item(session, organisation_name=name, logo=None), content, "redacteur", now=NOW
    )
    assert publication.slug == "alert1"  # Pelican's slugify drops the tags
    out = build(content, tmp_path)
    for page in (out / "partners" / "index.html", out / "partners" / publication.slug / "index.html"):
        html = page.read_text()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_announcement_lists_partners_published_since_the_date(session, content):
    early = add_item(session, organisation_name="Gemeente Vroeg", organisation_type="overheid", website="")
    publish_item(session, early, content, "redacteur", now=NOW - dt.timedelta(days=30))
    publish_item(session, add_item(session, organisation_type="bedrijf"), content, "redacteur", now=NOW)
    add_item(session, organisation_name="Nog Niet Getekend", state="stukken_verstuurd")
    text = announcement(session, dt.date(2026, 11, 1))
    assert text == (
        "# Nieuwe partners sinds 1 november 2026\n\n"
        "Sinds 1 november 2026 is 1 organisatie partner geworden van de Alliantie Nederland Rookvrij!\n\n"
        "- **Stichting Gezonde Wijk** (Bedrijf (status aparte)), partner sinds 20 november 2026: "
        "<https://www.gezondewijk.example.nl>\n"
    )
    both = announcement(session, dt.date(2026, 10, 1))
    assert "2 organisaties" in both and "- **Gemeente Vroeg** (Overheid), partner sinds 21 oktober 2026\n" in both


def test_announcement_without_new_partners_says_so(session):
    assert announcement(session, dt.date(2026, 1, 1)).endswith(
        "Er zijn in deze periode geen nieuwe partners gepubliceerd.\n"
    )
