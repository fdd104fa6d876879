"""Logo files: the sizes the wall shows, WebP with fallback, minified SVG, a cache keyed by content hash."""

import datetime as dt
import io
import random
import re

import pytest
from PIL import Image

from partners.logos import LogoError
from partners.plugin.logo_files import LogoFiles, variant_sizes
from partners.schema import Record

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10"/>'


def raster(fmt: str, size: tuple[int, int], color=(11, 93, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def noise(size: tuple[int, int], seed: int = 1) -> bytes:
    """A PNG that does not compress, so every derived size is a real file of some size."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", size, bytes(rng.randrange(256) for _ in range(size[0] * size[1] * 3)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def add_logo(logo_files: LogoFiles, name: str, data: bytes) -> Record:
    """Write content/logos/NAME and return a record that uses it."""
    (logo_files.content_dir / "logos" / name).write_bytes(data)
    slug = name.split(".")[0]
    return Record(title=slug.title(), slug=slug, type="overheid", since=dt.date(2024, 1, 1), logo=f"logos/{name}")


def published(logo_files: LogoFiles, url: str) -> bytes:
    return logo_files.outputs[url.rsplit("/", 1)[-1]].read_bytes()


@pytest.mark.parametrize(
    "source, shown, files",
    [
        ((800, 400), (200, 100), [(200, 100), (400, 200)]),  # 1x and 2x of the tile box
        ((300, 150), (200, 100), [(200, 100), (300, 150)]),  # 1.5x: the source has no more pixels
        ((120, 40), (120, 40), [(120, 40)]),  # small: shown as is, never upscaled
        ((210, 100), (200, 95), [(200, 95)]),  # barely larger: a second file is not worth it
        ((100, 800), (12, 100), [(12, 100), (24, 200)]),  # tall logos fit the box height
    ],
)
def test_variant_sizes(source, shown, files):
    sizes = variant_sizes(*source)
    assert sizes[0][1:] == shown
    assert [s[1:] for s in sizes] == files


@pytest.mark.parametrize("fmt, ext", [("PNG", "png"), ("JPEG", "jpg")])
def test_raster_gets_webp_and_original_format_at_1x_and_2x(logo_files, fmt, ext):
    logo = logo_files.process(add_logo(logo_files, f"groot.{ext}", raster(fmt, (800, 400))))
    assert (logo.width, logo.height) == (200, 100)
    fallback = [part.split() for part in logo.srcset.split(", ")]
    webp = [part.split() for part in logo.webp_srcset.split(", ")]
    assert [d for _, d in fallback] == [d for _, d in webp] == ["1x", "2x"]
    assert fallback[0][0] == logo.url
    for (url, _), expected in zip(fallback, [(200, 100), (400, 200)], strict=True):
        assert re.fullmatch(rf"/logos/groot-\d+w\.[0-9a-f]{{12}}\.{ext}", url)
        assert Image.open(io.BytesIO(published(logo_files, url))).size == expected
    for (url, _), expected in zip(webp, [(200, 100), (400, 200)], strict=True):
        data = published(logo_files, url)
        assert url.endswith(".webp") and data[8:12] == b"WEBP"
        assert Image.open(io.BytesIO(data)).size == expected


def test_webp_source_needs_no_second_format(logo_files):
    logo = logo_files.process(add_logo(logo_files, "web.webp", raster("WEBP", (400, 200))))
    assert logo.url.endswith(".webp") and logo.webp_srcset == ""
    assert logo.srcset.endswith(" 2x")


def test_svg_is_minified_and_stays_sanitised(logo_files):
    source = (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80">\n'
        b'  <script>alert(1)</script>\n  <g>\n    <rect width="200" height="80" onclick="x()"/>\n  </g>\n'
        b'  <text x="5" y="40">Rook <tspan>vrij</tspan> nu</text>\n</svg>\n'
    )
    logo = logo_files.process(add_logo(logo_files, "vector.svg", source))
    data = published(logo_files, logo.url)
    assert re.fullmatch(r"vector\.[0-9a-f]{12}\.svg", logo.file_name)
    assert b">\n" not in data and b">  <" not in data
    assert b"<script" not in data and b"onclick" not in data
    assert b">Rook <" in data and b"</tspan> nu<" in data  # spaces inside text are kept
    assert (logo.width, logo.height, logo.srcset, logo.webp_srcset) == (200, 80, "", "")


def test_each_logo_is_derived_once_and_found_by_its_bytes(logo_files):
    rec = add_logo(logo_files, "kort.png", noise((420, 210)))
    first = logo_files.process(rec)
    assert logo_files.derived == 1
    again = LogoFiles(logo_files.content_dir, logo_files.cache_dir)
    assert again.process(rec) == first and again.derived == 0
    assert {name: path.read_bytes() for name, path in again.outputs.items()} == {
        name: path.read_bytes() for name, path in logo_files.outputs.items()
    }
    (logo_files.content_dir / rec.logo).write_bytes(noise((420, 210), seed=2))  # same size, other bytes
    changed = LogoFiles(logo_files.content_dir, logo_files.cache_dir)
    assert changed.process(rec).url != first.url and changed.derived == 1


def test_the_same_bytes_under_another_extension_are_checked_again(logo_files):
    svg_record = add_logo(logo_files, "een.svg", SVG)
    logo_files.process(svg_record)
    png_record = add_logo(logo_files, "twee.png", SVG)
    with pytest.raises(LogoError, match=r"eindigt op \.png, maar de inhoud is SVG"):
        logo_files.process(png_record)


def test_incomplete_cache_entry_is_derived_again(logo_files):
    rec = add_logo(logo_files, "half.png", noise((420, 210)))
    first = logo_files.process(rec)
    next(logo_files.cache_dir.glob("*/meta.json")).unlink()  # a build that stopped while storing it
    again = LogoFiles(logo_files.content_dir, logo_files.cache_dir)
    assert again.process(rec) == first and again.derived == 1


def test_refused_logo_raises_and_leaves_nothing_in_the_cache(logo_files):
    with pytest.raises(LogoError, match="geen SVG-, PNG-, JPEG- of WebP-afbeelding"):
        logo_files.process(add_logo(logo_files, "kapot.png", b"GIF89a niet echt"))
    assert not logo_files.cache_dir.exists() or not any(logo_files.cache_dir.iterdir())


def test_write_keeps_current_files_and_their_gz_and_drops_stale_ones(logo_files, tmp_path):
    logo = logo_files.process(add_logo(logo_files, "blijft.png", raster("PNG", (400, 200))))
    out = tmp_path / "out"
    (out / "logos").mkdir(parents=True)
    for stale in ("weg.0123456789ab.png", "weg.0123456789ab.svg.gz"):
        (out / "logos" / stale).write_bytes(b"x")
    logo_files.write(out)
    (out / "logos" / f"{logo.file_name}.gz").write_bytes(b"gz")
    stamp = (out / "logos" / logo.file_name).stat().st_mtime_ns
    logo_files.write(out)
    assert sorted(p.name for p in (out / "logos").iterdir()) == sorted([*logo_files.outputs, f"{logo.file_name}.gz"])
    assert (out / "logos" / logo.file_name).stat().st_mtime_ns == stamp  # unchanged: not written again


def test_prune_cache_keeps_only_the_logos_of_this_build(logo_files):
    old = add_logo(logo_files, "oud.svg", SVG)
    logo_files.process(old)
    current = add_logo(logo_files, "nieuw.svg", SVG.replace(b"20 10", b"30 10"))
    later = LogoFiles(logo_files.content_dir, logo_files.cache_dir)
    later.process(current)
    later.prune_cache()
    assert len(list(logo_files.cache_dir.iterdir())) == 1
    assert LogoFiles(logo_files.content_dir, logo_files.cache_dir).process(current) == later.process(current)
