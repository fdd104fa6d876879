"""Turn a record's logo into a content-hashed, cleaned file for the site, cached by content hash."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from .logos import check_logo, fit_box
from .schema import Record

OUTPUT_DIR = "logos"
TILE_BOX = (200, 100)  # CSS pixels of a wall tile's logo area


@dataclasses.dataclass(frozen=True)
class WallLogo:
    """What a template needs to show a logo without layout shift."""

    url: str
    width: int
    height: int
    file_name: str


class LogoPipeline:
    """Check each logo once; a rebuild reuses the cache for unchanged source bytes."""

    def __init__(self, content_dir: Path, cache_dir: Path):
        self.content_dir = content_dir
        self.cache_dir = cache_dir
        self.outputs: dict[str, bytes] = {}
        self.processed = 0  # how many logos were actually checked this run; the cache saves the rest

    def process(self, record: Record) -> WallLogo:
        """Return the wall logo for a record whose Logo file has already been validated."""
        source = (self.content_dir / record.logo).read_bytes()
        digest = hashlib.sha256(source).hexdigest()
        data, meta = self._cached(digest)
        if data is None:
            logo = check_logo(source, record.logo)
            data, meta = logo.data, {"ext": logo.extension, "width": logo.width, "height": logo.height}
            self._store(digest, data, meta)
            self.processed += 1
        out_hash = hashlib.sha256(data).hexdigest()[:12]
        name = f"{record.slug}.{out_hash}{meta['ext']}"
        self.outputs[name] = data
        width, height = fit_box(meta["width"], meta["height"], *TILE_BOX)
        return WallLogo(url=f"/{OUTPUT_DIR}/{name}", width=width, height=height, file_name=name)

    def _cached(self, digest: str):
        meta_path = self.cache_dir / f"{digest}.json"
        try:
            meta = json.loads(meta_path.read_text())
            return (self.cache_dir / f"{digest}.bin").read_bytes(), meta
        except (OSError, ValueError):
            return None, None

    def _store(self, digest: str, data: bytes, meta: dict) -> None:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            (self.cache_dir / f"{digest}.bin").write_bytes(data)
            (self.cache_dir / f"{digest}.json").write_text(json.dumps(meta))
        except OSError:
            pass  # a read-only cache only costs time

    def write(self, output_path: Path) -> None:
        """Write the logo files, skipping those already present with the same bytes; drop the rest."""
        folder = output_path / OUTPUT_DIR
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.name not in self.outputs and old.is_file():
                old.unlink()  # output/logos belongs to this pipeline: a stale logo is a removed partner's
        for name, data in self.outputs.items():
            target = folder / name
            if target.is_file() and target.stat().st_size == len(data):
                continue  # the name carries the content hash: same name and size means same bytes
            target.write_bytes(data)
