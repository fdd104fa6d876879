"""Logo checks: decide the type by magic bytes, sanitise SVG, re-encode rasters without metadata."""

from __future__ import annotations

import dataclasses
import io
import re
import warnings
import xml.etree.ElementTree as ET

from PIL import Image

from . import schema

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements a logo never needs and that can load, animate or execute something.
_DROP_ELEMENTS = frozenset(
    {
        "script",
        "foreignObject",
        "image",
        "animate",
        "set",
        "animateMotion",
        "animateTransform",
        "animateColor",
        "iframe",
        "audio",
        "video",
        "use-external",
    }
)
# Elements whose text is shown or read (CSS in <style>): their whitespace stays as written.
_TEXT_ELEMENTS = frozenset({"text", "tspan", "textPath", "style", "title", "desc"})
_MIME = {"svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
_EXT = {"svg": ".svg", "png": ".png", "jpeg": ".jpg", "webp": ".webp"}
_LENGTH_RE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


class LogoError(ValueError):
    """The file is not an acceptable logo; the message says why, in Dutch."""


@dataclasses.dataclass(frozen=True)
class Logo:
    """A checked, cleaned logo ready to store or publish."""

    data: bytes
    kind: str  # svg, png, jpeg, webp
    width: int
    height: int

    @property
    def extension(self) -> str:
        """The file extension that matches the content."""
        return _EXT[self.kind]

    @property
    def mime_type(self) -> str:
        """The Content-Type to serve it with."""
        return _MIME[self.kind]


def sniff(data: bytes) -> str | None:
    """Return the logo kind from the first bytes, or None when it is no allowed format."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data[:4096].lower():
        return "svg"
    return None


def check_logo(data: bytes, filename: str = "") -> Logo:
    """Check and clean a logo file; raise LogoError with a Dutch reason when it is refused."""
    if not data:
        raise LogoError("het bestand is leeg")
    if len(data) > schema.LOGO_MAX_BYTES:
        raise LogoError(f"het bestand is {len(data) // 1024} kB; het maximum is {schema.LOGO_MAX_BYTES // 1024} kB")
    kind = sniff(data)
    if kind is None:
        raise LogoError("dit is geen SVG-, PNG-, JPEG- of WebP-afbeelding")
    if filename:
        ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if ext in schema.LOGO_EXTENSIONS and schema.LOGO_EXTENSIONS[ext] != kind:
            raise LogoError(f"de bestandsnaam eindigt op {ext}, maar de inhoud is {kind.upper()}")
    return _clean_svg(data) if kind == "svg" else _clean_raster(data, kind)


def _clean_raster(data: bytes, kind: str) -> Logo:
    """Open with Pillow's bomb guard, then re-encode so no metadata survives."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width > schema.LOGO_MAX_SIDE or height > schema.LOGO_MAX_SIDE or width * height > schema.LOGO_MAX_PIXELS:
                raise LogoError(
                    f"de afbeelding is {width}×{height} pixels; het maximum is "
                    f"{schema.LOGO_MAX_SIDE}×{schema.LOGO_MAX_SIDE}"
                )
            if (image.format or "").lower() != kind:
                raise LogoError("de inhoud van het bestand klopt niet met het formaat")
            image.load()
    except LogoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoError("de afbeelding is te groot om veilig te openen") from None
    except Exception:  # Pillow raises many types for broken files
        raise LogoError("de afbeelding is beschadigd of onvolledig") from None
    return Logo(_reencode(image, kind), kind, width, height)


def _reencode(image: Image.Image, kind: str) -> bytes:
    """Write pixels only: no EXIF, GPS, ICC, comments or extra frames."""
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    mode = "RGB" if kind == "jpeg" or not has_alpha else "RGBA"
    converted = image.convert(mode)
    # A new image from the bare pixels carries none of the source's info (comments, EXIF, ICC).
    pixels = Image.frombytes(mode, converted.size, converted.tobytes())
    out = io.BytesIO()
    if kind == "jpeg":
        pixels.save(out, "JPEG", quality=90, optimize=True)
    elif kind == "png":
        pixels.save(out, "PNG", optimize=True)
    else:
        pixels.save(out, "WEBP", quality=90)
    return out.getvalue()


def _clean_svg(data: bytes) -> Logo:
    """Sanitise with py-svg-hush, then strip what a logo never needs."""
    if re.search(rb"<!ENTITY", data, re.IGNORECASE):
        raise LogoError("SVG-bestanden met entiteiten (<!ENTITY>) worden niet geaccepteerd")
    from py_svg_hush import filter_svg  # imported only when an SVG is actually checked

    try:
        filtered = filter_svg(data)
        root = ET.fromstring(filtered)
    except (ValueError, ET.ParseError):
        raise LogoError("het SVG-bestand kan niet worden gelezen") from None
    if _local(root.tag) != "svg":
        raise LogoError("het bestand is geen SVG-afbeelding")
    _strip(root)
    width, height = _svg_size(root)
    return Logo(ET.tostring(root, encoding="utf-8", xml_declaration=False), "svg", width, height)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip(element: ET.Element) -> None:
    """Remove dangerous children and attributes in place, recursively; drop layout whitespace too."""
    # Whitespace-only text between tags goes (the SVG is minified in this same pass), except inside
    # the elements where it shows or matters (_TEXT_ELEMENTS).
    keep_space = _local(element.tag) in _TEXT_ELEMENTS
    if not keep_space and element.text is not None and not element.text.strip():
        element.text = None
    for child in list(element):
        if not isinstance(child.tag, str) or _local(child.tag) in _DROP_ELEMENTS:
            element.remove(child)
            continue
        if not keep_space and child.tail is not None and not child.tail.strip():
            child.tail = None
        _strip(child)
    for name in list(element.attrib):
        local = _local(name).lower()
        value = element.attrib[name].strip()
        if (
            local.startswith("on")
            or (local == "href" and not value.startswith("#"))
            or ("url(" in value.replace(" ", "").lower() and "url(#" not in value.replace(" ", "").lower())
        ):
            del element.attrib[name]
    if (
        element.text
        and _local(element.tag) == "style"
        and re.search(r"@import|url\(\s*['\"]?[^#'\"\s]", element.text, re.I)
    ):
        element.text = ""


def _svg_size(root: ET.Element) -> tuple[int, int]:
    """Intrinsic size from width/height or the viewBox; a sensible box otherwise."""
    width, height = root.get("width", ""), root.get("height", "")
    w, h = _LENGTH_RE.match(width), _LENGTH_RE.match(height)
    if w and h:
        return max(1, round(float(w.group(1)))), max(1, round(float(h.group(1))))
    box = root.get("viewBox", "").replace(",", " ").split()
    if len(box) == 4:
        try:
            bw, bh = float(box[2]), float(box[3])
            if bw > 0 and bh > 0:
                return max(1, round(bw)), max(1, round(bh))
        except ValueError:
            pass
    return 160, 80


def fit_box(width: int, height: int, box_w: int = 200, box_h: int = 100) -> tuple[int, int]:
    """Scale (width, height) to fit a wall tile, keeping the aspect ratio."""
    scale = min(box_w / width, box_h / height)
    return max(1, round(width * scale)), max(1, round(height * scale))
