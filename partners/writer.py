"""A Pelican Writer that leaves a file untouched when its new bytes equal the old ones."""

from __future__ import annotations

import io
import os

from pelican.writers import FileOverwriteFailedError, Writer


def write_if_changed(path: str, data: bytes) -> bool:
    """Write `data` to `path` unless the file already holds exactly these bytes; True when written."""
    try:
        if os.path.getsize(path) == len(data):
            with open(path, "rb") as handle:
                if handle.read() == data:
                    return False
    except OSError:
        pass  # missing: write it
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
    return True


class _Pending(io.StringIO):
    """Collects what Pelican writes; on close, writes it to disk only when it changed."""

    def __init__(self, path: str, encoding: str):
        super().__init__()
        self.path, self.charset = path, encoding

    def close(self) -> None:
        if not self.closed:
            write_if_changed(self.path, self.getvalue().encode(self.charset))
        super().close()


class SameBytesWriter(Writer):
    """Unchanged pages keep their mtime, so rsync, the .gz step and browsers see no change."""

    def _open_w(self, filename, encoding, override=False):
        # Pelican's own bookkeeping (refuse a second write to one file), then a pending file
        # instead of open(filename, "w"), which would truncate and touch an unchanged page.
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(f'Failed to overwrite "{filename}" a second time')
            return open(os.devnull, "w", encoding=encoding)
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(f'Failed to overwrite "{filename}" as Pelican has already written to it')
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _Pending(filename, encoding)
