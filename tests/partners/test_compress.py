"""The .gz pass: a deterministic .gz beside every text file worth it, made again only when its file changed."""

import gzip
import os

import pytest

from partners.plugin.compress import MIN_BYTES, compress_tree, gzip_bytes

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
    page.write_text(TEXT)  # rewritten with the same bytes: the .gz is left as it is
    os.utime(page.with_name("index.html.gz"), ns=(1, 1))  # and older than its file
    assert compress_tree(tmp_path) == (0, 0)
    assert (tmp_path / "a" / "index.html.gz").stat().st_mtime_ns == 1
    page.write_text(TEXT + "<p>nieuw</p>")
    assert compress_tree(tmp_path) == (1, 0)
    assert (tmp_path / "a" / "index.html.gz").stat().st_mtime_ns >= stamp
    assert gzip.decompress((tmp_path / "a" / "index.html.gz").read_bytes()).endswith(b"nieuw</p>")


def test_orphaned_gz_is_removed(tmp_path):
    (tmp_path / "weg.html.gz").write_bytes(gzip_bytes(b"x"))
    assert compress_tree(tmp_path) == (0, 1)
    assert not (tmp_path / "weg.html.gz").exists()


def test_gz_of_a_file_that_shrank_below_the_minimum_is_removed(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(TEXT)
    compress_tree(tmp_path)
    page.write_bytes(b"x" * (MIN_BYTES - 1))
    assert compress_tree(tmp_path) == (0, 1)
    assert not (tmp_path / "index.html.gz").exists()
