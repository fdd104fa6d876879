"""Skip re-rendering partner pages whose inputs did not change: the editor's fast rebuild."""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from pathlib import Path

from .compress import MIN_BYTES, wants_gz


class PageCache:
    """Maps an output file to the hash of everything that went into it."""

    def __init__(self, path: Path, shared: str):
        self.path = path
        self.shared = shared
        try:
            with open(path, "rb") as handle:
                self.entries: dict[str, str] = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
            self.entries = {}
        self.new: dict[str, str] = {}

    def key(self, *inputs) -> str:
        """Hash of the shared inputs and this page's own (reprs of frozen dataclasses are complete)."""
        return hashlib.sha256((self.shared + repr(inputs)).encode()).hexdigest()

    def fresh(self, name: str, key: str, output: Path) -> bool:
        """True when the page exists, with its .gz, and was rendered from exactly these inputs.

        The .gz is checked here, where the page is looked at anyway, so the .gz sweep need not
        enter the partner page folders (a page and its .gz are written by one job, and a page is
        only remembered once that job is done).
        """
        if self.entries.get(name) != key:
            return False
        path = f"{output}/{name}"
        try:
            info = os.stat(path)
        except OSError:
            return False
        if not stat.S_ISREG(info.st_mode):
            return False
        if info.st_size >= MIN_BYTES and wants_gz(name) and not os.path.isfile(f"{path}.gz"):
            return False
        self.new[name] = key
        return True

    def store(self, name: str, key: str) -> None:
        self.new[name] = key

    def prune(self, output: Path) -> list[str]:
        """Delete pages the previous build wrote and this one did not: a removed partner."""
        gone = [name for name in self.entries if name not in self.new]
        for name in gone:
            target = output / name
            target.unlink(missing_ok=True)
            target.with_name(target.name + ".gz").unlink(missing_ok=True)
            try:
                target.parent.rmdir()
            except OSError:
                pass  # not empty or already gone
        return gone

    def save(self) -> None:
        """Keep only the pages of this build, so a removed partner is not remembered.

        The writing helper may still be busy: wait for it first, so a page is only remembered as
        rendered once it is on disk (a failed write raises here and nothing is saved).
        """
        from .writer import wait_for_writes

        wait_for_writes()
        if self.new == self.entries:
            return  # nothing changed: the file already says this
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            with open(tmp, "wb") as handle:
                pickle.dump(self.new, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass
