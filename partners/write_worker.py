"""Write the build's files (and their .gz) in a helper process, on the second core.

Pelican renders on one core. Writing on threads of the same process cost more than it saved:
every file is a dozen system calls, and each one hands the GIL back and forth between the
writing thread and the rendering one (at 1,000 partners the thread pool made the build 0.2 s
slower on tmpfs). A helper process has its own interpreter: the build sends it
(operation, path, bytes) frames over a pipe, which it carries out (in order where order
matters), and asks at the end how many files it wrote and whether one failed. This module
imports nothing outside the standard library, so the helper starts in a few tens of
milliseconds.
"""

from __future__ import annotations

import logging
import os
import signal
import struct
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .compress import write_gz

logger = logging.getLogger(__name__)
_FRAME = struct.Struct("<cII")  # operation, length of the path, length of the data
_REPLY = struct.Struct("<II")  # files written, length of the error text
_WRITE, _WRITE_GZ, _FOLDERS, _SYNC = b"w", b"g", b"d", b"s"
_ROOT = str(Path(__file__).resolve().parent.parent)
# Two threads in the helper: where creating a file is slow (ext4 right after thousands of
# deletions, 1-2 ms of system time per file) they halve the wait; on tmpfs they cost nothing
# measurable. The helper's threads do not slow the rendering: they hold another GIL.
WORKERS = 2
MAX_PENDING = 256  # files read from the pipe and not yet written: the helper's memory stays flat
INLINE_FILES = 64  # files a build writes itself before it starts the helper (see BackgroundWrites)


def write_if_changed(path: str | os.PathLike, data: bytes) -> bool:
    """Write `data` to `path` unless the file already holds exactly these bytes; True when written.

    A missing folder is made; the write goes through a temporary file, so a reader never sees half.
    """
    path = os.fspath(path)
    try:
        if os.path.getsize(path) == len(data):
            with open(path, "rb") as handle:
                if handle.read() == data:
                    return False
    except OSError:
        pass  # missing: write it
    tmp = f"{path}.tmp"
    try:
        handle = open(tmp, "wb")
    except FileNotFoundError:  # its folder is not there yet (the helper makes folders beside the writes)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle = open(tmp, "wb")
    with handle:
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


def _folders_frame(base: str, data: bytes) -> None:
    """Make base/NAME for each name in the frame, one per line (the build sends only missing ones);
    folders are not counted as files."""
    for name in data.decode().split("\n"):
        os.makedirs(os.path.join(base, name), exist_ok=True)


_OPERATIONS = {_WRITE: write_with_gz, _WRITE_GZ: write_gz, _FOLDERS: _folders_frame}


def serve(source, sink, workers: int = WORKERS) -> None:
    """The helper's loop: carry out frames until the pipe closes; answer each sync frame."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="partners-write") as pool:
        batch = _Batch(pool)
        while True:
            header = source.read(_FRAME.size)
            if len(header) < _FRAME.size:
                return  # the build closed the pipe (or ended)
            operation, path_length, data_length = _FRAME.unpack(header)
            path = source.read(path_length).decode()
            data = source.read(data_length)
            if operation == _SYNC:
                done, error = batch.settle()
                text = error.encode()
                sink.write(_REPLY.pack(done, len(text)) + text)
                sink.flush()
            else:
                batch.run(_OPERATIONS[operation], path, data)


class _Batch:
    """The operations since the last sync, on the helper's threads except where order matters."""

    def __init__(self, pool: ThreadPoolExecutor):
        self.pool = pool
        self.changed = threading.Condition()
        self.in_flight: set[str] = set()  # paths queued or being written
        self.slots = threading.BoundedSemaphore(MAX_PENDING)
        self.done, self.error = 0, ""

    def run(self, operation, path: str, data: bytes) -> None:
        """Queue one operation; a second one on a path already queued (the last write must win)
        runs here, after what is queued. A write whose folder is still to come makes it itself."""
        with self.changed:
            queued = path in self.in_flight
        if queued:
            self._wait()
            self._carry_out(operation, path, data)
            return
        self.slots.acquire()  # at most MAX_PENDING files in memory; then the pipe fills and the build waits
        with self.changed:
            self.in_flight.add(path)
        self.pool.submit(self._carry_out_queued, operation, path, data)

    def settle(self) -> tuple[int, str]:
        """Wait for everything queued; (files written, the first failure or "") since the last settle."""
        self._wait()
        with self.changed:
            result = (self.done, self.error)
            self.done, self.error = 0, ""
        return result

    def _wait(self) -> None:
        with self.changed:
            self.changed.wait_for(lambda: not self.in_flight)

    def _carry_out_queued(self, operation, path: str, data: bytes) -> None:
        try:
            self._carry_out(operation, path, data)
        finally:
            with self.changed:
                self.in_flight.discard(path)
                self.changed.notify_all()
            self.slots.release()

    def _carry_out(self, operation, path: str, data: bytes) -> None:
        try:
            written = operation(path, data)
        except Exception as exc:  # reported at the next sync; the build stops there
            with self.changed:
                self.error = self.error or _describe(exc)
            return
        if written:
            with self.changed:
                self.done += 1


