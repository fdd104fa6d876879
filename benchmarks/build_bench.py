"""Time whole Pelican builds in subprocesses: ours (full and after one edit) beside a bare build; peak memory."""

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
MEMORY_BUDGET_MB = 500
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
    """Full build, rebuilds after changing one record, and a bare build, for `count` partners.

    Two edits: the summary (shown on the partner page only) and the title (also on the wall
    pages, which are then re-rendered). Both are timed against the full build of the same run.
    """
    with tempfile.TemporaryDirectory(prefix=f"bench-{count}-") as tmp:
        base = Path(tmp)
        content, ours, bare, fields = _setup(base, count)
        bare_time, bare_rss = timed_build(bare, content, base / "bare-out")
        full_time, full_rss = timed_build(ours, content, base / "out")
        edited = content / "partners" / f"{fields[count // 2]['Slug']}.md"
        edited.write_text(edited.read_text().replace("Synthetische partner", "Gewijzigde partner"))
        rebuild_time, rebuild_rss = timed_build(ours, content, base / "out")
        edited.write_text(edited.read_text().replace(f"Title: {fields[count // 2]['Title']}", "Title: Nieuwe naam"))
        title_time, _ = timed_build(ours, content, base / "out")
        return {
            "partners": count, "bare_s": round(bare_time, 2), "full_s": round(full_time, 2),
            "rebuild_s": round(rebuild_time, 2), "rebuild_title_s": round(title_time, 2),
            "full_vs_bare": round(full_time / bare_time, 2), "rebuild_vs_full": round(rebuild_time / full_time, 2),
            "rebuild_title_vs_full": round(title_time / full_time, 2), "full_peak_mb": full_rss,
            "bare_peak_mb": bare_rss, "rebuild_peak_mb": rebuild_rss,
        }


def memory_run(count: int = 10_000) -> dict:
    """Peak memory (max RSS) of one full build at `count` partners, from an empty cache."""
    with tempfile.TemporaryDirectory(prefix=f"bench-mem-{count}-") as tmp:
        base = Path(tmp)
        content, ours, _bare, _fields = _setup(base, count)
        seconds, rss = timed_build(ours, content, base / "out")
        return {"partners": count, "full_s": round(seconds, 2), "full_peak_mb": rss}


def _setup(base: Path, count: int):
    """Synthetic content plus our settings and the bare settings, under `base`."""
    content = base / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    fields = write_synthetic(content, count)
    ours = base / "ours.py"
    ours.write_text(OURS.format(root=str(ROOT), content=str(content), cache=str(base / "cache")))
    bare = base / "bare.py"
    bare.write_text(BARE.format(content=str(content), cache=str(base / "bare-cache"),
                               theme=str(Path(__file__).parent / "bare_theme")))
    return content, ours, bare, fields


def table(results: list[dict]) -> str:
    """A fixed-width table for the terminal and the README."""
    header = ("| partners | bare build | full build | rebuild, summary edited | rebuild, title edited "
              "| full/bare | rebuild/full | peak MB (full) |")
    lines = [header, "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['partners']} | {r['bare_s']} s | {r['full_s']} s | {r['rebuild_s']} s | "
                     f"{r.get('rebuild_title_s', '–')} s | {r['full_vs_bare']}× | {r['rebuild_vs_full']}× | "
                     f"{r['full_peak_mb']} |")
    return "\n".join(lines)


def memory_line(result: dict) -> str:
    """One line for the 10,000-partner memory figure."""
    verdict = "binnen" if result["full_peak_mb"] <= MEMORY_BUDGET_MB else "BOVEN"
    return (f"{result['partners']} partners: full build {result['full_s']} s, peak {result['full_peak_mb']} MB "
            f"({verdict} het budget van {MEMORY_BUDGET_MB} MB)")


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.build_bench [--sizes 1000] [--memory 10000]`."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.build_bench")
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--memory", type=int, default=10_000, help="partners for the peak-memory build; 0 skips it")
    args = parser.parse_args(argv)
    print(table([run(int(size)) for size in args.sizes.split(",")]))
    if args.memory:
        print(memory_line(memory_run(args.memory)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
