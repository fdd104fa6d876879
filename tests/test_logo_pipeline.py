"""The logo pipeline: sizes the wall shows, WebP with fallback, minified SVG, cache by content hash."""

import io
import re
import time

import pytest
from PIL import Image

from partners.logo_pipeline import LogoPipeline, variant_sizes
from partners.schema import Record

from .test_build import tags


def raster(fmt: str, size: tuple[int, int], color=(11, 93, 80)) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def record(slug: str, logo: str) -> Record:
    import datetime as dt

    return Record(title=slug.title(), slug=slug, type="overheid", since=dt.date(2024, 1, 1), logo=logo)


@pytest.fixture
def pipeline(tmp_path):
    """A pipeline over an empty content/logos folder with its own cache."""
    (tmp_path / "content" / "logos").mkdir(parents=True)
    return LogoPipeline(tmp_path / "content", tmp_path / "cache")


def add_logo(pipeline, name: str, data: bytes) -> Record:
    (pipeline.content_dir / "logos" / name).write_bytes(data)
    return record(name.split(".")[0], f"logos/{name}")


def pixel_size(pipeline, url: str) -> tuple[int, int]:
    return Image.open(io.BytesIO(pipeline.outputs[url.rsplit("/", 1)[-1]])).size


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
def test_raster_gets_webp_and_original_format_at_1x_and_2x(pipeline, fmt, ext):
    logo = pipeline.process(add_logo(pipeline, f"groot.{ext}", raster(fmt, (800, 400))))
    assert (logo.width, logo.height) == (200, 100)
    fallback = [part.split() for part in logo.srcset.split(", ")]
    webp = [part.split() for part in logo.webp_srcset.split(", ")]
    assert [d for _, d in fallback] == [d for _, d in webp] == ["1x", "2x"]
    assert fallback[0][0] == logo.url
    for (url, _), expected in zip(fallback, [(200, 100), (400, 200)]):
        assert re.fullmatch(rf"/logos/groot-\d+w\.[0-9a-f]{{12}}\.{ext}", url)
        assert pixel_size(pipeline, url) == expected
    for (url, _), expected in zip(webp, [(200, 100), (400, 200)]):
        assert url.endswith(".webp") and pipeline.outputs[url.rsplit("/", 1)[-1]][8:12] == b"WEBP"
        assert pixel_size(pipeline, url) == expected


def test_webp_source_needs_no_second_format(pipeline):
    logo = pipeline.process(add_logo(pipeline, "web.webp", raster("WEBP", (400, 200))))
    assert logo.url.endswith(".webp") and logo.webp_srcset == ""
    assert logo.srcset.endswith(" 2x")


def test_svg_is_minified_and_stays_sanitised(pipeline):
    source = (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80">\n'
        b'  <script>alert(1)</script>\n  <g>\n    <rect width="200" height="80" onclick="x()"/>\n  </g>\n'
        b'  <text x="5" y="40">Rook <tspan>vrij</tspan> nu</text>\n</svg>\n'
    )
    logo = pipeline.process(add_logo(pipeline, "vector.svg", source))
    data = pipeline.outputs[logo.file_name]
    assert re.fullmatch(r"vector\.[0-9a-f]{12}\.svg", logo.file_name)
    assert b">\n" not in data and b">  <" not in data
    assert b"<script" not in data and b"onclick" not in data
    assert b">Rook <" in data and b"</tspan> nu<" in data  # spaces inside text are kept
    assert (logo.width, logo.height, logo.srcset, logo.webp_srcset) == (200, 80, "", "")


