"""Group commit: concurrent requests of one process share a transaction, and so one fsync.

With `synchronous=FULL` every SQLite commit waits for the disk (about 15 ms on the benchmark
machine), and writers take turns, so one commit per application capped the form near 90/s
whatever the CPU. Here a writer thread takes every write waiting at that moment, runs each in
a savepoint of one transaction and commits once; each request gets its answer only after that
commit returned, so a 303 still means "on disk". Under gunicorn's sync worker a batch is one
write; with the gthread worker (deploy/gunicorn.conf.py) batches form by themselves under load.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from flask import Flask, current_app
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_BATCH = 64
Work = Callable[[Connection], object]


class GroupCommitter:
    """One writer thread per process that commits the writes waiting for it in one transaction."""

    def __init__(self, app: Flask, engine: Engine, max_batch: int = MAX_BATCH):
        self.app = app
        self.engine = engine
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._queue: queue.SimpleQueue[tuple[Work, Future]] = queue.SimpleQueue()

    def run(self, work: Callable[[Connection], T]) -> T:
        """Run `work(connection)` in the next shared transaction; its result once committed.

        Raises what `work` raised (that write alone is undone) or what the commit raised (the
        whole batch is undone): in both cases nothing of this write is stored.
        """
        future: Future = Future()
        self._ensure_writer().put((work, future))
        return future.result()

    def _ensure_writer(self) -> queue.SimpleQueue:
        # Started lazily and again after a fork: a thread does not survive fork(), and the
        # queue it served may hold items of the parent.
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self._queue = queue.SimpleQueue()
                threading.Thread(target=self._serve, args=(self._queue,), name="group-commit", daemon=True).start()
            return self._queue

    def _serve(self, waiting: queue.SimpleQueue) -> None:
        while True:
            batch = [waiting.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(waiting.get_nowait())
                except queue.Empty:
                    break
            # A fresh app context per batch: writes may read the config, and nothing lingers in `g`.
            with self.app.app_context():
                self._commit(batch)

    def _commit(self, batch: list[tuple[Work, Future]]) -> None:
        """Run a batch in one transaction; settle every future only after the commit."""
        results: list[tuple[Future, object, BaseException | None]] = []
        try:
            with self.engine.begin() as connection:
                for work, future in batch:
                    try:
                        with connection.begin_nested():
                            results.append((future, work(connection), None))
                    except DBAPIError:
                        raise  # the database itself is in trouble (gone, full, locked): undo the batch
                    except Exception as exc:  # this write alone fails; the others go on
                        results.append((future, None, exc))
        except BaseException as exc:  # begin or commit failed: nothing of the batch is stored
            for _work, future in batch:
                future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for future, result, error in results:
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)


def run(work: Callable[[Connection], T]) -> T:
    """Run `work` through the current app's group committer."""
    return current_app.extensions["formhandler.group_commit"].run(work)
