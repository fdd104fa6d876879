"""Files under content/: where a record lives, its hash, who uses a logo, and the one writer that writes whole."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from partners.records import PARTNERS_DIR, parse_header

from .errors import PublishError


def record_file(content_dir: str | Path, slug: str) -> Path:
    """The record file of `slug` under content_dir."""
    return Path(content_dir) / PARTNERS_DIR / f"{slug}.md"


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def text_sha256(text: str) -> str:
    """The sha256 a record file holding `text` has."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def logo_users(content_dir: str | Path, logo: str) -> list[str]:
    """Slugs of the records whose Logo header names `logo` (e.g. "logos/naam.svg")."""
    users = []
    for path in sorted((Path(content_dir) / PARTNERS_DIR).glob("*.md")):
        try:
            header = parse_header(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue  # an unreadable record names no logo we could know of; the build reports it
        if header.values.get("Logo", "").strip() == logo:
            users.append(path.stem)
    return users


def make_folder(folder: Path, shown: str | None = None) -> None:
    """Create `folder` (one level) if needed; refuse one that cannot be written (named as `shown`)."""
    shown = shown or folder.name  # never the server's own path: a reviewer reads this
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        raise PublishError(f"De map {shown} kan niet worden aangemaakt.") from None
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise PublishError(f"In de map {shown} kan niet worden geschreven.")


def write_atomically(path: Path, data: bytes, *, replace: bool, shown: str | None = None) -> None:
    """Write `data` whole or not at all: a synced temp file in the same folder, then link or rename."""
    # With replace=False the last step is os.link, which fails when the target exists, so an
    # editor's file is never overwritten; with replace=True it is os.replace. Messages name the
    # file as `shown` (relative to content/): a reviewer has no use for the server's paths.
    shown = shown or path.name
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        raise PublishError(f"In de map van {shown} kan niet worden geschreven.") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        if replace:
            os.replace(temp, path)
        else:
            os.link(temp, path)
        _fsync_folder(path.parent)
    except FileExistsError:
        raise PublishError(f"{shown} bestaat al; er is niets overschreven.") from None
    except OSError:
        raise PublishError(f"{shown} kan niet worden geschreven; er is niets gewijzigd.") from None
    finally:
        try:
            os.unlink(temp)
        except OSError:
            pass


def _fsync_folder(folder: Path) -> None:
    """Make the new directory entry durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
