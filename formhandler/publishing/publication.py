"""What publishing writes: one Publication (the record text and the logo), or a Dutch PublishError why not."""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
from pathlib import Path

from partners import schema
from partners.records import PARTNERS_DIR

from .errors import PublishError
from .fileset import FileSet, Write

__all__ = ["Publication", "PublishError"]


@dataclasses.dataclass(frozen=True)
class Publication:
    """The files one publication writes; a change also knows the record before it and the logo it replaces.

    Once published it also carries where it went: the commit, and the live build or why that failed.
    """

    slug: str
    record_text: str
    logo_filename: str = ""
    logo_bytes: bytes = b""
    old_text: str = ""
    old_logo: str = ""  # e.g. "logos/naam.svg", removed once the new record is in place (if no other uses it)
    commit: str = ""
    build: str = ""  # the name of the live build that shows it
    build_error: str = ""

    def file_set(self, content_dir: str | Path) -> FileSet:
        """The writes and removals under content_dir: the logo, then the record, then the old logo."""
        writes = []
        if self.logo_filename:
            writes.append(Write(f"{schema.LOGO_DIR}/{self.logo_filename}", self.logo_bytes))
        replaces = hashlib.sha256(self.old_text.encode("utf-8")).hexdigest() if self.old_text else ""
        writes.append(Write(f"{PARTNERS_DIR}/{self.slug}.md", self.record_text.encode("utf-8"), replaces))
        return FileSet(Path(content_dir), writes, [self.old_logo] if self.old_logo else [])

    def record_path(self, content_dir: str | Path) -> Path:
        """Where the record goes under content_dir."""
        return Path(content_dir) / PARTNERS_DIR / f"{self.slug}.md"

    def logo_path(self, content_dir: str | Path) -> Path | None:
        """Where the logo goes under content_dir, or None without a logo."""
        return Path(content_dir) / schema.LOGO_DIR / self.logo_filename if self.logo_filename else None

    def diff(self) -> str:
        """The change to the record file as a unified diff."""
        return "".join(
            difflib.unified_diff(
                self.old_text.splitlines(True),
                self.record_text.splitlines(True),
                f"nu/{self.slug}.md",
                f"gevraagd/{self.slug}.md",
            )
        )
