"""Turn a record's logo into content-hashed files at the sizes the wall shows, cached by content hash.

Rasters become a 1x and (when the source has the pixels) a 2x file of the tile box, each as
WebP plus the original format as fallback; SVGs are minified. Nothing is ever upscaled.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .logos import check_logo, fit_box
from .schema import Record

if TYPE_CHECKING:
    from .write_worker import BackgroundWrites

OUTPUT_DIR = "logos"
TILE_BOX = (200, 100)  # CSS pixels of a wall tile's logo area
DENSITIES = (1, 2)
WEBP_QUALITY = 82
# Bump when the derived files change for the same source bytes: old cache entries are then ignored.
PIPELINE_VERSION = b"logo-pipeline-2"
INDEX_NAME = "index.pickle"
INDEX_VERSION = 2
RACY_NS = 2_000_000_000
# A derived file this small is kept inside the index instead of in a file of its own (a minified
# SVG is a few hundred bytes), until the inline files together reach INLINE_BUDGET.
INLINE_MAX = 4096
INLINE_BUDGET = 16 * 1024 * 1024
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


def encode(image, size: tuple[int, int], fmt: str) -> bytes:
    """Resize (Lanczos) and encode a Pillow image without metadata."""
    from PIL import Image

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
        return meta, {"logo.svg": logo.data}  # check_logo already minified it
    from PIL import Image

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


class Outputs(Mapping):
    """The published logo files of a build: name -> bytes, read from the cache only when asked for.

    A rebuild whose output folder already holds every file never reads the derived bytes at all.
    """

    def __init__(self):
        self._items: dict[str, tuple[int, bytes | Path]] = {}

    def add(self, name: str, size: int, source: bytes | Path) -> None:
        self._items[name] = (size, source)

    def size(self, name: str) -> int:
        return self._items[name][0]

    def __getitem__(self, name: str) -> bytes:
        source = self._items[name][1]
        return source if isinstance(source, bytes) else source.read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


class LogoPipeline:
    """Derive each logo once; a rebuild reuses the cache for unchanged source bytes.

    The cache is one index file keyed by the SHA-256 of the source bytes (never by a file's
    time stamp): per source, the size, the variants and for each derived file its content hash,
    its size and either its bytes (small files) or the name of a file beside the index.

    To find that key a rebuild does not read and hash every logo again when the file's size,
    mtime, ctime and inode are all what they were when it was last hashed (as git's index does;
    ctime cannot be set back by `touch`). A file changed less than RACY_NS before it was hashed
    is not remembered this way, since a second change within the same clock tick would leave
    those four alike.
    """

    def __init__(self, content_dir: Path, cache_dir: Path):
        self.content_dir = content_dir
        self.cache_dir = cache_dir
        self.outputs = Outputs()
        self.processed = 0  # how many logos were actually derived this run; the cache saves the rest
        self._index, self._hashed = self._load_index()
        self._used: dict[str, dict] = {}
        self._hashed_now: dict[str, tuple] = {}
        self._started_ns = time.time_ns()
        self._inline_bytes = 0

    def process(self, record: Record) -> WallLogo:
        """Return the wall logo for a record whose Logo file has already been validated."""
        path = f"{self.content_dir}/{record.logo}"
        source, digest = self._source_digest(path)
        entry = self._used.get(digest) or self._valid(self._index.get(digest), digest)
        if entry is None and source is None:  # about to derive: from the bytes, never a remembered key
            source, digest = self._source_digest(path, trust_stat=False)
            entry = self._used.get(digest) or self._valid(self._index.get(digest), digest)
        if entry is None:
            meta, files = derive(source, record.logo)
            entry = self._entry(digest, meta, files)
            self.processed += 1
        if digest not in self._used:
            self._used[digest] = entry
            self._inline_bytes += sum(len(f[2]) for f in entry["files"].values() if f[2] is not None)
        meta = entry["meta"]
        shown = fit_box(meta["width"], meta["height"], *TILE_BOX)
        if meta["ext"] != ".svg":
            shown = variant_sizes(meta["width"], meta["height"])[0][1:]
        fallback, webp = [], []
        for density, name, webp_name in meta["variants"]:
            fallback.append(f"{self._publish(record.slug, name, digest, entry)} {density:g}x")
            if webp_name:
                webp.append(f"{self._publish(record.slug, webp_name, digest, entry)} {density:g}x")
        url = fallback[0].split(" ")[0]
        return WallLogo(
            url=url,
            width=shown[0],
            height=shown[1],
            file_name=url.rsplit("/", 1)[-1],
            srcset=", ".join(fallback) if len(fallback) > 1 else "",
            webp_srcset=", ".join(webp),
        )

    def _source_digest(self, path: str, trust_stat: bool = True) -> tuple[bytes | None, str]:
        """(source bytes or None, cache key) of a logo file; None when the key was known already."""
        info = os.stat(path)
        signature = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        known = self._hashed.get(path)
        if trust_stat and known is not None and known[0] == signature:
            self._hashed_now[path] = known
            return None, known[1]
        with open(path, "rb") as handle:
            source = handle.read()
        digest = hashlib.sha256(PIPELINE_VERSION + source).hexdigest()
        changed = max(info.st_mtime_ns, info.st_ctime_ns)
        if len(source) == info.st_size and changed < self._started_ns - RACY_NS:
            self._hashed_now[path] = (signature, digest)
        else:
            self._hashed_now.pop(path, None)
        return source, digest

    def _publish(self, slug: str, variant: str, digest: str, entry: dict) -> str:
        """Name an output file by the partner, its size and the hash of its bytes; return its URL."""
        content_hash, size, inline = entry["files"][variant]
        stem, ext = variant.rsplit(".", 1)
        size_part = "" if ext == "svg" else f"-{stem.split('x')[0]}w"
        name = f"{slug}{size_part}.{content_hash}.{ext}"
        source = inline if inline is not None else entry.get("data", {}).get(variant) or self._blob(digest, variant)
        self.outputs.add(name, size, source)
        return f"/{OUTPUT_DIR}/{name}"

    def _blob(self, digest: str, variant: str) -> Path:
        return self.cache_dir / f"{digest}-{variant}"

    def _entry(self, digest: str, meta: dict, files: dict[str, bytes]) -> dict:
        """A cache entry for freshly derived files; large ones go to a file of their own."""
        entry: dict = {"meta": meta, "files": {}}
        for variant, data in files.items():
            inline = None
            if len(data) <= INLINE_MAX and self._inline_bytes + len(data) <= INLINE_BUDGET:
                inline = data
            elif not self._store_blob(digest, variant, data):
                entry.setdefault("data", {})[variant] = data  # a read-only cache: keep it for this build
            entry["files"][variant] = (hashlib.sha256(data).hexdigest()[:12], len(data), inline)
        return entry

    def _store_blob(self, digest: str, variant: str, data: bytes) -> bool:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = self._blob(digest, variant).with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, self._blob(digest, variant))
            return True
        except OSError:
            return False  # a read-only cache only costs time

    def _valid(self, entry: dict | None, digest: str) -> dict | None:
        """The cached entry when every derived file it names is still there."""
        if entry is None:
            return None
        for variant, (_hash, _size, inline) in entry["files"].items():
            if inline is None and not self._blob(digest, variant).is_file():
                return None
        return entry

    def _load_index(self) -> tuple[dict, dict]:
        try:
            with open(self.cache_dir / INDEX_NAME, "rb") as handle:
                version, entries, hashed = pickle.load(handle)
            if version == INDEX_VERSION and isinstance(entries, dict) and isinstance(hashed, dict):
                return entries, hashed
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            pass
        return {}, {}

    def save(self) -> None:
        """Keep the entries of this build in the index; delete the files of logos no longer used."""
        entries = {
            digest: {"meta": e["meta"], "files": e["files"]} for digest, e in self._used.items() if "data" not in e
        }
        hashed = {path: known for path, known in self._hashed_now.items() if known[1] in entries}
        if entries == self._index and hashed == self._hashed:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_dir / f"{INDEX_NAME}.tmp"
            with open(tmp, "wb") as handle:
                pickle.dump((INDEX_VERSION, entries, hashed), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.cache_dir / INDEX_NAME)
        except OSError:
            return
        self._hashed = hashed
        for digest, entry in self._index.items():
            if digest not in entries:
                for variant, (_hash, _size, inline) in entry["files"].items():
                    if inline is None:
                        self._blob(digest, variant).unlink(missing_ok=True)
        self._index = entries

    def write(self, output_path: Path, background: BackgroundWrites | None = None) -> None:
        """Write the logo files, skipping those already present with the same bytes; drop the rest.

        With `background` (the build's BackgroundWrites), the helper process writes them.
        """
        from .compress import MIN_BYTES, wants_gz, write_gz
        from .write_worker import write_with_gz

        folder = output_path / OUTPUT_DIR
        folder.mkdir(parents=True, exist_ok=True)
        present: dict[str, int] = {}
        zipped: set[str] = set()
        with os.scandir(folder) as entries:
            for old in entries:
                if not old.is_file(follow_symlinks=False):
                    continue
                # output/logos belongs to this pipeline: a stale logo is a removed partner's (with its .gz)
                if old.name not in self.outputs and old.name.removesuffix(".gz") not in self.outputs:
                    os.unlink(old.path)
                elif old.name in self.outputs:
                    present[old.name] = old.stat().st_size
                else:
                    zipped.add(old.name)
        write, write_only_gz = (background.write, background.write_gz) if background else (write_with_gz, write_gz)
        for name in self.outputs:
            size = self.outputs.size(name)
            target = f"{folder}/{name}"
            if present.get(name) == size:
                # the name carries the content hash: same name and size means same bytes
                if size >= MIN_BYTES and wants_gz(name) and f"{name}.gz" not in zipped:
                    write_only_gz(target, self.outputs[name])  # this folder's .gz files are made here
                continue
            write(target, self.outputs[name])
