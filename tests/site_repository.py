"""Real git repositories for the publishing tests: a bare remote, the server's working copy, and an editor's clone.

Plain functions; the fixtures built on them live in the conftest.py files and the benchmark.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from partners.render import render_record

ROOT = Path(__file__).resolve().parent.parent
EDITOR = {"GIT_AUTHOR_NAME": "Eva Redacteur", "GIT_AUTHOR_EMAIL": "eva@redactie.example.org"}
SITE_FILES = ("pelicanconf.py", "publishconf.py")


def git(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in `folder` as an editor would; its stdout (fails the test on an error)."""
    identity = {
        **EDITOR,
        "GIT_COMMITTER_NAME": EDITOR["GIT_AUTHOR_NAME"],
        "GIT_COMMITTER_EMAIL": "eva@redactie.example.org",
    }
    done = subprocess.run(
        ["git", "-C", str(folder), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **identity, **(env or {})},
        timeout=60,
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def make_site_repository(
    base: Path, records: dict[str, tuple[dict, str]] | None = None, logos: dict | None = None, *, real: bool = False
):
    """A bare remote at base/remote.git holding the site (settings, pages, records, logos); (remote, editor).

    With `real`, the records and logos are this repository's own content/ (the real partners).
    """
    remote = base / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", str(remote)], check=True)
    editor = base / "editor"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(editor)], check=True, capture_output=True)
    git(editor, "checkout", "--quiet", "-b", "main")
    for name in SITE_FILES:
        shutil.copyfile(ROOT / name, editor / name)
    (editor / ".gitignore").write_text("/output/\n/.cache/\n", encoding="utf-8")
    shutil.copytree(ROOT / "content" / "pages", editor / "content" / "pages")
    for folder in ("partners", "logos"):
        if real and (ROOT / "content" / folder).is_dir():
            shutil.copytree(ROOT / "content" / folder, editor / "content" / folder)
        else:
            (editor / "content" / folder).mkdir()
    (editor / "content" / "partners" / ".gitkeep").write_text("")
    (editor / "content" / "logos" / ".gitkeep").write_text("")
    for slug, (fields, body) in (records or {}).items():
        (editor / "content" / "partners" / f"{slug}.md").write_text(render_record(fields, body), encoding="utf-8")
    for name, data in (logos or {}).items():
        (editor / "content" / "logos" / name).write_bytes(data)
    git(editor, "add", "--all")
    git(editor, "commit", "--quiet", "-m", "De site")
    git(editor, "push", "--quiet", "origin", "main")
    return remote, editor


def clone(remote: Path, folder: Path) -> Path:
    """A working copy of `remote` at `folder`, on main."""
    subprocess.run(["git", "clone", "--quiet", "--branch", "main", str(remote), str(folder)], check=True)
    return folder


def editor_commits(editor: Path, files: dict[str, bytes | str | None], message: str) -> str:
    """The editor pulls, writes (None removes) `files` (paths relative to the repository), commits and pushes."""
    git(editor, "pull", "--quiet", "--ff-only", "origin", "main")
    for name, data in files.items():
        path = editor / name
        if data is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    git(editor, "add", "--all")
    git(editor, "commit", "--quiet", "-m", message)
    git(editor, "push", "--quiet", "origin", "main")
    return git(editor, "rev-parse", "HEAD").strip()


def remote_head(remote: Path) -> str:
    """The commit main points at on the remote."""
    return git(remote, "rev-parse", "main").strip()


def commit_files(repository: Path, commit: str) -> list[str]:
    """Every path `commit` adds, changes or removes, with its status letter: ['A content/logos/x.svg', ...]."""
    out = git(repository, "show", "--name-status", "--format=", commit)
    return sorted(" ".join(line.split("\t")) for line in out.splitlines() if line.strip())


def reject_pushes(remote: Path, message: str = "geweigerd door de test") -> None:
    """A pre-receive hook on the remote that refuses every push."""
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\necho '{message}' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
