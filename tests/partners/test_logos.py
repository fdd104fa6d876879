"""Logo checks against good files and the hostile corpus in tests/hostile/."""

import io
import re

import pytest
from PIL import Image

from partners import schema
from partners.logos import LogoError, check_logo, fit_box, sniff
from tests.hostile_corpus import FORBIDDEN, HOSTILE


def raster(kind: str, size=(300, 100), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, kind, **save)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (raster("PNG"), "png"),
        (raster("JPEG"), "jpeg"),
        (raster("WEBP"), "webp"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "svg"),
        (b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'/>", "svg"),
        (b"GIF89a....", None),
        (b"%PDF-1.7", None),
        (b"<html><body>", None),
    ],
)
def test_sniff_uses_magic_bytes(data, kind):
    assert sniff(data) == kind


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
def test_good_raster_is_reencoded_with_its_size(kind):
    logo = check_logo(raster(kind), f"logo.{kind.lower()}")
    assert (logo.width, logo.height) == (300, 100)
    assert Image.open(io.BytesIO(logo.data)).format == kind


def test_good_svg_keeps_its_drawing_and_size():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 80">'
    svg += b'<rect width="240" height="80" fill="#0b5d50"/></svg>'
    logo = check_logo(svg, "logo.svg")
    assert b"<rect" in logo.data and (logo.width, logo.height) == (240, 80)
    assert logo.mime_type == "image/svg+xml" and logo.extension == ".svg"


@pytest.mark.parametrize(
    ("svg", "cleaned"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg">\n  <g>\n    <rect width="2"/>\n  </g>\n</svg>\n',
            b'<svg xmlns="http://www.w3.org/2000/svg"><g><rect width="2" /></g></svg>',
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"> <g> <title> Logo </title> </g> </svg>',
            b'<svg xmlns="http://www.w3.org/2000/svg"><g><title> Logo </title></g></svg>',
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><text> <tspan>Rook</tspan> vrij </text></svg>',
            b'<svg xmlns="http://www.w3.org/2000/svg"><text> <tspan>Rook</tspan> vrij </text></svg>',
        ),
    ],
)
def test_svg_loses_layout_whitespace_but_not_the_spaces_in_its_text(svg, cleaned):
    assert check_logo(svg, "logo.svg").data == cleaned


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("bomb-20000x20000.png", "te groot om veilig te openen"),
        ("truncated.png", "beschadigd of onvolledig"),
        ("polyglot-gif-html.png", "geen SVG-, PNG-, JPEG- of WebP-afbeelding"),
        ("php-as-png.png", "geen SVG-, PNG-, JPEG- of WebP-afbeelding"),
        ("billion-laughs.svg", "entiteiten"),
        ("external-entity.svg", "entiteiten"),
        ("not-xml.svg", "kan niet worden gelezen"),
        ("html-as-svg.svg", "geen SVG-, PNG-, JPEG- of WebP-afbeelding"),
    ],
)
def test_hostile_file_is_refused_with_reason(name, reason):
    with pytest.raises(LogoError, match=re.escape(reason)):
        check_logo((HOSTILE / name).read_bytes(), name)


@pytest.mark.parametrize(
    "name",
    [
        "script.svg",
        "event-handlers.svg",
        "foreign-object.svg",
        "javascript-link.svg",
        "data-link.svg",
        "external-refs.svg",
        "animate-href.svg",
        "..%2f..%2fetc%2fpasswd.svg",
    ],
)
def test_hostile_svg_is_stored_without_anything_active(name):
    logo = check_logo((HOSTILE / name).read_bytes(), name)
    assert logo.kind == "svg"
    assert not FORBIDDEN.search(logo.data), logo.data


@pytest.mark.parametrize("name", ["gps-exif.jpg", "png-with-text-chunk.png"])
def test_raster_metadata_is_stripped(name):
    original = (HOSTILE / name).read_bytes()
    logo = check_logo(original, name)
    image = Image.open(io.BytesIO(logo.data))
    assert not image.getexif()
    assert not image.info.get("Author") and not image.info.get("comment") and "exif" not in image.info
    assert b"SpyCam" not in logo.data and b"jan@example.nl" not in logo.data


def test_pixel_limit_below_pillows_bomb_guard():
    with pytest.raises(LogoError, match="5000×5000 pixels; het maximum is 4096×4096"):
        check_logo(raster("PNG", size=(5000, 5000), mode="1"), "groot.png")


def test_extension_must_match_content():
    with pytest.raises(LogoError, match=r"eindigt op \.svg, maar de inhoud is PNG"):
        check_logo(raster("PNG"), "logo.svg")


def test_size_limit_in_bytes():
    big = b"<svg xmlns='http://www.w3.org/2000/svg'>" + b" " * schema.LOGO_MAX_BYTES + b"</svg>"
    with pytest.raises(LogoError, match="het maximum is 512 kB"):
        check_logo(big, "groot.svg")


def test_empty_file():
    with pytest.raises(LogoError, match="leeg"):
        check_logo(b"", "leeg.png")


@pytest.mark.parametrize(("size", "box"), [((400, 100), (200, 50)), ((100, 100), (100, 100)), ((50, 20), (200, 80))])
def test_fit_box_keeps_aspect(size, box):
    assert fit_box(*size) == box
