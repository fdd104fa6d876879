"""Time whole site builds: ours beside a bare Pelican build of the same Markdown, and a cached rebuild.

Every build is `python -m pelican` in a process of its own, Python start-up and imports included,
as `make build` runs it. Per run, on fresh synthetic content: the bare build, our full build (empty
output folder and cache), then one record is edited and both are built again with their caches
(the rebuild an editor waits for). The rebuilt output is compared byte for byte with a full build of
the edited content into an empty folder. Each figure is reported as min / median / max over the
runs, with the 1-minute load average seen before each of its builds.
"""

from __future__ import annotations

import argparse
import dataclasses
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from partners import THEME_DIR

from .synthetic import write_synthetic

ROOT = Path(__file__).resolve().parent.parent
# The project's settings, on a copy of the theme taken when the run starts: every build of a run
# (and the byte comparison) sees the same templates even while someone edits partners/theme/.
OURS = """import sys
sys.path.insert(0, {root!r})
from pelicanconf import *
from partners.assets import AssetUrls
THEME = {theme!r}
JINJA_GLOBALS = {{**JINJA_GLOBALS, "asset": AssetUrls({theme!r} + "/static")}}
"""
# The same Markdown read as plain pages with a one-template theme and no plugin, with Pelican's content cache.
BARE = """ARTICLE_PATHS = []
PAGE_PATHS = ["partners"]
STATIC_PATHS = []
THEME = {theme!r}
DIRECT_TEMPLATES = []
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = TRANSLATION_FEED_ATOM = None
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
"""
FIGURES = ("bare", "full", "rebuild", "bare_rebuild")


@dataclasses.dataclass(frozen=True)
class Build:
    """One timed build: wall seconds, peak resident memory in MB, and the 1-minute load average before it."""

    seconds: float
    peak_mb: int
    load: float


def timed_build(settings: Path, content: Path, output: Path, cache: Path) -> Build:
    """Run `pelican` once in a new process and measure it."""
    command = [sys.executable, "-m", "pelican", str(content), "-s", str(settings), "-o", str(output)]
    command += ["--cache-path", str(cache), "-q"]
    # As on a user's machine, whatever this shell says: Python may keep the compiled modules it made.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    load = os.getloadavg()[0]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    said = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(said.decode(errors="replace")[-3000:])
    return Build(seconds, usage.ru_maxrss // 1024, load)  # ru_maxrss is in kB on Linux


def output_differences(left: Path, right: Path) -> list[str]:
    """Relative paths of the files that are not byte-identical in two output folders (or in one only)."""

    def files(root: Path) -> set[str]:
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}

    ours, theirs = files(left), files(right)
    _same, mismatch, errors = filecmp.cmpfiles(left, right, sorted(ours & theirs), shallow=False)
    return sorted(set(mismatch) | set(errors) | (ours ^ theirs))


def run(count: int, folder: str | None = None) -> dict[str, Build]:
    """One run at `count` partners: bare and full build, one record edited, both rebuilt with their caches."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{count}-", dir=folder) as tmp:
        base = Path(tmp)
        content, fields = base / "content", write_synthetic(base / "content", count)
        shutil.copytree(ROOT / "content" / "pages", content / "pages")
        shutil.copytree(THEME_DIR, base / "theme")
        ours, bare = base / "ours.py", base / "bare.py"
        ours.write_text(OURS.format(root=str(ROOT), theme=str(base / "theme")))
        bare.write_text(BARE.format(theme=str(Path(__file__).parent / "bare_theme")))
        result = {
            "bare": timed_build(bare, content, base / "bare-out", base / "bare-cache"),
            "full": timed_build(ours, content, base / "out", base / "cache"),
        }
        edited = content / "partners" / f"{fields[count // 2]['Slug']}.md"
        edited.write_text(edited.read_text().replace(f"Title: {fields[count // 2]['Title']}", "Title: Nieuwe naam"))
        result["rebuild"] = timed_build(ours, content, base / "out", base / "cache")
        result["bare_rebuild"] = timed_build(bare, content, base / "bare-out", base / "bare-cache")
        timed_build(ours, content, base / "fresh-out", base / "fresh-cache")
        different = output_differences(base / "out", base / "fresh-out")
        if different:
            raise AssertionError(f"the rebuild differs from a full build in {len(different)} file(s): {different[:10]}")
        return result


def summary(runs: list[dict[str, Build]]) -> dict[str, tuple[float, float, float]]:
    """(min, median, max) of each figure's seconds, of the full/bare ratio, of peak MB and of the load average."""
    values: dict[str, list[float]] = {name: [r[name].seconds for r in runs] for name in FIGURES}
    values["full_vs_bare"] = [r["full"].seconds / r["bare"].seconds for r in runs]
    values["full_peak_mb"] = [r["full"].peak_mb for r in runs]
    values["load"] = [build.load for r in runs for build in r.values()]
    return {name: (min(v), statistics.median(v), max(v)) for name, v in values.items()}


def _spread(low: float, middle: float, high: float, unit: str = " s") -> str:
    return f"{middle:.2f}{unit} ({low:.2f}–{high:.2f})"


def table(rows: list[tuple[int, dict[str, tuple[float, float, float]]]], runs: int) -> str:
    """A Markdown table: one row per size, each cell the median and (min–max) over the runs."""
    lines = [
        "| partners | bare Pelican | full build | full/bare | rebuild after one edit | bare rebuild "
        "| peak MB (full) | load average |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count, s in rows:
        lines.append(
            f"| {count} | {_spread(*s['bare'])} | {_spread(*s['full'])} | {_spread(*s['full_vs_bare'], unit='×')} "
            f"| {_spread(*s['rebuild'])} | {_spread(*s['bare_rebuild'])} "
            f"| {s['full_peak_mb'][1]:.0f} | {s['load'][0]:.2f}–{s['load'][2]:.2f} |"
        )
    lines.append(
        f"(median, and min–max in brackets, of {runs} runs; the load average is the 1-minute one before each build)"
    )
    return "\n".join(lines)


def memory_build(count: int, folder: str | None = None) -> Build:
    """One full build at `count` partners from an empty cache, for its peak memory."""
    with tempfile.TemporaryDirectory(prefix=f"bench-mem-{count}-", dir=folder) as tmp:
        base = Path(tmp)
        write_synthetic(base / "content", count)
        (base / "ours.py").write_text(OURS.format(root=str(ROOT), theme=str(THEME_DIR)))
        return timed_build(base / "ours.py", base / "content", base / "out", base / "cache")


def default_folder() -> str | None:
    """/dev/shm (memory) when writable: the figures then measure the build, not the disk."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.build_bench [--sizes 1000] [--runs 5] [--memory 10000]`."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.build_bench")
    parser.add_argument("--sizes", default="1000", help="comma list of partner counts")
    parser.add_argument("--runs", type=int, default=5, help="runs per size")
    parser.add_argument("--memory", type=int, default=0, help="partners for one peak-memory build; 0 skips it")
    parser.add_argument("--folder", default=default_folder(), help="where the builds write (default: /dev/shm)")
    args = parser.parse_args(argv)
    print(f"builds in {args.folder or tempfile.gettempdir()}", flush=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        run(size, args.folder)  # untimed: the operating system's file cache and Python's compiled modules
        rows.append((size, summary([run(size, args.folder) for _ in range(max(1, args.runs))])))
    print(table(rows, max(1, args.runs)))
    if args.memory:
        build = memory_build(args.memory, args.folder)
        print(
            f"{args.memory} partners: full build {build.seconds:.2f} s, peak {build.peak_mb} MB, load {build.load:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
