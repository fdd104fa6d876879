"""Logo checks against good files and the hostile corpus in tests/hostile/."""

import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from partners import schema
from partners.logos import LogoError, check_logo, fit_box, sniff
from tests.conftest import ROOT
from tests.hostile_corpus import FORBIDDEN, hostile_file, hostile_files


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
            b'<svg xmlns="http://www.w3.org/2000/svg"><g /></svg>',
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
        check_logo(hostile_file(name).read_bytes(), name)


ACCEPTED_SVGS = [
    path
    for path in hostile_files("svg-active", "svg-external-refs", "svg-style", "svg-personal-text", "file-names")
    if path.suffix == ".svg"
]


@pytest.mark.parametrize("path", ACCEPTED_SVGS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_hostile_svg_is_stored_without_anything_active(path):
    logo = check_logo(path.read_bytes(), path.name)
    assert logo.kind == "svg"
    assert not FORBIDDEN.search(logo.data), logo.data
    ET.fromstring(logo.data)
    assert check_logo(logo.data).data == logo.data  # publishing and the build check the stored logo again


# Where editors' programs and people leave names, numbers and addresses in a logo.
PERSONAL = re.compile(
    rb"@|\b0\d{1,3}-?\d{6,8}\b|Jan|Piet|Anna|Kees|Sanne|Bakker|Vries|Janssen|docname|export-filename|label=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", hostile_files("svg-personal-text"), ids=lambda path: path.name)
def test_svg_text_nobody_sees_is_gone(path):
    """Only drawn text (text, tspan, textPath) and the CSS stay: no title, desc, metadata, comments or labels."""
    data = check_logo(path.read_bytes(), path.name).data
    assert not PERSONAL.search(data), data
    root = ET.fromstring(data)
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        assert name not in ("title", "desc", "metadata")
        if name not in ("text", "tspan", "textPath", "style"):
            assert not (element.text or "").strip(), data
        assert not (element.tail or "").strip() or name in ("tspan", "textPath"), data
    assert b"Rookvrij" in data or b"<text" not in path.read_bytes()  # the wordmark itself is drawn: it stays


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("viewbox-inf.svg", "de viewBox van het SVG-bestand moet uit vier getallen tot 100.000 bestaan"),
        ("viewbox-nan.svg", "de viewBox van het SVG-bestand moet uit vier getallen tot 100.000 bestaan"),
        ("viewbox-1e400.svg", "de viewBox van het SVG-bestand moet uit vier getallen tot 100.000 bestaan"),
        ("viewbox-negative.svg", "met een breedte en hoogte boven 0"),
        ("viewbox-three-numbers.svg", "moet uit vier getallen"),
        ("width-2-pow-63.svg", "de breedte en hoogte van het SVG-bestand moeten getallen boven 0 en tot 100.000 zijn"),
        ("width-2-pow-31.svg", "de breedte en hoogte van het SVG-bestand moeten getallen boven 0 en tot 100.000 zijn"),
        (
            "width-400-digits.svg",
            "de breedte en hoogte van het SVG-bestand moeten getallen boven 0 en tot 100.000 zijn",
        ),
        ("height-exponent.svg", "de breedte en hoogte van het SVG-bestand moeten getallen boven 0 en tot 100.000 zijn"),
        ("nested-1000-groups.svg", "het SVG-bestand is dieper genest dan 100 niveaus"),
        ("nested-5000-groups.svg", "het SVG-bestand is dieper genest dan 100 niveaus"),
        ("many-elements.svg", "het SVG-bestand heeft meer dan 20.000 onderdelen"),
        ("unknown-encoding.svg", "het SVG-bestand kan niet worden gelezen"),
        ("unclosed.svg", "het SVG-bestand kan niet worden gelezen"),
        ("jpeg-tiny-declares-4096x4096.jpg", "4096×4096 pixels; een logo mag hoogstens 4,2 miljoen pixels hebben"),
        ("png-4096x4096-two-kilobytes.png", "4096×4096 pixels; een logo mag hoogstens 4,2 miljoen pixels hebben"),
        (
            "webp-2100x2100.webp",
            "2100×2100 pixels; een logo mag hoogstens 4,2 miljoen pixels hebben, bijvoorbeeld 2048×2048",
        ),
        ("jpeg-declares-1x65000.jpg", "65000×1 pixels; een zijde mag hoogstens 4096 pixels zijn"),
    ],
)
def test_sizes_beyond_the_limits_are_refused_with_reason(name, reason):
    with pytest.raises(LogoError, match=re.escape(reason)):
        check_logo(hostile_file(name).read_bytes(), name)


