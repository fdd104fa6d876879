"""Cache-busting URLs for theme assets, shared by the Pelican build and the Flask pages."""

from __future__ import annotations

import hashlib
from pathlib import Path


class AssetUrls:
    """Callable `asset("css/site.css")` -> "/theme/css/site.css?v=<content hash>"."""

    def __init__(self, static_dir: str | Path, prefix: str = "/theme/"):
        self.static_dir = Path(static_dir)
        self.prefix = prefix
        self._cache: dict[str, tuple[float, str]] = {}

    def __call__(self, name: str) -> str:
        path = self.static_dir / name
        mtime = path.stat().st_mtime
        cached = self._cache.get(name)
        if cached is None or cached[0] != mtime:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            cached = self._cache[name] = (mtime, digest)
        return f"{self.prefix}{name}?v={cached[1]}"

    def __deepcopy__(self, memo):
        # Pelican deep-copies its settings; a shared instance keeps one cache.
        return self
