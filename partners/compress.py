"""Pre-compress text files in the output so nginx's gzip_static serves them without work per request."""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

SUFFIXES = frozenset({".html", ".css", ".js", ".svg", ".json", ".csv", ".xml", ".txt"})
MIN_BYTES = 256  # smaller files gain nothing; nginx's own gzip_min_length is the same


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: no file name, mtime 0, so equal input gives equal bytes in every build."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def compress_tree(output: Path) -> tuple[int, int]:
    """Write FILE.gz beside every text FILE whose .gz is missing or older; drop orphans.

    Returns (written, removed). A .gz is only rewritten when its bytes would change.
    """
    written = removed = 0
    for folder, _dirs, files in os.walk(output):
        names = set(files)
        for name in files:
            path = Path(folder) / name
            if name.endswith(".gz"):
                if name[:-3] not in names:  # its source is gone (a removed partner's page)
                    path.unlink()
                    removed += 1
                continue
            if Path(name).suffix not in SUFFIXES:
                continue
            written += compress_file(path, f"{name}.gz" in names)
    return written, removed


def compress_file(path: Path, has_gz: bool) -> int:
    """Compress one file if needed; return 1 when a .gz was written."""
    target = path.with_name(path.name + ".gz")
    info = path.stat()
    if has_gz and target.stat().st_mtime_ns >= info.st_mtime_ns:
        return 0  # the source has not been rewritten since
    data = path.read_bytes()
    if len(data) < MIN_BYTES:
        if has_gz:
            target.unlink()
        return 0
    if has_gz and _trailer(target) == (zlib.crc32(data), len(data) & 0xFFFFFFFF):
        return 0  # rewritten with the same bytes (the open data files are): leave the .gz alone
    packed = gzip_bytes(data)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(packed)
    os.replace(tmp, target)
    return 1


def _trailer(target: Path) -> tuple[int, int] | None:
    """CRC-32 and length of the uncompressed data, from the last 8 bytes of a gzip file."""
    try:
        with open(target, "rb") as handle:
            handle.seek(-8, os.SEEK_END)
            return struct.unpack("<II", handle.read(8))
    except (OSError, struct.error):
        return None
