"""Turn a record's logo into content-hashed files at the sizes the wall shows, cached by content hash.

Rasters become a 1x and (when the source has the pixels) a 2x file of the tile box, each as
WebP plus the original format as fallback; SVGs are sanitised and minified. Nothing is upscaled.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import io
import json
import shutil
from pathlib import Path

import PIL
from PIL import Image

from .. import logos, schema, svg, svg_style
from ..logos import check_logo, fit_box
from ..schema import Record
from .files import write_if_changed

OUTPUT_DIR = "logos"
TILE_BOX = (200, 100)  # CSS pixels of a wall tile's logo area
DENSITIES = (1, 2)
WEBP_QUALITY = 82
_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".webp": "WEBP"}
# Everything besides the source bytes that decides the derived files and whether a logo passes:
# the code that checks and derives, the libraries it calls, and the limits in the schema.
CODE_VERSION = hashlib.sha256(
    b"".join(Path(module.__file__ or "").read_bytes() for module in (logos, svg, svg_style))
    + Path(__file__).read_bytes()
    + repr(
        (
            PIL.__version__,
            importlib.metadata.version("py-svg-hush"),
            importlib.metadata.version("tinycss2"),
            schema.LOGO_MAX_BYTES,
            schema.LOGO_MAX_PIXELS,
            schema.LOGO_MAX_SIDE,
            schema.LOGO_SVG_MAX_SIZE,
            schema.LOGO_SVG_MAX_DEPTH,
            schema.LOGO_SVG_MAX_ELEMENTS,
            schema.LOGO_EXTENSIONS,
        )
    ).encode()
).digest()


@dataclasses.dataclass(frozen=True)
class WallLogo:
    """What a template needs to show a logo without layout shift: a fallback and an optional WebP set."""

    url: str
    width: int
    height: int
    file_name: str
    srcset: str = ""  # fallback format, "url 1x, url 2x"; empty for SVG
    webp_srcset: str = ""  # empty when the source is SVG or already WebP


def variant_sizes(width: int, height: int) -> list[tuple[float, int, int]]:
    """(density, width, height) per file: the displayed size, then up to 2x, never above the source."""
    shown_w, shown_h = fit_box(width, height, *TILE_BOX)
    if shown_w > width:  # a small raster is shown at its own size rather than blurred up
        shown_w, shown_h = width, height
    sizes = [(1.0, shown_w, shown_h)]
    density = min(float(DENSITIES[-1]), width / shown_w)
    if density >= 1.25:  # less than that is not worth a second file
        density = round(density, 2)
        sizes.append((density, min(width, round(shown_w * density)), min(height, round(shown_h * density))))
    return sizes


def encode(image: Image.Image, size: tuple[int, int], fmt: str) -> bytes:
    """Resize (Lanczos) and encode a Pillow image without metadata."""
    has_alpha = "A" in image.getbands()
    mode = "RGB" if fmt == "JPEG" or not has_alpha else "RGBA"
    resized = image.convert(mode)
    if resized.size != size:
        resized = resized.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "JPEG":
        resized.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "PNG":
        resized.save(out, "PNG", optimize=True)
    else:
        resized.save(out, "WEBP", quality=WEBP_QUALITY, method=6)
    return out.getvalue()


def derive(source: bytes, filename: str) -> tuple[dict, dict[str, bytes]]:
    """Check the logo (LogoError when refused) and make every file the site needs: (meta, {variant: bytes})."""
    logo = check_logo(source, filename)
    if logo.kind == "svg":
        meta = {"ext": ".svg", "width": logo.width, "height": logo.height, "variants": [[1.0, "logo.svg", None]]}
        return meta, {"logo.svg": logo.data}  # check_logo already sanitised and minified it
    ext = logo.extension
    image = Image.open(io.BytesIO(logo.data))
    image.load()
    files: dict[str, bytes] = {}
    variants: list[list] = []
    for density, w, h in variant_sizes(logo.width, logo.height):
        name = f"{w}x{h}{ext}"
        files[name] = encode(image, (w, h), _FORMATS[ext])
        webp = None
        if ext != ".webp":
            webp = f"{w}x{h}.webp"
            files[webp] = encode(image, (w, h), "WEBP")
        variants.append([density, name, webp])
    return {"ext": ext, "width": logo.width, "height": logo.height, "variants": variants}, files


class LogoFiles:
    """The logo files of one build; each source is derived once and kept in `cache_dir` under its content hash."""

    # A cache entry is a folder named by the SHA-256 of the code version, the file name's extension
    # and the source bytes; it holds the derived files and a meta.json written last.

    def __init__(self, content_dir: Path, cache_dir: Path) -> None:
        self.content_dir = content_dir
        self.cache_dir = cache_dir
        self.outputs: dict[str, Path] = {}  # published file name -> its derived file in the cache
        self.derived = 0  # logos derived in this build; the cache had the others
        self._used: set[str] = set()

    def process(self, record: Record) -> WallLogo:
        """The wall logo of a record; raises LogoError (or OSError) when its logo file is unusable."""
        path = self.content_dir / record.logo
        source = path.read_bytes()
        key = hashlib.sha256(CODE_VERSION + path.suffix.lower().encode() + b"\0" + source).hexdigest()
        entry = self.cache_dir / key
        try:
            meta = json.loads((entry / "meta.json").read_text())
        except (OSError, ValueError):
            meta = self._store(entry, *derive(source, path.name))
            self.derived += 1
        self._used.add(key)
        fallback, webp = [], []
        for density, name, webp_name in meta["variants"]:
            fallback.append(f"{self._publish(record.slug, entry, name, meta)} {density:g}x")
            if webp_name:
                webp.append(f"{self._publish(record.slug, entry, webp_name, meta)} {density:g}x")
        if meta["ext"] == ".svg":
            shown = fit_box(meta["width"], meta["height"], *TILE_BOX)
        else:
            shown = variant_sizes(meta["width"], meta["height"])[0][1:]
        url = fallback[0].split(" ")[0]
        return WallLogo(
            url=url,
            width=shown[0],
            height=shown[1],
            file_name=url.rsplit("/", 1)[-1],
            srcset=", ".join(fallback) if len(fallback) > 1 else "",
            webp_srcset=", ".join(webp),
        )

    def _store(self, entry: Path, meta: dict, files: dict[str, bytes]) -> dict:
        """Write a new cache entry; meta.json last, so an entry with one is complete."""
        for variant, data in files.items():
            write_if_changed(entry / variant, data)
        meta["hashes"] = {variant: hashlib.sha256(data).hexdigest()[:12] for variant, data in files.items()}
        write_if_changed(entry / "meta.json", json.dumps(meta).encode())
        return meta

    def _publish(self, slug: str, entry: Path, variant: str, meta: dict) -> str:
        """Name an output file by the partner, its width and the hash of its bytes; return its URL."""
        stem, ext = variant.rsplit(".", 1)
        width = "" if ext == "svg" else f"-{stem.split('x')[0]}w"
        name = f"{slug}{width}.{meta['hashes'][variant]}.{ext}"
        self.outputs[name] = entry / variant
        return f"/{OUTPUT_DIR}/{name}"

    def write(self, output_path: Path) -> None:
        """Write this build's logo files into output/logos and delete the ones no record uses any more."""
        folder = output_path / OUTPUT_DIR
        for name, derived in self.outputs.items():
            write_if_changed(folder / name, derived.read_bytes())
        for old in folder.iterdir() if folder.is_dir() else ():
            if old.name not in self.outputs and old.name.removesuffix(".gz") not in self.outputs:
                old.unlink()

    def prune_cache(self) -> None:
        """Delete the cache entries of sources no record uses any more."""
        for entry in self.cache_dir.iterdir() if self.cache_dir.is_dir() else ():
            if entry.name not in self._used:
                shutil.rmtree(entry, ignore_errors=True)
