"""Pre-compress the output's text files, so nginx's gzip_static serves them without work per request."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from .files import write_if_changed

SUFFIXES = frozenset({".html", ".css", ".js", ".svg", ".json", ".csv", ".xml", ".txt"})
MIN_BYTES = 256  # smaller files gain nothing; nginx's own gzip_min_length is the same


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: no file name, mtime 0, so equal input gives equal bytes in every build."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def compress_tree(output: Path) -> tuple[int, int]:
    """Bring FILE.gz in line with every text FILE under `output`; return (written, removed)."""
    # A .gz newer than its file is current: the build rewrites only files whose bytes changed. A .gz
    # without its file, or beside a file too small to be worth one, goes.
    written = removed = 0
    for folder, _dirs, names in os.walk(output):
        present = set(names)
        for name in names:
            path = Path(folder, name)
            if name.endswith(".gz"):
                if name[:-3] not in present:  # its file is gone (a removed partner's page)
                    path.unlink()
                    removed += 1
                continue
            if os.path.splitext(name)[1] not in SUFFIXES:
                continue
            target = path.with_name(name + ".gz")
            info = path.stat()
            if info.st_size < MIN_BYTES:
                if name + ".gz" in present:
                    target.unlink()
                    removed += 1
                continue
            if name + ".gz" in present and target.stat().st_mtime_ns >= info.st_mtime_ns:
                continue
            written += write_if_changed(target, gzip_bytes(path.read_bytes()))
    return written, removed
