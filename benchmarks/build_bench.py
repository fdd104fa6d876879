"""Time whole Pelican builds in subprocesses: ours (full and after one edit) beside a bare build."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .synthetic import write_synthetic

ROOT = Path(__file__).resolve().parent.parent
OURS = """import sys
sys.path.insert(0, {root!r})
from pelicanconf import *
PATH = {content!r}
CACHE_PATH = {cache!r}
"""
# The same Markdown read as plain pages with a one-template theme and no plugin.
BARE = """PATH = {content!r}
ARTICLE_PATHS = []
PAGE_PATHS = ["partners"]
STATIC_PATHS = []
THEME = {theme!r}
DIRECT_TEMPLATES = []
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = TRANSLATION_FEED_ATOM = None
CACHE_PATH = {cache!r}
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
"""


def timed_build(settings: Path, content: Path, output: Path) -> tuple[float, int]:
    """Run one build; return (wall seconds, peak RSS in MB of that build process)."""
    start = time.perf_counter()
    command = [sys.executable, "-c",
               "import resource, sys; from pelican import main; "
               "rc = 0\ntry:\n main(sys.argv[1:])\nexcept SystemExit as e:\n rc = e.code or 0\n"
               "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(rc)",
               str(content), "-s", str(settings), "-o", str(output), "-q"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stdout[-2000:] + result.stderr[-2000:])
    rss = next(int(line.split()[1]) for line in result.stderr.splitlines() if line.startswith("MAXRSS"))
    return elapsed, rss // 1024


def run(count: int) -> dict:
    """Full build, rebuild after changing one record, and a bare build, for `count` partners."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{count}-") as tmp:
        base = Path(tmp)
        content = base / "content"
        shutil.copytree(ROOT / "content" / "pages", content / "pages")
        fields = write_synthetic(content, count)
        ours = base / "ours.py"
        ours.write_text(OURS.format(root=str(ROOT), content=str(content), cache=str(base / "cache")))
        bare = base / "bare.py"
        bare.write_text(BARE.format(content=str(content), cache=str(base / "bare-cache"),
                                   theme=str(Path(__file__).parent / "bare_theme")))
        bare_time, bare_rss = timed_build(bare, content, base / "bare-out")
        full_time, full_rss = timed_build(ours, content, base / "out")
        edited = content / "partners" / f"{fields[count // 2]['Slug']}.md"
        edited.write_text(edited.read_text().replace("Synthetische partner", "Gewijzigde partner"))
        rebuild_time, rebuild_rss = timed_build(ours, content, base / "out")
        return {
            "partners": count, "bare_s": round(bare_time, 2), "full_s": round(full_time, 2),
            "rebuild_s": round(rebuild_time, 2), "full_vs_bare": round(full_time / bare_time, 2),
            "rebuild_vs_full": round(rebuild_time / full_time, 2), "full_peak_mb": full_rss,
            "bare_peak_mb": bare_rss, "rebuild_peak_mb": rebuild_rss,
        }


def table(results: list[dict]) -> str:
    """A fixed-width table for the terminal and the README."""
    header = "| partners | bare build | full build | rebuild after 1 edit | full/bare | rebuild/full | peak MB (full) |"
    lines = [header, "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['partners']} | {r['bare_s']} s | {r['full_s']} s | {r['rebuild_s']} s | "
                     f"{r['full_vs_bare']}× | {r['rebuild_vs_full']}× | {r['full_peak_mb']} |")
    return "\n".join(lines)
