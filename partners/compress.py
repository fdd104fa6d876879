"""Pre-compress text files in the output so nginx's gzip_static serves them without work per request."""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SUFFIXES = frozenset({".html", ".css", ".js", ".svg", ".json", ".csv", ".xml", ".txt"})
MIN_BYTES = 256  # smaller files gain nothing; nginx's own gzip_min_length is the same
WORKERS = 2  # zlib and file I/O release the GIL


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: no file name, mtime 0, so equal input gives equal bytes in every build."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def wants_gz(path: str) -> bool:
    """True for the text formats that get a .gz beside them."""
    return os.path.splitext(path)[1] in SUFFIXES


def write_gz(path: str, data: bytes) -> int:
    """Bring PATH.gz in line with `data`, the bytes just written to PATH; return 1 when a .gz was written.

    The same decisions as the tree sweep: no .gz for small files (a stale one is removed), and an
    existing .gz that already holds these bytes (same CRC-32 and length) is left alone.
    """
    if not wants_gz(path):
        return 0
    target = f"{path}.gz"
    if len(data) < MIN_BYTES:
        try:
            os.unlink(target)
        except FileNotFoundError:
            pass
        return 0
    if _trailer(target) == (zlib.crc32(data), len(data) & 0xFFFFFFFF):
        return 0
    tmp = f"{target}.tmp"
    with open(tmp, "wb") as handle:
        handle.write(gzip_bytes(data))
    os.replace(tmp, target)
    return 1


def compress_tree(output: Path, skip: frozenset[str] | set[str] = frozenset()) -> tuple[int, int]:
    """Write FILE.gz beside every text FILE whose .gz is missing or older; drop orphans.

    Returns (written, removed). A .gz is only rewritten when its bytes would change. Pages the
    writer already compressed have a .gz newer than themselves and cost one stat each here.
    `skip` names folders, relative to `output` with "/" between parts, that look after their own
    .gz files and are not entered: output/logos, and the partner page folders whose page and .gz
    the build has just written or checked (at a thousand partners, most of this sweep's time).
    """
    todo: list[tuple[str, bool]] = []
    removed = 0
    root = os.fspath(output)
    stack = [(root, "")]
    while stack:
        folder, relative = stack.pop()
        with os.scandir(folder) as entries:
            listing = {entry.name: entry for entry in entries}
        for name, entry in listing.items():
            if entry.is_dir(follow_symlinks=False):
                inner = f"{relative}{name}"
                if inner not in skip:
                    stack.append((entry.path, inner + "/"))
                continue
            if name.endswith(".gz"):
                if name[:-3] not in listing:  # its source is gone (a removed partner's page)
                    os.unlink(entry.path)
                    removed += 1
                continue
            if os.path.splitext(name)[1] not in SUFFIXES:
                continue
            gz = listing.get(f"{name}.gz")
            if gz is None:
                if entry.stat().st_size < MIN_BYTES:
                    continue  # too small to be worth a .gz, and none to remove
            elif gz.stat().st_mtime_ns >= entry.stat().st_mtime_ns:
                continue  # the source has not been rewritten since
            todo.append((entry.path, gz is not None))
    if len(todo) < 8:
        written = sum(compress_file(Path(path), has_gz) for path, has_gz in todo)
    else:
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="partners-gz") as pool:
            written = sum(pool.map(lambda item: compress_file(Path(item[0]), item[1]), todo))
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


def _trailer(target) -> tuple[int, int] | None:
    """CRC-32 and length of the uncompressed data, from the last 8 bytes of a gzip file."""
    try:
        with open(target, "rb") as handle:
            handle.seek(-8, os.SEEK_END)
            return struct.unpack("<II", handle.read(8))
    except (OSError, struct.error):
        return None
