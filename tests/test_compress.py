"""Pre-compressed output for gzip_static, minified theme files, and pages left alone when unchanged."""

import gzip
import os

import pytest

from partners.assets import minify_css, minify_js
from partners.compress import compress_tree, gzip_bytes
from partners.write_worker import write_if_changed

TEXT = "<p>" + "Rookvrije generatie. " * 40 + "</p>"


def test_gzip_is_deterministic():
    assert gzip_bytes(b"abc" * 200) == gzip_bytes(b"abc" * 200)
    assert gzip.decompress(gzip_bytes(b"abc" * 200)) == b"abc" * 200


@pytest.mark.parametrize(
    "name, compressed",
    [
        ("index.html", True),
        ("site.css", True),
        ("site.js", True),
        ("logo.svg", True),
        ("partners.json", True),
        ("partners.csv", True),
        ("sitemap.xml", True),
        ("logo.png", False),
        ("logo.webp", False),
    ],
)
def test_text_files_get_a_gz_beside_them(tmp_path, name, compressed):
    (tmp_path / name).write_text(TEXT)
    compress_tree(tmp_path)
    target = tmp_path / f"{name}.gz"
    assert target.is_file() == compressed
    if compressed:
        assert gzip.decompress(target.read_bytes()) == TEXT.encode()


def test_small_files_are_not_worth_compressing(tmp_path):
    (tmp_path / "robots.txt").write_text("User-agent: *\n")
    assert compress_tree(tmp_path) == (0, 0)
    assert not (tmp_path / "robots.txt.gz").exists()


def test_gz_is_written_only_when_its_source_changed(tmp_path):
    page = tmp_path / "a" / "index.html"
    page.parent.mkdir()
    page.write_text(TEXT)
    assert compress_tree(tmp_path) == (1, 0)
    stamp = (tmp_path / "a" / "index.html.gz").stat().st_mtime_ns
    assert compress_tree(tmp_path) == (0, 0)
    page.write_text(TEXT)  # rewritten with the same bytes: the .gz keeps its bytes
    assert compress_tree(tmp_path) == (0, 0)
    page.write_text(TEXT + "<p>nieuw</p>")
    assert compress_tree(tmp_path) == (1, 0)
    assert (tmp_path / "a" / "index.html.gz").stat().st_mtime_ns >= stamp
    assert gzip.decompress((tmp_path / "a" / "index.html.gz").read_bytes()).endswith(b"nieuw</p>")


def test_orphaned_gz_is_removed(tmp_path):
    (tmp_path / "weg.html.gz").write_bytes(gzip_bytes(b"x"))
    assert compress_tree(tmp_path) == (0, 1)
    assert not (tmp_path / "weg.html.gz").exists()


def test_write_if_changed_keeps_the_file_untouched(tmp_path):
    path = tmp_path / "f.html"
    assert write_if_changed(str(path), b"een")
    os.utime(path, ns=(1, 1))
    assert not write_if_changed(str(path), b"een")
    assert path.stat().st_mtime_ns == 1
    assert write_if_changed(str(path), b"twee") and path.read_bytes() == b"twee"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("/* uitleg */\n.a  >  .b {\n  color: red;\n  margin: 0 auto;\n}\n", ".a>.b{color:red;margin:0 auto}\n"),
        (".menu a:hover, .x :focus { x: y; }", ".menu a:hover,.x :focus{x:y}\n"),
        ("@media (max-width: 30rem) {\n  .f { a: b; }\n}", "@media (max-width:30rem){.f{a:b}}\n"),
    ],
)
def test_minify_css(source, expected):
    assert minify_css(source) == expected


def test_minify_js_keeps_code_lines():
    source = '(function () {\n  // uitleg\n\n  var a = "//niet weg";\n})();\n'
    assert minify_js(source) == '(function () {\nvar a = "//niet weg";\n})();\n'


def test_built_site_is_precompressed_minified_and_stable(write_record, build):
    write_record({"Title": "Gemeente Een", "Slug": "gemeente-een", "Type": "overheid", "Since": "2024-01-01"})
    out = build()
    pages = list(out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert gzip.decompress(page.with_name(page.name + ".gz").read_bytes()) == page.read_bytes()
    css = (out / "theme" / "css" / "site.css").read_text()
    assert "/*" not in css and "\n  " not in css and ".wall{" in css
    stamps = {
        p: p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file() and p.name.endswith((".html", ".html.gz", ".css", ".css.gz", ".js"))
    }
    build()
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # nothing unchanged was rewritten
