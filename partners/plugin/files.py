"""Writing build output: a file whose bytes did not change is left alone (its mtime too)."""

from __future__ import annotations

import os
from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless the file already holds exactly these bytes; True when written."""
    # An unchanged file keeps its mtime, so rsync, nginx's ETag and the .gz pass see no change.
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass  # missing (or unreadable): write it
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")  # then a rename: a web server never serves half a page
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True
