"""Incremental builds: after any one change, a rebuild with the cache writes exactly what a clean build writes.

Each change is made to a copy of the project (our code with its theme, and the settings), which is built as
`make build` builds: `pelican` in a fresh process, so a changed Python module is imported anew.
The rebuild keeps the output folder and CACHE_PATH of the build before the change; the clean
build starts from an empty output folder and an empty cache. Then the two trees are compared
byte for byte.
"""

from __future__ import annotations

import filecmp
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from benchmarks.synthetic import write_synthetic

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-28"
PNG_PARTNER = (
    "Title: Gemeente Raster\nSlug: gemeente-raster\nType: overheid\nLogo: logos/raster.png\nSince: 2020-02-03\n\n"
    "Tekst.\n"
)
# (what changes, file in the project, text before, text after, text a clean build then writes somewhere);
# the logo is replaced by an orange one of the same size.
CHANGES = [
    (
        "record",
        "content/partners/zorggroep-douwe-dijk.md",
        "Title: Zorggroep d'Ouwe Dijk",
        "Title: Zorggroep De Dijk",
        "Zorggroep De Dijk",
    ),
    ("logo", "content/logos/raster.png", None, None, None),
    (
        "template",
        "partners/theme/templates/base.html",
        "</footer>",
        "<p>Nieuwe voettekst.</p></footer>",
        "Nieuwe voettekst.",
    ),
    ("stylesheet", "partners/theme/static/css/site.css", "", "\n.nieuw { color: red; }\n", ".nieuw{color:red}"),
    ("setting", "pelicanconf.py", '{"permalink": False}', '{"permalink": True}', 'class="headerlink"'),
    ("label", "partners/schema.py", '"overheid": "Overheid",', '"overheid": "Overheidsorgaan",', "Overheidsorgaan"),
    ("function", "partners/dates.py", 'return f"{value.day} {', 'return f"de {value.day}e {', ">de "),
    (
        "logo code",
        "partners/logos.py",
        "scale = min(box_w / width, box_h / height)",
        "scale = min(box_w / width, box_h / height) / 2",
        'width="100" height="50"',
    ),
]


def png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 400), color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A copy of our code, theme and settings with the real pages, 12 synthetic partners and a PNG logo."""
    project = tmp_path_factory.mktemp("incremental") / "pristine"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "partners", project / "partners", ignore=ignore)  # its theme/ too
    shutil.copy2(ROOT / "pelicanconf.py", project)
    shutil.copytree(ROOT / "content" / "pages", project / "content" / "pages")
    write_synthetic(project / "content", 12)
    (project / "content" / "logos" / "raster.png").write_bytes(png("teal"))
    (project / "content" / "partners" / "gemeente-raster.md").write_text(PNG_PARTNER)
    return project


def start_build(project: Path, output: Path, cache: Path) -> subprocess.Popen:
    """`pelican` on the project's content with its settings, in a process of its own."""
    command = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output)]
    command += ["--cache-path", str(cache), "-e", f'PARTNERS_TODAY="{TODAY}"', "-q"]
    env = {**os.environ, "PYTHONPATH": str(project), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait(*builds: subprocess.Popen) -> None:
    for build in builds:
        output, _ = build.communicate(timeout=120)
        assert build.returncode == 0, output[-3000:]


def differences(left: Path, right: Path) -> list[str]:
    """Files that are in one tree only, or whose bytes differ."""
    files = [{str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} for root in (left, right)]
    _, mismatch, errors = filecmp.cmpfiles(left, right, sorted(files[0] & files[1]), shallow=False)
    return sorted(set(mismatch) | set(errors) | (files[0] ^ files[1]))


def edit(project: Path, name: str, path: str, before: str | None, after: str | None) -> None:
    target = project / path
    if name == "logo":
        target.write_bytes(png("orange"))
        return
    assert before is not None and after is not None, f"the {name} change needs a before and an after text"
    text = target.read_text(encoding="utf-8")
    assert before in text, f"{path} no longer holds {before!r}: update CHANGES"
    target.write_text(text.replace(before, after, 1) if before else text + after, encoding="utf-8")


def test_a_rebuild_after_any_one_change_equals_a_clean_build(pristine, tmp_path):
    """Each change on its own, from the same built state; the message lists every change that left stale output."""
    work = tmp_path / "work"  # one path for every rebuild: Pelican's cache knows pages by their absolute path
    shutil.copytree(pristine, work)
    wait(start_build(work, work / "output", work / "cache"))
    shutil.copytree(work, tmp_path / "built", symlinks=True)
    stale = {}
    for number, (name, path, before, after, expected) in enumerate(CHANGES):
        shutil.rmtree(work)
        shutil.copytree(tmp_path / "built", work, symlinks=True)
        edit(work, name, path, before, after)
        clean = tmp_path / f"clean-{number}"
        wait(start_build(work, work / "output", work / "cache"), start_build(work, clean / "output", clean / "cache"))
        assert differences(tmp_path / "built" / "output", clean / "output"), f"the {name} change changed nothing"
        if expected:
            texts = (p.read_text("utf-8", "replace") for p in (clean / "output").rglob("*") if p.is_file())
            assert any(expected in text for text in texts), f"the {name} change did not reach the clean build"
        different = differences(work / "output", clean / "output")
        if different:
            stale[name] = different[:5] + ([f"… {len(different)} files"] if len(different) > 5 else [])
    assert stale == {}, f"a rebuild with the cache differs from a clean build after these changes: {stale}"