def _describe(exc: Exception) -> str:
    """errno, then the message, of a failure: enough for the build to raise the same OSError."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{exc.errno}\n{exc.strerror}\n{exc.filename or ''}"
    return f"0\n{type(exc).__name__}: {exc}\n"


def _rebuild_error(text: str) -> Exception:
    """The build's exception for what the helper reported (an OSError keeps its subclass)."""
    number, message, filename = text.split("\n", 2)
    if int(number):
        return OSError(int(number), message, filename or None)
    return RuntimeError(f"het schrijven van de site is mislukt: {message}")


class BackgroundWrites:
    """The build's side of the helper: queue writes, then `drain()` to wait and see the first failure.

    The first `inline_files` files are written here, at once: a rebuild after one edit writes a
    dozen files, and starting the helper (50 ms of another core) would cost it more than it
    saves. From the first file beyond them on, everything goes to the helper, in order.
    """

    def __init__(self, inline_files: int = INLINE_FILES):
        self._process: subprocess.Popen | None = None
        self._inline_left = inline_files
        self._done, self._error = 0, None  # of the work done here since the last drain
        self._lock = threading.Lock()  # frames from two threads must not interleave

    def write(self, path: str, data: bytes) -> None:
        """Queue write_with_gz(path, data)."""
        self._run(_WRITE, path, data, 1)

    def write_gz(self, path: str, data: bytes) -> None:
        """Queue write_gz(path, data): only the .gz beside a file already in place."""
        self._run(_WRITE_GZ, path, data, 1)

    def make_folders(self, base: str, names: list[str]) -> None:
        """Queue making base/NAME for each name that has no folder yet (a write makes its own
        folder anyway: this makes them early, beside the writes)."""
        os.makedirs(base, exist_ok=True)
        existing = set(os.listdir(base))
        missing = [name for name in names if name not in existing]
        if missing:
            self._run(_FOLDERS, base, "\n".join(missing).encode(), len(missing))

    def drain(self) -> int:
        """Wait for every queued write; return how many files were written; raise the first failure."""
        with self._lock:
            done, error = self._done, self._error
            self._done, self._error = 0, None
            if self._process is not None:
                self._send_locked(_SYNC, "", b"")
                helper_done, length = _REPLY.unpack(self._read(_REPLY.size))
                done += helper_done
                if length and error is None:
                    error = _rebuild_error(self._read(length).decode())
                elif length:
                    self._read(length)
        if error is not None:
            raise error
        return done

    def close(self) -> None:
        """Drain, then let the helper end."""
        try:
            self.drain()
        finally:
            with self._lock:
                process, self._process = self._process, None
            if process is not None:
                process.stdin.close()
                process.wait()
                process.stdout.close()

    def _run(self, operation: bytes, path: str, data: bytes, files: int) -> None:
        with self._lock:
            if self._process is None and files > self._inline_left:
                try:
                    self._process = _start()
                except OSError as exc:  # no interpreter to start (an embedded Python): write here
                    logger.warning("partners: geen schrijfproces (%s); de build schrijft zelf", exc)
                    self._inline_left = float("inf")
            if self._process is None:
                self._inline_left -= files
                try:
                    if _OPERATIONS[operation](path, data):
                        self._done += 1
                except Exception as exc:  # raised by drain, as the helper's failures are
                    self._error = self._error or exc
                return
            self._send_locked(operation, path, data)

    def _send_locked(self, operation: bytes, path: str, data: bytes) -> None:
        encoded = path.encode()
        try:
            self._process.stdin.write(_FRAME.pack(operation, len(encoded), len(data)) + encoded)
            self._process.stdin.write(data)
            if operation == _SYNC:
                self._process.stdin.flush()
        except BrokenPipeError:
            raise self._helper_lost() from None

    def _read(self, size: int) -> bytes:
        data = self._process.stdout.read(size)
        if len(data) < size:
            raise self._helper_lost()
        return data

    def _helper_lost(self) -> RuntimeError:
        """Forget a helper that ended mid-build (what it had not written is lost: the build fails)."""
        process, self._process = self._process, None
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:  # the unwritten rest of the buffer
                pass
        return RuntimeError("het schrijfproces van de build is onverwacht gestopt")


def _start() -> subprocess.Popen:
    """Start the helper: this interpreter, without site packages (-S) or user settings (-I)."""
    code = f"import sys; sys.path.insert(0, {_ROOT!r}); from partners.write_worker import main; main()"
    return subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 16
    )


def main() -> None:
    """Entry point of the helper process."""
    # Ctrl-C reaches the whole process group: the build stops, closes the pipe, and this loop
    # ends there, without a second traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    main()
