"""The files one publication writes and removes under content/, applied whole and undone whole."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .errors import PublishError
from .files import file_sha256, make_folder, write_atomically


@dataclasses.dataclass(frozen=True)
class Write:
    """One file to write: a new one (never over an existing file), or a replacement of a known version."""

    name: str  # relative to content/, e.g. "partners/naam.md"
    data: bytes
    replaces: str = ""  # the sha256 of the file it replaces; empty for a new file


@dataclasses.dataclass
class FileSet:
    """Writes (logos before records: a build never sees a record without its logo), then removals."""

    content: Path
    writes: list[Write]
    removals: list[str] = dataclasses.field(default_factory=list)
    _undo: list[tuple[str, bytes | None]] = dataclasses.field(default_factory=list)

    @property
    def names(self) -> list[str]:
        """Every file this set touches, relative to content/."""
        return [write.name for write in self.writes] + list(self.removals)

    def check(self) -> None:
        """Refuse before anything is written: a new file that exists, or a replaced file that changed."""
        if not self.content.is_dir():
            raise PublishError("De contentmap van de site (CONTENT_DIR) bestaat niet.")
        for write in self.writes:
            path = self.content / write.name
            if not write.replaces and (path.exists() or path.is_symlink()):
                raise PublishError(
                    f"{write.name} bestaat al. Publiceren overschrijft nooit bestaand werk: "
                    "kies een andere naam of verwerk dit item met de hand."
                )
            if write.replaces and (not path.is_file() or file_sha256(path) != write.replaces):
                raise PublishError(f"{write.name} is net gewijzigd door iemand anders; er is niets overschreven.")

    def apply(self) -> None:
        """Check, then write and remove; on any failure undo what was done and raise."""
        self.check()
        try:
            for write in self.writes:
                path = self.content / write.name
                make_folder(path.parent, write.name.rpartition("/")[0] or ".")
                before = path.read_bytes() if write.replaces else None
                write_atomically(path, write.data, replace=bool(write.replaces), shown=write.name)
                self._undo.append((write.name, before))
            for name in self.removals:
                path = self.content / name
                if path.is_file():
                    before = path.read_bytes()
                    path.unlink()
                    self._undo.append((name, before))
        except BaseException:
            self.undo()
            raise

    def undo(self) -> None:
        """Put every file back as it was before apply(), newest step first."""
        while self._undo:
            name, before = self._undo.pop()
            path = self.content / name
            if before is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, before, replace=True, shown=name)
