"""Files under content/: where a record lives, its hash, and the one writer that writes whole or not at all."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from partners.records import PARTNERS_DIR

from .publication import PublishError

LOGOS_DIR = "logos"


def shown(path: str | Path) -> str:
    """`path` as a reviewer reads it, relative to the content folder: the server's own folders stay private."""
    parts = Path(path).parts
    # Publishing writes only under content/partners/ and content/logos/: the innermost one starts the name.
    for index in range(len(parts) - 1, -1, -1):
        if parts[index] in (PARTNERS_DIR, LOGOS_DIR):
            return "/".join(parts[index:])
    return Path(path).name


def record_file(content_dir: str | Path, slug: str) -> Path:
    """The record file of `slug` under content_dir."""
    return Path(content_dir) / PARTNERS_DIR / f"{slug}.md"


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prepare_folders(content: Path, paths: list[Path]) -> None:
    """Refuse a missing content folder or an existing target; create partners/ and logos/ if needed."""
    if not content.is_dir():
        raise PublishError("De contentmap (CONTENT_DIR) bestaat niet.")
    for path in paths:
        if path.exists() or path.is_symlink():
            raise PublishError(
                f"{shown(path)} bestaat al. Publiceren overschrijft nooit bestaand werk: "
                "kies een andere naam of verwerk dit item met de hand."
            )
        make_folder(path.parent)


def make_folder(folder: Path) -> None:
    """Create `folder` (one level) if needed; refuse one that cannot be written."""
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        raise PublishError(f"De map {shown(folder)} kan niet worden aangemaakt.") from None
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise PublishError(f"In de map {shown(folder)} kan niet worden geschreven.")


def write_atomically(path: Path, data: bytes, *, replace: bool) -> None:
    """Write `data` whole or not at all: a synced temp file in the same folder, then link or rename."""
    # With replace=False the last step is os.link, which fails when the target exists, so an
    # editor's file is never overwritten; with replace=True it is os.replace.
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        raise PublishError(f"In de map {shown(path.parent)} kan niet worden geschreven.") from None
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
        raise PublishError(f"{shown(path)} bestaat al; er is niets overschreven.") from None
    except OSError:
        raise PublishError(f"{shown(path)} kan niet worden geschreven; er is niets gewijzigd.") from None
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
