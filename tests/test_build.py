"""Whole Pelican builds with the partners plugin, read back as a visitor's browser would get them."""

import csv
import html
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from benchmarks.synthetic import write_synthetic
from partners.records import RecordError

from .conftest import ROOT, run_pelican

ATOM = "{http://www.w3.org/2005/Atom}"


class Tags(HTMLParser):
    """Collect (tag, attrs) pairs of an HTML document."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(path: Path, name: str | None = None) -> list[dict]:
    parser = Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return [attrs for tag, attrs in parser.tags if name is None or tag == name]


def wall_tiles(path: Path) -> list[str]:
    """The inner HTML of each tile: every <li> of the wall's lists (<ul class="wall">), in page order."""
    page = path.read_text(encoding="utf-8")
    lists = re.findall(r'<ul class="wall" role="list">(.*?)</ul>', page, re.S)
    return [tile for chunk in lists for tile in re.findall(r"<li>(.*?)</li>", chunk, re.S)]


def tile_hrefs(path: Path) -> list[str]:
    """Each tile's link (its first and only href), in page order."""
    return [re.search(r'href="([^"]+)"', tile)[1] for tile in wall_tiles(path)]


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    """The repository's own content, built once."""
    out = tmp_path_factory.mktemp("real")
    return run_pelican(ROOT / "content", out / "output")


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    """40 synthetic partners with odd names, ended partnerships, every type, some without logo."""
    base = tmp_path_factory.mktemp("synthetic")
    content = base / "content"
    import shutil

    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    fields = write_synthetic(content, 40)
    return run_pelican(content, base / "output"), fields


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "over-de-alliantie/index.html",
        "rookvrije-generatie/index.html",
        "organisatie/index.html",
        "partner-worden/index.html",
        "privacy/index.html",
        "toegankelijkheid/index.html",
        "404.html",
        "partners/index.html",
        "partners/a-z/index.html",
        "partners/type/oprichter/index.html",
        "partners/type/bedrijf/index.html",
        "partners/longfonds/index.html",
        "partners.json",
        "partners.csv",
        "feeds/partners.atom.xml",
        "sitemap.xml",
        "robots.txt",
    ],
)
def test_real_site_has_every_page(real_site, path):
    assert (real_site / path).is_file()


def test_home_shows_count_founders_and_the_way_in(real_site):
    html = (real_site / "index.html").read_text()
    assert '<html lang="nl">' in html
    assert "3 partners werken samen" in html
    for name in ("KWF Kankerbestrijding", "Longfonds", "Hartstichting"):
        assert name in html
    assert 'href="/aanmelden/"' in html and 'href="/partner-worden/"' in html


def test_become_a_partner_lists_criteria_and_contributions_from_the_shared_source(real_site):
    from partners.criteria import CRITERIA
    from partners.schema import CONTRIBUTIONS

    html = (real_site / "partner-worden" / "index.html").read_text()
    for text in list(CRITERIA.values()) + list(CONTRIBUTIONS.values()):
        assert text.replace("'", "&#39;") in html
    assert 'href="/aanmelden/"' in html


def test_founders_without_logo_get_a_name_tile(real_site):
    html = (real_site / "partners" / "index.html").read_text()
    assert html.count('class="tile-fallback"') == 3
    assert not tags(real_site / "partners" / "index.html", "img")


def test_wall_order_founders_first_then_type_then_name(synthetic_site):
    out, fields = synthetic_site
    hrefs = tile_hrefs(out / "partners" / "index.html")
    active = [f for f in fields if "Until" not in f]
    order = ["oprichter", "maatschappelijke-organisatie", "overheid", "bedrijf"]
    expected = sorted(active, key=lambda f: (order.index(f["Type"]), f["Title"].casefold()))
    assert hrefs == [f"/partners/{f['Slug']}/" for f in expected]


def test_tile_link_names_the_partner_once(synthetic_site):
    """The logo's alt is the name and names the link; the caption under it repeats the name for sighted
    visitors only (aria-hidden, so screen readers hear it once). Without logo: the name is the link."""
    out, fields = synthetic_site
    tiles = wall_tiles(out / "partners" / "index.html")
    assert len(tiles) == len([f for f in fields if "Until" not in f])
    with_logo = [t for t in tiles if "<img" in t]
    assert with_logo and len(with_logo) < len(tiles)
    for tile in with_logo:
        link = re.fullmatch(r'<a href="[^"]+">(<img [^>]*>)<span aria-hidden="true">([^<]+)</span></a>', tile)
        assert link, tile
        assert f'alt="{link[2]}"' in link[1] and re.search(r'width="\d+" height="\d+"', link[1])
    for tile in tiles:
        if "<img" not in tile:
            assert re.fullmatch(r'<a class="tile-fallback" href="[^"]+">[^<]+</a>', tile), tile


