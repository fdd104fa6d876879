"""What publishing writes: one Publication (the record text and the logo), or a Dutch PublishError why not."""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

from partners import schema
from partners.records import PARTNERS_DIR


class PublishError(Exception):
    """Publishing is refused or failed; the message says why, in Dutch."""


@dataclasses.dataclass(frozen=True)
class Publication:
    """The files one publication writes; a change also knows the record before it and the logo it replaces."""

    slug: str
    record_text: str
    logo_filename: str = ""
    logo_bytes: bytes = b""
    old_text: str = ""
    old_logo: str = ""  # e.g. "logos/naam.svg", removed once the new record is in place

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
