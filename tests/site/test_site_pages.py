"""The built public site as a visitor's browser gets it: pages, the wall, partner pages, open data, feeds."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from partners.criteria import CRITERIA
from partners.export import neutralise_cell
from partners.schema import CONTRIBUTIONS

from .reading import badge_snippet, tags, tile_hrefs, wall_tiles

ATOM = "{http://www.w3.org/2005/Atom}"


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
    assert re.search(r"<strong>3</strong> <span>organisaties werken samen in de Alliantie</span>", html)
    assert "Deze drie organisaties vormen samen het bestuur" in html
    for name in ("KWF Kankerbestrijding", "Longfonds", "Hartstichting"):
        assert name in html
    assert 'href="/aanmelden/"' in html and 'href="/partner-worden/"' in html


def test_become_a_partner_lists_criteria_and_contributions_from_the_shared_source(real_site):
    html = (real_site / "partner-worden" / "index.html").read_text()
    for text in list(CRITERIA.values()) + list(CONTRIBUTIONS.values()):
        assert text.replace("'", "&#39;") in html
    assert 'href="/aanmelden/"' in html


@pytest.mark.parametrize("page", ["partners/index.html", "index.html"])
def test_founders_without_logo_get_an_initials_tile(real_site, page):
    """The wall and the home page's founders: initials (hidden from screen readers) and the name."""
    tiles = wall_tiles(real_site / page)
    assert sorted(tiles) == sorted(
        f'<a class="tile-fallback" href="/partners/{slug}/"><b aria-hidden="true">{initials}</b>{name}</a>'
        for slug, initials, name in [
            ("hartstichting", "H", "Hartstichting"),
            ("kwf-kankerbestrijding", "KWF", "KWF Kankerbestrijding"),
            ("longfonds", "L", "Longfonds"),
        ]
    )
    assert not tags(real_site / page, "img")


def test_wall_order_founders_first_then_type_then_name(site):
    out, fields = site.output, site.fields
    hrefs = tile_hrefs(out / "partners" / "index.html")
    active = [f for f in fields if "Until" not in f]
    order = ["oprichter", "maatschappelijke-organisatie", "overheid", "bedrijf"]
    expected = sorted(active, key=lambda f: (order.index(f["Type"]), f["Title"].casefold()))
    assert hrefs == [f"/partners/{f['Slug']}/" for f in expected]


def test_tile_link_names_the_partner_once(site):
    """The logo's alt is the name and names the link; the caption under it repeats the name for sighted
    visitors only (aria-hidden, so screen readers hear it once). Without logo: the name is the link."""
    out, fields = site.output, site.fields
    tiles = wall_tiles(out / "partners" / "index.html")
    assert len(tiles) == len([f for f in fields if "Until" not in f])
    with_logo = [t for t in tiles if "<img" in t]
    assert with_logo and len(with_logo) < len(tiles)
    for tile in with_logo:
        link = re.fullmatch(
            r'<a href="[^"]+">(?:<picture><source [^>]*>)?(<img [^>]*>)(?:</picture>)?'
            r'<span aria-hidden="true">([^<]+)</span></a>',
            tile,
        )
        assert link, tile
        assert f'alt="{link[2]}"' in link[1] and re.search(r'width="\d+" height="\d+"', link[1])
    for tile in tiles:
        if "<img" not in tile:
            assert re.fullmatch(
                r'<a class="tile-fallback" href="[^"]+"><b aria-hidden="true">[^<]+</b>[^<]+</a>', tile
            ), tile


def test_wall_lists_hold_12_tiles_so_rows_stay_full(site):
    """content-visibility works per list; 12 is the smallest multiple of every column count (1-4) of the wall."""
    html = (site.output / "partners" / "index.html").read_text(encoding="utf-8")
    groups = re.findall(r'<section class="wall-group".*?</section>', html, re.S)
    assert len(groups) == 4
    all_sizes = []
    for group in groups:
        sizes = [chunk.count("<li>") for chunk in re.findall(r'<ul class="wall" role="list">.*?</ul>', group, re.S)]
        assert sizes and all(size == 12 for size in sizes[:-1]) and 0 < sizes[-1] <= 12
        all_sizes += sizes
    assert len(all_sizes) > len(groups)  # some group really is split
    assert sum(all_sizes) == len([f for f in site.fields if "Until" not in f])


def test_ended_partner_is_off_the_wall_and_its_page_says_so(site):
    out, fields = site.output, site.fields
    ended = next(f for f in fields if "Until" in f)
    wall = (out / "partners" / "index.html").read_text()
    assert f"/partners/{ended['Slug']}/" not in wall
    page = (out / "partners" / ended["Slug"] / "index.html").read_text()
    assert "Dit partnerschap is beëindigd op" in page


