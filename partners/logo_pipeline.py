"""Turn a record's logo into content-hashed files at the sizes the wall shows, cached by content hash.

Rasters become a 1x and (when the source has the pixels) a 2x file of the tile box, each as
WebP plus the original format as fallback; SVGs are minified. Nothing is ever upscaled.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

from .logos import check_logo, fit_box
from .schema import Record

OUTPUT_DIR = "logos"
TILE_BOX = (200, 100)  # CSS pixels of a wall tile's logo area
DENSITIES = (1, 2)
WEBP_QUALITY = 82
# Bump when the derived files change for the same source bytes: old cache entries are then ignored.
PIPELINE_VERSION = b"logo-pipeline-2"
_TEXT_ELEMENTS = frozenset({"text", "tspan", "textPath", "style", "title", "desc"})
_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".webp": "WEBP"}


@dataclasses.dataclass(frozen=True)
class WallLogo:
    """What a template needs to show a logo without layout shift: a fallback and an optional WebP set."""

    url: str
    width: int
    height: int
    file_name: str
    srcset: str = ""  # fallback format, "url 1x, url 2x"; empty for SVG
    webp_srcset: str = ""  # empty when the source is SVG or already WebP


def minify_svg(data: bytes) -> bytes:
    """Drop whitespace-only text between tags, except inside text-bearing elements where it shows."""
    root = ET.fromstring(data)
    for parent in root.iter():
        keep = parent.tag.rsplit("}", 1)[-1] in _TEXT_ELEMENTS
        if not keep and parent.text is not None and not parent.text.strip():
            parent.text = None
        for child in parent:
            if not keep and child.tail is not None and not child.tail.strip():
                child.tail = None
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


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
    """Resize (Lanczos) and encode without metadata."""
    has_alpha = "A" in image.getbands()
    mode = "RGB" if fmt == "JPEG" or not has_alpha else "RGBA"
    resized = image.convert(mode)
    if resized.size != size:
        resized = resized.resize(size, Image.LANCZOS)
    out = io.BytesIO()
    if fmt == "JPEG":
        resized.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "PNG":
        resized.save(out, "PNG", optimize=True)
    else:
        resized.save(out, "WEBP", quality=WEBP_QUALITY, method=6)
    return out.getvalue()


def derive(source: bytes, filename: str) -> tuple[dict, dict[str, bytes]]:
    """Check the logo and make every file the site needs: (meta, {cache file suffix: bytes})."""
    logo = check_logo(source, filename)
    if logo.kind == "svg":
        meta = {"ext": ".svg", "width": logo.width, "height": logo.height, "variants": [[1.0, "logo.svg", None]]}
        return meta, {"logo.svg": minify_svg(logo.data)}
    ext = logo.extension
    image = Image.open(io.BytesIO(logo.data))
    image.load()
    files: dict[str, bytes] = {}
    variants = []
    for density, w, h in variant_sizes(logo.width, logo.height):
        key = f"{w}x{h}"
        files[f"{key}{ext}"] = encode(image, (w, h), _FORMATS[ext])
        webp = None
        if ext != ".webp":
            webp = f"{key}.webp"
            files[webp] = encode(image, (w, h), "WEBP")
        variants.append([density, f"{key}{ext}", webp])
    return {"ext": ext, "width": logo.width, "height": logo.height, "variants": variants}, files


class LogoPipeline:
    """Derive each logo once; a rebuild reuses the cache for unchanged source bytes."""

    def __init__(self, content_dir: Path, cache_dir: Path):
        self.content_dir = content_dir
        self.cache_dir = cache_dir
        self.outputs: dict[str, bytes] = {}
        self.processed = 0  # how many logos were actually derived this run; the cache saves the rest

    def process(self, record: Record) -> WallLogo:
        """Return the wall logo for a record whose Logo file has already been validated."""
        source = (self.content_dir / record.logo).read_bytes()
        digest = hashlib.sha256(PIPELINE_VERSION + source).hexdigest()
        meta, files = self._cached(digest)
        if meta is None:
            meta, files = derive(source, record.logo)
            self._store(digest, meta, files)
            self.processed += 1
        shown = fit_box(meta["width"], meta["height"], *TILE_BOX)
        if meta["ext"] != ".svg":
            shown = variant_sizes(meta["width"], meta["height"])[0][1:]
        fallback, webp = [], []
        for density, name, webp_name in meta["variants"]:
            fallback.append(f"{self._publish(record.slug, name, files[name])} {density:g}x")
            if webp_name:
                webp.append(f"{self._publish(record.slug, webp_name, files[webp_name])} {density:g}x")
        url = fallback[0].split(" ")[0]
        return WallLogo(url=url, width=shown[0], height=shown[1], file_name=url.rsplit("/", 1)[-1],
                        srcset=", ".join(fallback) if len(fallback) > 1 else "", webp_srcset=", ".join(webp))

    def _publish(self, slug: str, variant: str, data: bytes) -> str:
        """Name an output file by the partner, its size and the hash of its bytes; return its URL."""
        stem, ext = variant.rsplit(".", 1)
        size = "" if ext == "svg" else f"-{stem.split('x')[0]}w"
        name = f"{slug}{size}.{hashlib.sha256(data).hexdigest()[:12]}.{ext}"
        self.outputs[name] = data
        return f"/{OUTPUT_DIR}/{name}"

    def _cached(self, digest: str):
        try:
            meta = json.loads((self.cache_dir / f"{digest}.json").read_text())
            names = {v[1] for v in meta["variants"]} | {v[2] for v in meta["variants"] if v[2]}
            return meta, {name: (self.cache_dir / f"{digest}-{name}").read_bytes() for name in names}
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None, None

    def _store(self, digest: str, meta: dict, files: dict[str, bytes]) -> None:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                (self.cache_dir / f"{digest}-{name}").write_bytes(data)
            (self.cache_dir / f"{digest}.json").write_text(json.dumps(meta))  # last: marks the entry complete
        except OSError:
            pass  # a read-only cache only costs time

    def write(self, output_path: Path) -> None:
        """Write the logo files, skipping those already present with the same bytes; drop the rest."""
        folder = output_path / OUTPUT_DIR
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            # output/logos belongs to this pipeline: a stale logo is a removed partner's (with its .gz)
            if old.is_file() and old.name not in self.outputs and old.name.removesuffix(".gz") not in self.outputs:
                old.unlink()
        for name, data in self.outputs.items():
            target = folder / name
            if target.is_file() and target.stat().st_size == len(data):
                continue  # the name carries the content hash: same name and size means same bytes
            target.write_bytes(data)