def noise(size: tuple[int, int], seed: int = 1) -> bytes:
    """A PNG that does not compress: its derived sizes are too big to live inside the index."""
    import random

    rng = random.Random(seed)
    image = Image.frombytes("RGB", size, bytes(rng.randrange(256) for _ in range(size[0] * size[1] * 3)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_each_logo_is_derived_once_and_cached_with_its_sizes(pipeline, tmp_path):
    rec = add_logo(pipeline, "kort.png", noise((420, 210)))
    first = pipeline.process(rec)
    assert pipeline.processed == 1
    pipeline.save()
    again = LogoPipeline(pipeline.content_dir, pipeline.cache_dir)
    assert again.process(rec) == first and again.processed == 0
    assert dict(again.outputs) == dict(pipeline.outputs)
    assert len(list(pipeline.cache_dir.glob("*.webp"))) == 2  # the derived sizes are cached too
    (pipeline.content_dir / rec.logo).write_bytes(noise((420, 210), seed=2))
    changed = LogoPipeline(pipeline.content_dir, pipeline.cache_dir)
    assert changed.process(rec).url != first.url and changed.processed == 1


def test_small_derived_files_live_in_the_index(pipeline):
    rec = add_logo(pipeline, "klein.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10"/>')
    first = pipeline.process(rec)
    pipeline.save()
    assert sorted(p.name for p in pipeline.cache_dir.iterdir()) == ["index.pickle"]
    again = LogoPipeline(pipeline.content_dir, pipeline.cache_dir)
    assert again.process(rec) == first and again.processed == 0
    assert dict(again.outputs) == dict(pipeline.outputs)


def test_cache_is_keyed_by_content_not_by_time_stamps(pipeline, monkeypatch):
    """Same size, same mtime, other bytes: the logo is derived again (the ctime gives it away)."""
    import os

    from partners import logo_pipeline

    monkeypatch.setattr(logo_pipeline, "RACY_NS", -(10**12))  # remember every hash, however new the file
    rec = add_logo(pipeline, "stempel.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10"/>')
    path = pipeline.content_dir / rec.logo
    first = pipeline.process(rec)
    pipeline.save()
    assert LogoPipeline(pipeline.content_dir, pipeline.cache_dir)._hashed  # the stat memo is in use
    stamp = path.stat()
    time.sleep(0.05)  # past the file system's clock tick (RACY_NS guards that case in a real build)
    path.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 11"/>')
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # same size and mtime as before
    again = LogoPipeline(pipeline.content_dir, pipeline.cache_dir)
    assert again.process(rec).url != first.url and again.processed == 1


def test_unchanged_file_is_not_read_again(pipeline, monkeypatch):
    """A logo whose size, mtime, ctime and inode are unchanged (and not racily new) keeps its key."""
    import os

    from partners import logo_pipeline

    rec = add_logo(pipeline, "oud.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10"/>')
    first = pipeline.process(rec)
    pipeline.save()
    monkeypatch.setattr(logo_pipeline, "RACY_NS", -(10**12))  # pretend the file is old
    second = LogoPipeline(pipeline.content_dir, pipeline.cache_dir)
    assert second.process(rec) == first
    second.save()
    reads = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda path, *a, **k: reads.append(str(path)) or real_open(path, *a, **k))
    third = LogoPipeline(pipeline.content_dir, pipeline.cache_dir)
    assert third.process(rec) == first and third.processed == 0
    assert not [r for r in reads if r.endswith("oud.svg")]
    assert os.path.basename(rec.logo) == "oud.svg"


def test_incomplete_cache_entry_is_derived_again(pipeline):
    rec = add_logo(pipeline, "half.png", noise((420, 210)))
    first = pipeline.process(rec)
    pipeline.save()
    next(pipeline.cache_dir.glob("*.webp")).unlink()
    again = LogoPipeline(pipeline.content_dir, pipeline.cache_dir)
    assert again.process(rec) == first and again.processed == 1


def test_background_write_gives_the_same_files(pipeline, tmp_path):
    from partners.write_worker import BackgroundWrites

    records = [
        add_logo(
            pipeline,
            f"l{i}.svg",
            ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10">' + "<rect/>" * (i * 20) + "</svg>").encode(),
        )
        for i in range(6)
    ]
    for rec in records:
        pipeline.process(rec)
    pipeline.write(tmp_path / "direct")
    background = BackgroundWrites(inline_files=0)
    pipeline.write(tmp_path / "helper", background)
    background.close()
    direct = {p.name: p.read_bytes() for p in (tmp_path / "direct" / "logos").iterdir()}
    helper = {p.name: p.read_bytes() for p in (tmp_path / "helper" / "logos").iterdir()}
    assert direct == helper and any(name.endswith(".svg.gz") for name in direct)


def test_write_keeps_current_files_and_their_gz_and_drops_stale_ones(pipeline, tmp_path):
    logo = pipeline.process(add_logo(pipeline, "blijft.png", raster("PNG", (400, 200))))
    out = tmp_path / "out"
    (out / "logos").mkdir(parents=True)
    for stale in ("weg.0123456789ab.png", "weg.0123456789ab.svg.gz"):
        (out / "logos" / stale).write_bytes(b"x")
    pipeline.write(out)
    (out / "logos" / f"{logo.file_name}.gz").write_bytes(b"gz")
    pipeline.write(out)
    assert sorted(p.name for p in (out / "logos").iterdir()) == sorted([*pipeline.outputs, f"{logo.file_name}.gz"])


def test_wall_and_partner_page_use_picture_with_webp_first(write_record, content_dir, build):
    (content_dir / "logos" / "foto.png").write_bytes(raster("PNG", (800, 400)))
    write_record(
        {
            "Title": "Gemeente Foto",
            "Slug": "gemeente-foto",
            "Type": "overheid",
            "Since": "2024-01-01",
            "Logo": "logos/foto.png",
        }
    )
    out = build()
    for page in (out / "partners" / "index.html", out / "partners" / "gemeente-foto" / "index.html"):
        html = page.read_text()
        assert re.search(r'<picture><source type="image/webp" srcset="[^"]+ 1x, [^"]+ 2x"><img[^>]*></picture>', html)
        image = tags(page, "img")[0]
        assert (image["width"], image["height"], image["alt"]) == ("200", "100", "Gemeente Foto")
        for candidate in image["srcset"].split(", ") + tags(page, "source")[0]["srcset"].split(", "):
            assert (out / candidate.split()[0].lstrip("/")).is_file()
