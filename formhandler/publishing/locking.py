"""One exclusive lock held across gunicorn workers and CLI processes: an flock on a file."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import PublishError

WAIT_SECONDS = 20  # below gunicorn's 30 s timeout: a waiting reviewer gets an answer, not a killed worker


@contextlib.contextmanager
def exclusive(path: Path, busy: str, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold an flock on `path`, waiting up to `wait` seconds; PublishError(busy) when it stays taken."""
    # flock, not a lock file that exists or not: the kernel releases it when a killed worker's
    # process ends, so a crash never leaves the site locked.
    try:
        handle = open(path, "a+")  # noqa: SIM115 -- closed by the with below
    except OSError:
        raise PublishError(
            "Het slot van het publiceren kan niet worden geopend; er is niets gewijzigd. Draai de "
            "flask-opdrachten op de server als de gebruiker van de dienst (zie docs/deployment.md)."
        ) from None
    with handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    raise PublishError(busy) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
