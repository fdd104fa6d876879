"""The live site on this server: a production build into a new folder, then an atomic switch of the served link."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .errors import PublishError
from .locking import exclusive

logger = logging.getLogger(__name__)
PARTIAL = ".bouwt-"  # a build in progress; never served, removed when its process is gone
_LOCATED = re.compile(r"(\S+?\.md:\d+: .+?)\s*$")
BUSY = "Er wordt op dit moment al een build van de site gemaakt. Probeer het over een minuut opnieuw."


class BuildError(PublishError):
    """The production build failed; the site that was live stays live. The message holds its path:line errors."""


def partner_page(public_url: str, slug: str) -> str:
    """The partner's page on the public site (site-relative without a public address)."""
    return f"{public_url.rstrip('/')}/partners/{slug}/"


def readable_by_all(folder: Path) -> None:
    """Folders 0755 and files 0644: the web server's user reads the build, whatever the app's umask (0027)."""
    folder.chmod(0o755)
    for parent, folders, files in os.walk(folder):
        for name in folders:
            os.chmod(os.path.join(parent, name), 0o755)
        for name in files:
            os.chmod(os.path.join(parent, name), 0o644)


@dataclasses.dataclass(frozen=True)
class LiveSite:
    """Builds of `root` (the site's checkout) in a folder beside `served`, the link nginx serves."""

    root: Path
    served: Path
    public_url: str
    keep: int = 5
    timeout: float = 25

    @property
    def builds_dir(self) -> Path:
        """Where the builds live: beside the served link, so the link can point at them relatively."""
        return self.served.parent / f"{self.served.name}-builds"

    def builds(self) -> list[str]:
        """Names of the finished builds, oldest first (names start with their UTC time)."""
        if not self.builds_dir.is_dir():
            return []
        return sorted(p.name for p in self.builds_dir.iterdir() if p.is_dir() and not p.name.startswith("."))

    def current(self) -> str:
        """The build that is live, or '' when the served link does not point at one."""
        if not self.served.is_symlink():
            return ""
        target = Path(os.readlink(self.served))
        return target.name if target.parent.name == self.builds_dir.name else ""

    def publish(self, label: str) -> str:
        """Build the site as it is now and make it live; the new build's name, or BuildError (the old site stays)."""
        self.builds_dir.mkdir(parents=True, exist_ok=True)
        self.builds_dir.chmod(0o755)  # nginx's user walks through it to the build
        with exclusive(self.builds_dir / ".lock", BUSY):
            name = self._build(label)
            self._switch(name)
            self._prune()
        return name

    def rollback(self, to: str = "") -> str:
        """Make the build before the live one (or the named one) live again; its name."""
        self.builds_dir.mkdir(parents=True, exist_ok=True)
        with exclusive(self.builds_dir / ".lock", BUSY):
            builds, current = self.builds(), self.current()
            if to:
                if to not in builds:
                    raise PublishError(f"Er is geen build ‘{to}’. Kies uit: {', '.join(builds) or 'geen'}.")
                target = to
            else:
                older = [name for name in builds if name < current] if current else []
                if not older:
                    raise PublishError("Er is geen eerdere build om naar terug te gaan.")
                target = older[-1]
            self._switch(target)
        return target

    def _build(self, label: str) -> str:
        """A production build into a fresh folder, renamed to its final name only once it is complete."""
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        name = f"{stamp}-{label}"
        partial = self.builds_dir / f"{PARTIAL}{name}"
        command = [
            sys.executable,
            "-m",
            "pelican",
            str(self.root / "content"),
            "-s",
            str(self.root / "publishconf.py"),
            "-o",
            str(partial),
            # The cache beside the builds, not in the working copy: git status stays clean.
            "--cache-path",
            str(self.builds_dir / ".cache"),
        ]
        # SITEURL: the production address in the sitemap, robots.txt, the feeds and the badges;
        # COLUMNS: Pelican's log lines unwrapped, so each path:line error is one line to read back;
        # no bytecode: importing pelicanconf.py would leave a __pycache__/ in the working copy,
        # which the next publication would refuse as an uncommitted change.
        env = {
            **os.environ,
            "SITEURL": self.public_url,
            "COLUMNS": "4000",
            "NO_COLOR": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        try:
            done = subprocess.run(command, cwd=self.root, env=env, capture_output=True, text=True, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            shutil.rmtree(partial, ignore_errors=True)
            raise BuildError(
                f"De build van de site duurde langer dan {self.timeout:g} seconden en is gestopt; "
                "de vorige versie blijft online."
            ) from None
        if done.returncode != 0:
            shutil.rmtree(partial, ignore_errors=True)
            logger.warning("site build failed (%s): %s", done.returncode, done.stderr[-2000:])
            raise BuildError(self._explain(done.stdout + done.stderr))
        readable_by_all(partial)
        partial.rename(self.builds_dir / name)
        return name

    def _explain(self, output: str) -> str:
        """The build's path:line errors (paths relative to the site), or the reason it gives."""
        located: list[str] = []
        for line in output.splitlines():
            match = _LOCATED.search(line)
            if match and (error := self._relative(match.group(1))) not in located:
                located.append(error)
        if located:
            return "De build van de site is mislukt; de vorige versie blijft online.\n" + "\n".join(located[:10])
        return (
            "De build van de site is mislukt; de vorige versie blijft online. "
            "De beheerder van de server vindt de reden in het log."
        )

    def _relative(self, text: str) -> str:
        """`text` with the server's path of the site left out."""
        return text.replace(f"{self.root.resolve()}/", "").replace(f"{self.root}/", "")

    def _switch(self, name: str) -> None:
        """Point the served link at build `name` in one rename: a visitor gets the old site or the new, never half."""
        if self.served.exists() and not self.served.is_symlink():
            raise BuildError(
                f"{self.served} is een gewone map, geen symbolische link; de vorige versie blijft online. "
                f"Verplaats die map eenmalig (bijvoorbeeld naar {self.served.name}.oud) en draai "
                "flask --app formhandler site build."
            )
        link = self.served.parent / f".{self.served.name}.{secrets.token_hex(4)}.link"
        os.symlink(os.path.relpath(self.builds_dir / name, self.served.parent), link)
        try:
            os.replace(link, self.served)
        except OSError:
            link.unlink(missing_ok=True)
            raise

    def _prune(self) -> None:
        """Keep the newest `keep` builds and the live one; remove the rest and builds left half-done."""
        builds, current = self.builds(), self.current()
        for name in builds[: max(len(builds) - self.keep, 0)]:
            if name != current:
                shutil.rmtree(self.builds_dir / name, ignore_errors=True)
        hour_ago = time.time() - 3600
        for partial in self.builds_dir.glob(f"{PARTIAL}*"):
            if partial.stat().st_mtime < hour_ago:  # a build whose process was killed
                shutil.rmtree(partial, ignore_errors=True)
