"""Where a publication goes: files in content/ (`files`), or a commit in the site repository (`git`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

from .errors import PublishError
from .git import GitError, GitRepository
from .live import LiveSite

logger = logging.getLogger(__name__)


class Target(Protocol):
    """What the publishing flow asks of a target; each method leaves things as they were when it fails."""

    content: Path
    root: Path  # the site's checkout: pelicanconf.py, publishconf.py and content/

    def locked(self) -> contextlib.AbstractContextManager[None]: ...
    def begin(self) -> str: ...
    def commit(self, names: list[str], message: str, author: str) -> str: ...
    def push(self) -> None: ...
    def undo(self, before: str) -> None: ...
    def withdraw(self, commit: str, message: str, author: str) -> None: ...


class FilesTarget:
    """Today's behaviour, the default for `make run`: the files land in content/ and an editor commits them."""

    def __init__(self, content: str | Path) -> None:
        self.content = Path(content)
        self.root = self.content.parent

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """No lock: a new file is linked into place, so two publishers never write the same one."""
        yield

    def begin(self) -> str:
        """Nothing to bring up to date."""
        return ""

    def commit(self, names: list[str], message: str, author: str) -> str:
        """No commit: that is the editor's."""
        return ""

    def push(self) -> None:
        """Nothing to push."""

    def undo(self, before: str) -> None:
        """The file set undoes its own files."""

    def withdraw(self, commit: str, message: str, author: str) -> None:
        """Nothing was committed."""


class GitTarget:
    """A working copy of the site repository: update, commit with the reviewer as author, push."""

    def __init__(self, repository: GitRepository, *, push: bool, author_email: str) -> None:
        self.repository = repository
        self.pushes = push
        self.author_email = author_email
        self.root = repository.path
        self.content = repository.path / "content"

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """The repository's lock, held across workers and commands."""
        return self.repository.locked()

    def begin(self) -> str:
        """Bring the working copy up to date with its remote (fast-forward only); the commit it is at."""
        self.repository.update(push=self.pushes)
        return self.repository.head()

    def commit(self, names: list[str], message: str, author: str) -> str:
        """Commit exactly the publication's files under content/."""
        return self.repository.commit([f"content/{name}" for name in names], message, author, self.author_email)

    def push(self) -> None:
        """Push, when PUBLISH_PUSH is on."""
        if self.pushes:
            self.repository.push()

    def undo(self, before: str) -> None:
        """Back to the commit before: no commit of ours stays, index and files as they were."""
        self.repository.reset(before)

    def withdraw(self, commit: str, message: str, author: str) -> None:
        """Undo a commit that may already be on the remote: a revert, pushed; or a reset when nothing was pushed."""
        if not self.pushes:
            self.repository.reset(f"{commit}~1")
            return
        try:
            self.repository.revert(commit, message, author, self.author_email)
            self.repository.push()
        except GitError:
            logger.error("commit %s is on the remote but the queue was not updated; revert it by hand", commit[:12])
            raise PublishError(
                f"De wachtrij kon niet worden bijgewerkt, en commit {commit[:12]} staat al op de remote en kon niet "
                "worden teruggedraaid. Vraag de beheerder van de server die commit terug te draaien."
            ) from None


def target_from_config(config: Mapping[str, Any], content_dir: str | Path) -> Target:
    """The target PUBLISH_TARGET names; `content_dir` must be the repository's content/ with git."""
    if config.get("PUBLISH_TARGET", "files") != "git":
        return FilesTarget(content_dir)
    repository = GitRepository(config["SITE_REPO"], config["PUBLISH_REMOTE"], config["PUBLISH_BRANCH"])
    target = GitTarget(repository, push=bool(config["PUBLISH_PUSH"]), author_email=config["PUBLISH_AUTHOR_EMAIL"])
    if Path(content_dir).resolve() != target.content.resolve():
        raise PublishError("Met PUBLISH_TARGET=git publiceert u alleen in de contentmap van de siterepository.")
    return target


def live_from_config(config: Mapping[str, Any], root: Path) -> LiveSite | None:
    """The live site on this server when SITE_BUILD is `live`, else None (the site repository's CI deploys)."""
    if config.get("SITE_BUILD", "none") != "live":
        return None
    return LiveSite(
        root=root,
        served=Path(config["SITE_DIR"]),
        public_url=config["PUBLIC_URL"],
        keep=int(config["SITE_BUILDS_KEPT"]),
        timeout=float(config["SITE_BUILD_TIMEOUT"]),
    )
