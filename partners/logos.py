"""Logo checks: decide the type by magic bytes, sanitise SVG, re-encode rasters without metadata."""

from __future__ import annotations

import dataclasses
import io
import math
import warnings

from PIL import Image

from . import schema
from .svg import SvgRefused, clean_svg

_MIME = {"svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
_EXT = {"svg": ".svg", "png": ".png", "jpeg": ".jpg", "webp": ".webp"}


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
    """Read the header, check the declared size, and only then decode and re-encode without metadata."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only: nothing is decoded yet
            width, height = image.size
            _check_raster_size(width, height)
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


def _check_raster_size(width: int, height: int) -> None:
    """Refuse a declared size beyond the limits before a single pixel is decoded."""
    if width > schema.LOGO_MAX_SIDE or height > schema.LOGO_MAX_SIDE:
        raise LogoError(
            f"de afbeelding is {width}×{height} pixels; een zijde mag hoogstens {schema.LOGO_MAX_SIDE} pixels zijn"
        )
    if width * height > schema.LOGO_MAX_PIXELS:
        side = math.isqrt(schema.LOGO_MAX_PIXELS)
        million = f"{schema.LOGO_MAX_PIXELS / 1e6:.1f}".replace(".", ",")
        raise LogoError(
            f"de afbeelding is {width}×{height} pixels; een logo mag hoogstens {million} miljoen pixels hebben, "
            f"bijvoorbeeld {side}×{side}"
        )


def _reencode(image: Image.Image, kind: str) -> bytes:
    """Write pixels only: no EXIF, GPS, ICC, comments or extra frames."""
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    mode = "RGB" if kind == "jpeg" or not has_alpha else "RGBA"
    # A new image holding only the pixels carries none of the source's info (comments, EXIF, ICC).
    # One copy at a time: the decoded source goes as soon as its pixels are in the new image.
    pixels = Image.new(mode, image.size)
    pixels.paste(image if image.mode == mode else image.convert(mode))
    image.close()
    out = io.BytesIO()
    if kind == "jpeg":
        pixels.save(out, "JPEG", quality=90, optimize=True)
    elif kind == "png":
        pixels.save(out, "PNG", optimize=True)
    else:
        pixels.save(out, "WEBP", quality=90)
    return out.getvalue()


def _clean_svg(data: bytes) -> Logo:
    """Sanitise (partners/svg.py); its refusal becomes a LogoError."""
    try:
        cleaned, width, height = clean_svg(data)
    except SvgRefused as exc:
        raise LogoError(str(exc)) from None
    return Logo(cleaned, "svg", width, height)


def fit_box(width: int, height: int, box_w: int = 200, box_h: int = 100) -> tuple[int, int]:
    """Scale (width, height) to fit a wall tile, keeping the aspect ratio."""
    scale = min(box_w / width, box_h / height)
    return max(1, round(width * scale)), max(1, round(height * scale))
