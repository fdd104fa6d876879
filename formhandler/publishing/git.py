"""The site repository's working copy, through the git command line: lock, update, commit, push, reset."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from .errors import PublishError
from .locking import exclusive

logger = logging.getLogger(__name__)
LOCK_NAME = "alliantie-publiceren.lock"
_CREDENTIALS = re.compile(r"([a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)
BUSY = "Er wordt op dit moment al gepubliceerd. Er is niets gewijzigd; probeer het over een minuut opnieuw."
LOCAL_TIMEOUT = 30
NETWORK_TIMEOUT = 20


class GitError(PublishError):
    """A git command failed; the message is Dutch, the command's own output is only logged."""


class GitRepository:
    """One working copy on one branch, with the remote it follows (if it has one)."""

    def __init__(self, path: str | Path, remote: str = "origin", branch: str = "main") -> None:
        self.path = Path(path)
        self.remote = remote
        self.branch = branch

    def run(self, *args: str, network: bool = False, env: dict[str, str] | None = None) -> str:
        """Run `git args` in the working copy; its stdout, or GitError."""
        # Never a prompt for a password (a server has nobody to type it) and English output, which
        # this module reads; credentials come from the operator's ssh config or credential helper.
        environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
        try:
            done = subprocess.run(
                ["git", "-C", str(self.path), *args],
                capture_output=True,
                text=True,
                env=environment,
                timeout=NETWORK_TIMEOUT if network else LOCAL_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise GitError(
                f"git {args[0]} duurde te lang{' (is de remote bereikbaar?)' if network else ''}; "
                "er is niets gepubliceerd."
            ) from None
        except OSError as exc:
            raise GitError(f"git kan niet worden gestart ({exc.strerror}); is git geïnstalleerd?") from None
        if done.returncode != 0:
            # The output may name the remote's URL; it goes to the operator's log, not to the reviewer.
            said = f"{done.stdout}\n{done.stderr}".strip()
            logger.warning("git %s failed (%s): %s", args[0], done.returncode, scrubbed(said)[-500:])
            raise GitError(_explain(args[0], said))
        return done.stdout

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the publishing lock: one flock on a file in .git, shared by every worker and command."""
        git_dir = self.path / ".git"
        if not git_dir.is_dir():
            raise PublishError(
                "De map van de siterepository is geen git-werkkopie (SITE_REPO); er is niets gepubliceerd."
            )
        with exclusive(git_dir / LOCK_NAME, BUSY):
            yield

    def head(self) -> str:
        """The commit the working copy is at."""
        return self.run("rev-parse", "HEAD").strip()

    def has_remote(self) -> bool:
        """True when the remote is configured."""
        return self.remote in self.run("remote").split()

    def changed_files(self) -> list[str]:
        """Files that differ from the last commit, untracked ones included (paths relative to the repository)."""
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all")
        return [entry[3:] for entry in out.split("\0") if len(entry) > 3]

    def update(self, *, push: bool) -> None:
        """Fetch the branch and fast-forward to it; refuse a dirty tree, another branch or a diverged history."""
        dirty = self.changed_files()
        if dirty:
            raise PublishError(
                "In de werkkopie van de siterepository staan wijzigingen die niet zijn vastgelegd ("
                + ", ".join(dirty[:5])
                + (" en meer" if len(dirty) > 5 else "")
                + "). Publiceren raakt die niet aan en is gestopt; vraag de beheerder van de server ze vast te "
                "leggen of weg te halen (zie flask --app formhandler site status)."
            )
        current = self.run("rev-parse", "--abbrev-ref", "HEAD").strip()
        if current != self.branch:
            raise PublishError(
                f"De werkkopie staat op de tak ‘{current}’ in plaats van ‘{self.branch}’; er is niets gepubliceerd. "
                "Vraag de beheerder van de server dit recht te zetten."
            )
        if not self.has_remote():
            if push:
                raise PublishError(
                    f"De siterepository heeft geen remote ‘{self.remote}’ om naar te pushen; er is niets gepubliceerd."
                )
            return
        self.run("fetch", "--quiet", self.remote, f"+refs/heads/{self.branch}:{self.tracking}", network=True)
        ahead, behind = self.ahead_behind()
        if ahead and push:
            # With pushing on, every commit of ours reaches the remote; one that did not is not ours to publish.
            raise PublishError(
                f"De werkkopie heeft {ahead} {'commit' if ahead == 1 else 'commits'} die niet op de remote "
                f"{'staat' if ahead == 1 else 'staan'}; er is niets gepubliceerd. Vraag de beheerder van de server "
                "dit recht te zetten (zie flask --app formhandler site status)."
            )
        if behind:
            self.run("merge", "--ff-only", "--quiet", self.tracking)

    @property
    def tracking(self) -> str:
        """The remote-tracking ref of the branch."""
        return f"refs/remotes/{self.remote}/{self.branch}"

    def ahead_behind(self) -> tuple[int, int]:
        """(commits only here, commits only on the remote) against the last fetch."""
        try:
            out = self.run("rev-list", "--left-right", "--count", f"HEAD...{self.tracking}")
        except GitError:
            return 0, 0  # never fetched: nothing to compare with
        ahead, behind = (int(n) for n in out.split())
        return ahead, behind

    def commit(self, paths: list[str], message: str, name: str, email: str) -> str:
        """Commit exactly `paths` (written, changed or removed) with `name` <email> as author; the new commit."""
        self.run("add", "--all", "--", *paths)
        staged = self.run("diff", "--cached", "--name-only", "-z").split("\0")
        if not [path for path in staged if path]:
            raise PublishError("Er is niets veranderd ten opzichte van wat er al stond; er is niets gepubliceerd.")
        identity = _identity(name, email)
        # --no-verify: client hooks in the server's copy would run an editor's tools that are not there;
        # the check that counts ran already (the whole content folder), and the remote's hooks still apply.
        self.run("commit", "--quiet", "--no-verify", "-m", message, "--", *paths, env=identity)
        return self.head()

    def push(self) -> None:
        """Push the branch to the remote; a rejection is a GitError."""
        self.run("push", "--quiet", "--porcelain", self.remote, f"HEAD:refs/heads/{self.branch}", network=True)

    def reset(self, commit: str) -> None:
        """Back to `commit`, index and files alike (only ever over a tree that was clean at `commit`)."""
        self.run("reset", "--hard", "--quiet", commit)

    def revert(self, commit: str, message: str, name: str, email: str) -> str:
        """A new commit undoing `commit` (one already pushed), with `message`; the new commit."""
        identity = _identity(name, email)
        self.run("revert", "--no-commit", commit)
        self.run("commit", "--quiet", "--no-verify", "-m", message, env=identity)
        return self.head()


def scrubbed(text: str) -> str:
    """`text` without the credentials of any URL in it (a token wrongly put in the remote's URL)."""
    return _CREDENTIALS.sub(r"\1***@", text)


def _identity(name: str, email: str) -> dict[str, str]:
    """Author and committer alike: the reviewer's name with the bureau's address."""
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def _explain(command: str, stderr: str) -> str:
    """A Dutch sentence for a failed git command, from what git said (the output itself is logged only)."""
    said = stderr.lower()
    if command == "push" and ("rejected" in said or "pre-receive" in said or "hook declined" in said):
        return (
            "De remote heeft de commit geweigerd; er is niets gepubliceerd. Probeer het opnieuw; "
            "gebeurt dit weer, vraag dan de beheerder van de server om naar de remote te kijken."
        )
    if command in ("push", "fetch") and (
        "could not read" in said or "permission denied" in said or "authentication" in said
    ):
        return (
            "De remote van de siterepository weigert de toegang (de deploy key of het token); er is niets "
            "gepubliceerd. Vraag de beheerder van de server de toegang te controleren."
        )
    if command in ("push", "fetch"):
        return (
            "De remote van de siterepository is niet bereikbaar; er is niets gepubliceerd. "
            "Probeer het over een paar minuten opnieuw."
        )
    if command == "merge":
        return (
            "De werkkopie kan niet worden bijgewerkt: de geschiedenis op de server en op de remote lopen uiteen. "
            "Er is niets gepubliceerd; vraag de beheerder van de server dit recht te zetten."
        )
    if "no space left" in said or "disk quota" in said:
        return (
            "De schijf van de server is vol; er is niets gepubliceerd. "
            "Vraag de beheerder van de server ruimte te maken."
        )
    return f"git {command} is mislukt; er is niets gepubliceerd. De beheerder van de server vindt de reden in het log."