def test_wall_lists_hold_12_tiles_so_rows_stay_full(tmp_path):
    """content-visibility works per list; 12 is the smallest multiple of every column count (1-4) of the wall."""
    import shutil

    shutil.copytree(ROOT / "content" / "pages", tmp_path / "content" / "pages")
    fields = write_synthetic(tmp_path / "content", 120)
    out = run_pelican(tmp_path / "content", tmp_path / "output")
    html = (out / "partners" / "index.html").read_text(encoding="utf-8")
    groups = re.findall(r'<section class="wall-group".*?</section>', html, re.S)
    assert len(groups) == 4
    all_sizes = []
    for group in groups:
        sizes = [chunk.count("<li>") for chunk in re.findall(r'<ul class="wall" role="list">.*?</ul>', group, re.S)]
        assert sizes and all(size == 12 for size in sizes[:-1]) and 0 < sizes[-1] <= 12
        all_sizes += sizes
    assert len(all_sizes) > len(groups)  # some group really is split
    assert sum(all_sizes) == len([f for f in fields if "Until" not in f])


def test_ended_partner_is_off_the_wall_and_its_page_says_so(synthetic_site):
    out, fields = synthetic_site
    ended = next(f for f in fields if "Until" in f)
    wall = (out / "partners" / "index.html").read_text()
    assert f"/partners/{ended['Slug']}/" not in wall
    page = (out / "partners" / ended["Slug"] / "index.html").read_text()
    assert "Het partnerschap van" in page and "is beëindigd op" in page


def badge_snippet(page: Path) -> str | None:
    """The HTML a partner copies from its page (the textarea's text, unescaped), or None."""
    found = re.search(r'<textarea id="badge-code"[^>]*>(.*?)</textarea>', page.read_text(encoding="utf-8"), re.S)
    return html.unescape(found.group(1)) if found else None


