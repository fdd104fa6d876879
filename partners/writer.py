"""A Pelican Writer that leaves a file untouched when its new bytes equal the old ones.

The writing itself (and the page's .gz) happens in the build's helper process (write_worker),
on the second core, while this process renders the next page.
"""

from __future__ import annotations

import io
import os
import threading

from pelican.writers import FileOverwriteFailedError, Writer

from .write_worker import BackgroundWrites

_current: BackgroundWrites | None = None  # the writes of the build in progress in this process
_current_lock = threading.Lock()


def start_build() -> BackgroundWrites:
    """A new build: a fresh helper; what a failed earlier build left queued is finished quietly."""
    global _current
    with _current_lock:
        stale, _current = _current, BackgroundWrites()
        background = _current
    if stale is not None:
        try:
            stale.close()
        except Exception:  # that build already failed and reported why
            pass
    return background


def build_writes() -> BackgroundWrites:
    """The current build's writes (started by the partners plugin, or here on first use)."""
    global _current
    with _current_lock:
        if _current is None:
            _current = BackgroundWrites()
        return _current


def wait_for_writes() -> int:
    """Wait until every file queued by the current build is on disk; raise the first failure.

    Called before the page caches are saved (a page is only remembered once it is written) and
    before the .gz sweep.
    """
    background = _current
    return background.drain() if background is not None else 0


def finish_build() -> int:
    """Wait for every queued write, then let the helper end; raise the first failure."""
    global _current
    with _current_lock:
        background, _current = _current, None
    if background is None:
        return 0
    try:
        return background.drain()
    finally:
        background.close()


class _Pending(io.StringIO):
    """Collects what Pelican writes; on close, hands the bytes to the helper process.

    The helper writes in the order it is given, so an override lands after the first write.
    """

    def __init__(self, path: str, encoding: str, background: BackgroundWrites):
        super().__init__()
        self.path, self.charset, self.background = path, encoding, background

    def close(self) -> None:
        if not self.closed:
            self.background.write(self.path, self.getvalue().encode(self.charset))
        super().close()


class SameBytesWriter(Writer):
    """Unchanged pages keep their mtime, so rsync, the .gz step and browsers see no change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.background = build_writes()

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
        return _Pending(filename, encoding, self.background)