@pytest.mark.parametrize(
    ("built", "base"), [("real_site", "http://127.0.0.1:8000"), ("published_site", "https://www.voorbeeld.nl")]
)
def test_partner_page_offers_a_badge_linking_back(request, built, base):
    """A development build links to the preview, a production build to the public address."""
    out = request.getfixturevalue(built)
    snippet = badge_snippet(out / "partners" / "longfonds" / "index.html")
    assert snippet == (
        f'<a href="{base}/partners/longfonds/"><img src="{base}/theme/img/partner-badge.svg" '
        'width="240" height="64" alt="Partner van de Alliantie Nederland Rookvrij!"></a>'
    )
    # The badge itself: a self-contained SVG of the size the snippet states, nothing fetched from elsewhere.
    svg = (out / "theme" / "img" / "partner-badge.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and (root.get("width"), root.get("height")) == ("240", "64")
    assert "href" not in svg and "url(" not in svg and "<script" not in svg


def test_ended_partner_page_has_no_badge(site):
    out, fields = site.output, site.fields
    ended = next(f for f in fields if "Until" in f)
    active = next(f for f in fields if "Until" not in f)
    assert badge_snippet(out / "partners" / ended["Slug"] / "index.html") is None
    snippet = badge_snippet(out / "partners" / active["Slug"] / "index.html")
    assert snippet is not None and f"/partners/{active['Slug']}/" in snippet


def test_logos_have_alt_size_and_lazy_below_the_fold(site):
    out, fields = site.output, site.fields
    images = tags(out / "partners" / "index.html", "img")
    titles = {f["Title"] for f in fields}
    assert images, "synthetic partners have logos"
    for image in images:
        assert image["alt"] in titles
        assert int(image["width"]) > 0 and int(image["height"]) > 0
        assert (out / image["src"].lstrip("/")).is_file()
        assert re.search(r"/logos/[a-z0-9-]+\.[0-9a-f]{12}\.(svg|png)$", image["src"])
    assert "loading" not in images[0]
    assert images[-1]["loading"] == "lazy"


def test_type_pages_filter_without_javascript(site):
    out, fields = site.output, site.fields
    hrefs = set(tile_hrefs(out / "partners" / "type" / "overheid" / "index.html"))
    assert hrefs == {f"/partners/{f['Slug']}/" for f in fields if f["Type"] == "overheid" and "Until" not in f}


def test_bedrijf_page_mentions_status_aparte(site):
    out, fields = site.output, site.fields
    company = next(f for f in fields if f["Type"] == "bedrijf")
    assert "status aparte" in (out / "partners" / company["Slug"] / "index.html").read_text()


def test_open_data_json_and_csv(site):
    out, fields = site.output, site.fields
    data = json.loads((out / "partners.json").read_text())["partners"]
    assert {p["slug"] for p in data} == {f["Slug"] for f in fields}
    rows = list(csv.DictReader(io.StringIO((out / "partners.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(fields) and rows[0].keys() >= {"slug", "title", "type", "since", "until"}


def test_feed_lists_newest_partners_first(site):
    out, fields = site.output, site.fields
    root = ET.parse(out / "feeds" / "partners.atom.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(fields)
    updated = [e.findtext(f"{ATOM}updated", default="") for e in entries]
    assert all(updated), "every entry has an <updated>"
    assert updated == sorted(updated, reverse=True)


def test_sitemap_and_robots(site):
    out, fields = site.output, site.fields
    locs = [
        e.text for e in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert "http://127.0.0.1:8000/partners/" in locs
    assert all(f"http://127.0.0.1:8000/partners/{f['Slug']}/" in locs for f in fields)
    assert len(locs) == len(set(locs))
    robots = (out / "robots.txt").read_text()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots
    assert "Disallow: /beheer/" in robots and "/aanmelden/" not in robots  # the form may be found


def test_no_request_leaves_the_origin(site):
    out = site.output
    for html in out.rglob("*.html"):
        for attrs in tags(html):
            for name in ("src", "srcset", "poster", "data"):
                assert not attrs.get(name, "/").startswith(("http:", "https:", "//")), (html, attrs)
        for link in tags(html, "link"):
            assert link["href"].startswith("/"), (html, link)


def test_raster_logo_uses_picture_with_webp_first_on_wall_and_partner_page(site):
    out = site.output
    for page in (out / "partners" / "index.html", out / "partners" / "gemeente-foto" / "index.html"):
        html = page.read_text()
        assert re.search(r'<picture><source type="image/webp" srcset="[^"]+ 1x, [^"]+ 2x"><img[^>]*></picture>', html)
        image = next(i for i in tags(page, "img") if i["alt"] == "Gemeente Foto")
        assert (image["width"], image["height"]) == ("200", "100")
        sources = [s["srcset"] for s in tags(page, "source") if "gemeente-foto" in s["srcset"]]
        for candidate in image["srcset"].split(", ") + sources[0].split(", "):
            assert (out / candidate.split()[0].lstrip("/")).is_file()


def test_hostile_text_renders_inert(hostile_site):
    for page in (hostile_site / "partners" / "boos" / "index.html", hostile_site / "partners" / "index.html"):
        html = page.read_text()
        assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in (hostile_site / "partners" / "boos" / "index.html").read_text()


def test_csv_neutralises_formulas(hostile_site):
    rows = list(csv.DictReader(io.StringIO((hostile_site / "partners.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0]["title"].startswith("<script>")  # not a formula: untouched
    assert neutralise_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
