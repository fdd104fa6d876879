"""Built sites shared by the tests that only read the output: each is built once per session."""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from benchmarks.synthetic import write_synthetic
from partners.records import load_records
from partners.render import make_slug, render_record
from tests.conftest import ROOT, run_pelican, serve_folder

RASTER_PARTNER = {
    "Title": "Gemeente Foto",
    "Slug": "gemeente-foto",
    "Type": "overheid",
    "Since": "2024-01-01",
    "Logo": "logos/foto.png",
}
HOSTILE_PARTNER = {
    "Title": '<script>alert(1)</script> =HYPERLINK("http://x")',
    "Slug": "boos",
    "Type": "bedrijf",
    "Since": "2024-01-01",
    "Summary": "<img src=x onerror=alert(1)> javascript:alert(2)",
    "Sector": '"><svg onload=alert(3)>',
}


@dataclasses.dataclass(frozen=True)
class BuiltSite:
    """A build's output folder and the fields of every partner in it."""

    output: Path
    fields: list[dict]


def _fields_of(content: Path) -> list[dict]:
    """The header fields of the records in a content folder, as write_synthetic returns them."""
    records, problems = load_records(content, check_logo_files=False)
    assert problems == []
    return [
        {"Title": r.title, "Slug": r.slug, "Type": r.type} | ({"Until": r.until.isoformat()} if r.until else {})
        for r in records
    ]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    """The real pages and founders, 40 synthetic partners (odd names, ended, SVG logos, name tiles), one PNG logo."""
    base = tmp_path_factory.mktemp("site")
    content = base / "content"
    shutil.copytree(ROOT / "content", content)
    write_synthetic(content, 40)
    buffer = io.BytesIO()
    Image.new("RGB", (800, 400), (11, 93, 80)).save(buffer, "PNG")
    (content / "logos" / "foto.png").write_bytes(buffer.getvalue())
    (content / "partners" / "gemeente-foto.md").write_text(render_record(RASTER_PARTNER, "Een gemeente."))
    return BuiltSite(run_pelican(content, base / "output"), _fields_of(content))


@pytest.fixture(scope="session")
def site_url(site):
    """The shared site served on a loopback port for the browser."""
    server, url = serve_folder(site.output)
    yield url
    server.shutdown()


#: Partners without logos, of two types besides the founders, and no bedrijf: a filter that finds none.
PLAIN_PARTNERS = [
    ("GGD Hollands Midden", "maatschappelijke-organisatie"),
    ("Stichting Rookvrije Sport", "maatschappelijke-organisatie"),
    ("Vereniging Gezonde Scholen", "maatschappelijke-organisatie"),
    ("Jeugdfonds ’t Zonnetje", "maatschappelijke-organisatie"),
    ("Gemeente Utrecht", "overheid"),
    ("Gemeente Súdwest-Fryslân", "overheid"),
    ("Provincie Gelderland", "overheid"),
]


@pytest.fixture(scope="session")
def plain_site(tmp_path_factory) -> Path:
    """The real pages and founders, and seven partners without logo of two types; no bedrijven."""
    base = tmp_path_factory.mktemp("plain")
    content = base / "content"
    shutil.copytree(ROOT / "content", content)
    for title, kind in PLAIN_PARTNERS:
        slug = make_slug(title)
        fields = {"Title": title, "Slug": slug, "Type": kind, "Since": "2024-03-01"}
        (content / "partners" / f"{slug}.md").write_text(render_record(fields, "Een partner zonder logo."))
    return run_pelican(content, base / "output")


@pytest.fixture(scope="session")
def plain_url(plain_site):
    """The site without logos served on a loopback port."""
    server, url = serve_folder(plain_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def live_url(site, tmp_path_factory):
    """The form handler and the shared site behind one real server, as `make run` serves them."""
    from tests.live import LiveServer

    base = tmp_path_factory.mktemp("live")
    server = LiveServer({"DATABASE_URL": f"sqlite:///{base / 'q.sqlite3'}", "SITE_DIR": str(site.output)})
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The repository's own content (pages and the three founders), built as `make build` does."""
    return run_pelican(ROOT / "content", tmp_path_factory.mktemp("real") / "output")


@pytest.fixture(scope="session")
def real_url(real_site):
    """The repository's own content served on a loopback port."""
    server, url = serve_folder(real_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> Path:
    """The repository's own content built with publishconf.py for a public address."""
    out = tmp_path_factory.mktemp("published") / "output"
    return run_pelican(ROOT / "content", out, "publishconf.py", SITEURL="https://www.voorbeeld.nl")


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    """The real pages and one record whose text fields try script, event-handler and formula injection."""
    base = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "content" / "pages", base / "content" / "pages")
    (base / "content" / "partners").mkdir()
    body = "<script>alert(4)</script>\n\n[klik](javascript:alert(5))"
    (base / "content" / "partners" / "boos.md").write_text(render_record(HOSTILE_PARTNER, body))
    return run_pelican(base / "content", base / "output")
