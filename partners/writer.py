"""A Pelican Writer that leaves a file untouched when its new bytes equal the old ones.

The writing itself (and the page's .gz) happens on a small thread pool: file I/O and zlib
release the GIL, so on two cores they run beside the rendering of the next page instead of
after it. `BackgroundWrites.drain()` waits for every write and re-raises the first failure.
"""

from __future__ import annotations

import io
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from pelican.writers import FileOverwriteFailedError, Writer

from .compress import write_gz

WORKERS = 2
MAX_PENDING = 256  # bounds the rendered bytes waiting for a worker: memory stays flat at 10,000 pages


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


def write_with_gz(path: str, data: bytes) -> bool:
    """write_if_changed, then the .gz beside it brought in line; True when the file was written.

    The .gz is checked also when the file kept its bytes (write_gz leaves a .gz that already
    holds them alone): a build killed between the two writes left a stale one, and the .gz sweep
    does not enter the partner page folders (see PageCache.fresh).
    """
    written = write_if_changed(path, data)
    write_gz(path, data)
    return written


class BackgroundWrites:
    """Run file writes on worker threads; `drain()` waits for them and raises the first error."""

    def __init__(self, workers: int = WORKERS, max_pending: int = MAX_PENDING):
        self._pool: ThreadPoolExecutor | None = None
        self._workers = workers
        self._slots = threading.BoundedSemaphore(max_pending)
        self._futures: list[Future] = []
        self._lock = threading.Lock()

    def submit(self, function, *args) -> None:
        """Queue `function(*args)`; blocks while `max_pending` jobs are still waiting."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="partners-write")
        self._slots.acquire()
        try:
            future = self._pool.submit(function, *args)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _f: self._slots.release())
        with self._lock:
            self._futures.append(future)

    def drain(self) -> int:
        """Wait for every queued write; return how many returned a true value; raise the first failure."""
        with self._lock:
            futures, self._futures = self._futures, []
        error = None
        done = 0
        for future in futures:
            exc = future.exception()
            if exc is not None and error is None:
                error = exc
            elif exc is None and future.result():
                done += 1
        if error is not None:
            raise error
        return done

    def close(self) -> None:
        """Drain, then stop the worker threads."""
        try:
            self.drain()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None


_current: BackgroundWrites | None = None  # the pool of the build in progress in this process
_current_lock = threading.Lock()


def start_build() -> BackgroundWrites:
    """A new build: a fresh pool; what a failed earlier build left queued is finished quietly."""
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
    """The current build's pool (started by the partners plugin, or here on first use)."""
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
    """Wait for every queued write, then stop the worker threads; raise the first failure."""
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
    """Collects what Pelican writes; on close, hands the bytes to the writer's workers."""

    def __init__(self, path: str, encoding: str, background: BackgroundWrites, again: bool):
        super().__init__()
        self.path, self.charset, self.background, self.again = path, encoding, background, again

    def close(self) -> None:
        if not self.closed:
            if self.again:  # an override of a file already queued: the first write must land first
                self.background.drain()
            self.background.submit(write_with_gz, self.path, self.getvalue().encode(self.charset))
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
        again = filename in self._written_files
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _Pending(filename, encoding, self.background, again)