def test_every_size_case_in_the_corpus_is_refused():
    """A new file in svg-sizes or raster-sizes is refused too, with a LogoError, never another exception."""
    for path in hostile_files("svg-sizes", "raster-sizes", "svg-malformed", "raster-malformed", "svg-entities"):
        with pytest.raises(LogoError):
            check_logo(path.read_bytes(), path.name)


@pytest.mark.parametrize("size", [(schema.LOGO_SVG_MAX_SIZE, 1), (0.5, 80), (1, schema.LOGO_SVG_MAX_SIZE)])
def test_svg_size_at_the_limits_is_accepted_and_fits_an_integer_column(size):
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="{size[0]}" height="{size[1]}"/>'.encode()
    logo = check_logo(svg, "rand.svg")
    assert 1 <= logo.width <= schema.LOGO_SVG_MAX_SIZE < 2**31 and 1 <= logo.height <= schema.LOGO_SVG_MAX_SIZE


def test_svg_nested_to_the_limit_is_accepted():
    depth = schema.LOGO_SVG_MAX_DEPTH - 1  # the <svg> element itself is the first level
    svg = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * depth + b"</g>" * depth + b"</svg>"
    assert check_logo(svg, "diep.svg").data.count(b"<g>") == depth - 1  # the innermost is <g />


CHECK_COST = """
import resource, sys, time
from partners.logos import LogoError, check_logo
check_logo(b'<svg xmlns="http://www.w3.org/2000/svg"/>')  # every import done before measuring
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for name in sys.argv[1:]:
    data, start = open(name, "rb").read(), time.process_time()
    try:
        check_logo(data, name)
    except LogoError:
        pass
    print(name, time.process_time() - start, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


def test_checking_costs_what_the_limits_allow_not_what_a_file_declares():
    """A 633-byte JPEG declaring 4096×4096 once cost 0.3 s and 250 MB to check: now it is refused from its header."""
    paths = [str(path) for path in hostile_files("raster-sizes", "svg-sizes")]
    result = subprocess.run(
        [sys.executable, "-c", CHECK_COST, *paths], capture_output=True, text=True, cwd=ROOT, check=True
    )
    costs = {
        name: (float(seconds), float(megabytes))
        for name, seconds, megabytes in map(str.split, result.stdout.splitlines())
    }
    assert set(costs) == set(paths)
    # Memory is the high-water mark of the process since the start: every file together stays under it.
    assert all(seconds < 0.15 and megabytes < 32 for seconds, megabytes in costs.values()), costs


@pytest.mark.parametrize("name", ["gps-exif.jpg", "png-with-text-chunk.png"])
def test_raster_metadata_is_stripped(name):
    original = hostile_file(name).read_bytes()
    logo = check_logo(original, name)
    image = Image.open(io.BytesIO(logo.data))
    assert not image.getexif()
    assert not image.info.get("Author") and not image.info.get("comment") and "exif" not in image.info
    assert b"SpyCam" not in logo.data and b"jan@example.nl" not in logo.data


def test_pixel_limit_below_pillows_bomb_guard():
    with pytest.raises(LogoError, match="5000×5000 pixels; een zijde mag hoogstens 4096 pixels zijn"):
        check_logo(raster("PNG", size=(5000, 5000), mode="1"), "groot.png")


@pytest.mark.parametrize("size", [(4096, 1024), (2048, 2048), (1, 4096)])
def test_rasters_within_both_limits_are_accepted(size):
    logo = check_logo(raster("PNG", size=size, mode="1"), "breed.png")
    assert (logo.width, logo.height) == size


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
