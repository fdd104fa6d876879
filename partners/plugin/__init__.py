"""Pelican plugin: validate the partner records and build the wall, partner pages, logos and open data.

Enable with ``PLUGINS = ["partners.plugin"]``. A record that fails validation stops the build
with every problem listed as ``path:line: Field: reason``. After the build every text file gets
a .gz beside it, for nginx's gzip_static.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from pelican import Pelican, signals

from ..records import RecordError, problem_count
from . import content_cache
from .compress import compress_tree
from .generator import PartnerGenerator

logger = logging.getLogger(__name__)


class ReportRecordErrors(logging.Filter):
    """`pelican` logs a failed build's exception with its traceback, wrapped into a narrow column.

    For invalid records that hides the one thing an editor needs: the problems. This filter on
    Pelican's own logger prints them instead, one `path:line: Field: reason` per line as `make
    check` does, and drops the log record; Pelican still exits non-zero. Other errors pass as they are.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """False (not logged) for a RecordError, after printing its problems."""
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, RecordError):
            return True
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{problem_count(len(error.problems))}; de site is niet gebouwd.", file=sys.stderr, flush=True)
        return False


_REPORT_RECORD_ERRORS = ReportRecordErrors()


def get_generators(pelican_object: Pelican) -> type[PartnerGenerator]:
    """Hand Pelican our generator."""
    return PartnerGenerator


def check_content_cache(pelican_object: Pelican) -> None:
    """Before the build: Pelican's content cache only for the settings and versions that made it."""
    content_cache.check_before_build(pelican_object.settings)


def finish(pelican_object: Pelican) -> None:
    """After everything is written: the .gz files, then the key of the content cache this build saved."""
    written, removed = compress_tree(Path(pelican_object.output_path))
    logger.debug("partners: %d .gz written, %d removed", written, removed)
    content_cache.record_after_build(pelican_object.settings)


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(check_content_cache)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(finish)
    logging.getLogger("pelican").addFilter(_REPORT_RECORD_ERRORS)  # a set: adding it twice keeps one