@pytest.mark.parametrize("site_url", ["", "https://www.voorbeeld.nl"])
def test_partner_page_offers_a_badge_linking_back(tmp_path, site_url):
    out = run_pelican(ROOT / "content", tmp_path / "output", SITEURL=site_url)
    base = site_url or "http://127.0.0.1:8000"  # a development build links to the preview
    snippet = badge_snippet(out / "partners" / "longfonds" / "index.html")
    assert snippet == (
        f'<a href="{base}/partners/longfonds/"><img src="{base}/theme/img/partner-badge.svg" '
        'width="240" height="64" alt="Partner van Alliantie Nederland Rookvrij!"></a>'
    )
    # The badge itself: a self-contained SVG of the size the snippet states, nothing fetched from elsewhere.
    svg = (out / "theme" / "img" / "partner-badge.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and (root.get("width"), root.get("height")) == ("240", "64")
    assert "href" not in svg and "url(" not in svg and "<script" not in svg


def test_ended_partner_page_has_no_badge(synthetic_site):
    out, fields = synthetic_site
    ended = next(f for f in fields if "Until" in f)
    active = next(f for f in fields if "Until" not in f)
    assert badge_snippet(out / "partners" / ended["Slug"] / "index.html") is None
    assert f"/partners/{active['Slug']}/" in badge_snippet(out / "partners" / active["Slug"] / "index.html")


def test_logos_have_alt_size_and_lazy_below_the_fold(synthetic_site):
    out, fields = synthetic_site
    images = tags(out / "partners" / "index.html", "img")
    titles = {f["Title"] for f in fields}
    assert images, "synthetic partners have logos"
    for image in images:
        assert image["alt"] in titles
        assert int(image["width"]) > 0 and int(image["height"]) > 0
        assert (out / image["src"].lstrip("/")).is_file()
        assert re.search(r"/logos/[a-z0-9-]+\.[0-9a-f]{12}\.svg$", image["src"])
    assert "loading" not in images[0]
    assert images[-1]["loading"] == "lazy"


def test_type_pages_filter_without_javascript(synthetic_site):
    out, fields = synthetic_site
    hrefs = set(tile_hrefs(out / "partners" / "type" / "overheid" / "index.html"))
    assert hrefs == {f"/partners/{f['Slug']}/" for f in fields if f["Type"] == "overheid" and "Until" not in f}


def test_bedrijf_page_mentions_status_aparte(synthetic_site):
    out, fields = synthetic_site
    company = next(f for f in fields if f["Type"] == "bedrijf")
    assert "status aparte" in (out / "partners" / company["Slug"] / "index.html").read_text()


def test_open_data_json_and_csv(synthetic_site):
    out, fields = synthetic_site
    data = json.loads((out / "partners.json").read_text())["partners"]
    assert {p["slug"] for p in data} == {f["Slug"] for f in fields}
    rows = list(csv.DictReader(io.StringIO((out / "partners.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(fields) and rows[0].keys() >= {"slug", "title", "type", "since", "until"}


def test_feed_lists_newest_partners_first(synthetic_site):
    out, fields = synthetic_site
    root = ET.parse(out / "feeds" / "partners.atom.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(fields)
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)


def test_sitemap_and_robots(synthetic_site):
    out, fields = synthetic_site
    locs = [
        e.text for e in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert "http://127.0.0.1:8000/partners/" in locs
    assert all(f"http://127.0.0.1:8000/partners/{f['Slug']}/" in locs for f in fields)
    assert len(locs) == len(set(locs))
    robots = (out / "robots.txt").read_text()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots
    assert "Disallow: /beheer/" in robots and "/aanmelden/" not in robots  # the form may be found


def test_no_request_leaves_the_origin(synthetic_site):
    out, _ = synthetic_site
    for html in out.rglob("*.html"):
        for attrs in tags(html):
            for name in ("src", "srcset", "poster", "data"):
                assert not attrs.get(name, "/").startswith(("http:", "https:", "//")), (html, attrs)
        for link in tags(html, "link"):
            assert link["href"].startswith("/"), (html, link)


@pytest.fixture
def hostile_record(write_record):
    """A record whose text fields try script, event-handler and formula injection."""
    write_record(
        {
            "Title": '<script>alert(1)</script> =HYPERLINK("http://x")',
            "Slug": "boos",
            "Type": "bedrijf",
            "Since": "2024-01-01",
            "Summary": "<img src=x onerror=alert(1)> javascript:alert(2)",
            "Sector": '"><svg onload=alert(3)>',
        },
        body="<script>alert(4)</script>\n\n[klik](javascript:alert(5))",
    )


def test_hostile_text_renders_inert(hostile_record, build):
    out = build()
    for page in (out / "partners" / "boos" / "index.html", out / "partners" / "index.html"):
        html = page.read_text()
        assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in (out / "partners" / "boos" / "index.html").read_text()


def test_csv_neutralises_formulas(hostile_record, build):
    out = build()
    rows = list(csv.DictReader(io.StringIO((out / "partners.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0]["title"].startswith("<script>")  # not a formula: untouched
    from partners.export import neutralise_cell

    assert neutralise_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_bad_record_stops_the_build(write_record, build):
    write_record(text="Title: Goed\nSlug: goed\nType: overheid\nSince: 2024-13-01\n", slug="goed")
    with pytest.raises(RecordError) as error:
        build()
    assert str(error.value).endswith("partners/goed.md:4: Since: '2024-13-01' is geen bestaande datum")


def test_pelican_command_exits_nonzero_with_path_and_line(content_dir, write_record, tmp_path):
    path = write_record(text="Title: Goed\nSlug: goed\nType: club\nSince: 2024-01-01\n", slug="goed")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content_dir),
            "-s",
            str(ROOT / "pelicanconf.py"),
            "-o",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())
    assert f"{path.name}:3: Type: moet een van deze zijn" in output
    assert not (tmp_path / "out" / "partners" / "goed").exists()


def test_rebuild_with_cache_sees_an_edited_record_and_logo(write_record, content_dir, build):
    (content_dir / "logos" / "een.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10"/>')
    path = write_record(
        {
            "Title": "Gemeente Een",
            "Slug": "gemeente-een",
            "Type": "overheid",
            "Since": "2024-01-01",
            "Logo": "logos/een.svg",
        }
    )
    out = build()
    assert "Gemeente Een" in (out / "partners" / "index.html").read_text()
    path.write_text(path.read_text().replace("Gemeente Een", "Gemeente Twee"))
    out = build()
    assert "Gemeente Twee" in (out / "partners" / "index.html").read_text()
    (content_dir / "logos" / "een.svg").write_bytes(b"GIF89a")
    with pytest.raises(RecordError, match="Logo: een.svg: dit is geen"):
        build()


def test_cached_rebuild_after_one_edit_equals_a_full_build(tmp_path):
    """The editor's fast rebuild must write exactly what a clean build writes."""
    import filecmp
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    fields = write_synthetic(content, 30)
    run_pelican(content, tmp_path / "incremental" / "output")
    edited = content / "partners" / f"{fields[7]['Slug']}.md"
    edited.write_text(edited.read_text().replace("Synthetische partner", "Gewijzigde partner"))
    (content / "partners" / f"{fields[8]['Slug']}.md").unlink()  # a removed partner leaves no page behind
    incremental = run_pelican(content, tmp_path / "incremental" / "output")
    clean = run_pelican(content, tmp_path / "clean" / "output")
    left = sorted(p.relative_to(incremental) for p in incremental.rglob("*") if p.is_file())
    right = sorted(p.relative_to(clean) for p in clean.rglob("*") if p.is_file())
    assert left == right
    _, mismatch, errors = filecmp.cmpfiles(incremental, clean, [str(p) for p in left], shallow=False)
    assert mismatch == [] and errors == []
    assert "Gewijzigde partner" in (incremental / "partners" / fields[7]["Slug"] / "index.html").read_text()
