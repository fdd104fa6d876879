"""Cache-busting URLs for theme assets, shared by the Pelican build and the Flask pages."""

from __future__ import annotations

import hashlib
from pathlib import Path


class AssetUrls:
    """Callable `asset("css/site.css")` -> "/theme/css/site.css?v=<content hash>"."""

    def __init__(self, static_dir: str | Path, prefix: str = "/theme/") -> None:
        self.static_dir = Path(static_dir)
        self.prefix = prefix
        self._cache: dict[str, tuple[int, int, str]] = {}

    def __call__(self, name: str) -> str:
        path = self.static_dir / name
        info = path.stat()
        cached = self._cache.get(name)
        if cached is None or cached[:2] != (info.st_mtime_ns, info.st_size):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            cached = self._cache[name] = (info.st_mtime_ns, info.st_size, digest)
        return f"{self.prefix}{name}?v={cached[2]}"

    def __deepcopy__(self, memo: dict) -> AssetUrls:
        # Pelican deep-copies its settings; a shared instance keeps one cache.
        return self
