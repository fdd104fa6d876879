"""Time whole Pelican builds: ours (full, and after one edit) beside a bare build; peak memory.

Every full build and every "cold" rebuild runs in its own process, Python start-up and imports
included, as `make build` does. The "warm" rebuild is the editor's loop of `make serve`: one
long-running process that calls serve's own rebuild function (partners.__main__._rebuild) after
each change, here in the benchmark's process. Each rebuilt output is byte-compared with a fresh
full build (empty output folder, empty cache) of the same edited content.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import filecmp
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .synthetic import write_synthetic

ROOT = Path(__file__).resolve().parent.parent
MEMORY_BUDGET_MB = 500
# The project's settings, on a copy of the theme taken when the run starts: every build of a run
# (and the byte comparison) sees the same templates even while someone edits theme/.
OURS = """import sys
sys.path.insert(0, {root!r})
from pelicanconf import *
from partners.assets import AssetUrls
PATH = {content!r}
CACHE_PATH = {cache!r}
THEME = {theme!r}
JINJA_GLOBALS = {{**JINJA_GLOBALS, "asset": AssetUrls({theme!r} + "/static")}}
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
    """Run one build; return (wall seconds, peak RSS in MB of that build process plus its helper's)."""
    start = time.perf_counter()
    command = [
        sys.executable,
        "-m",
        "benchmarks.timed_pelican",
        str(content),
        "-s",
        str(settings),
        "-o",
        str(output),
        "-q",
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stdout[-2000:] + result.stderr[-2000:])
    # The build's own peak plus that of its writing helper (a bound on the two together).
    rss = next(
        int(line.split()[1]) + int(line.split()[2]) for line in result.stderr.splitlines() if line.startswith("MAXRSS")
    )
    return elapsed, rss // 1024


def output_differences(left: Path, right: Path) -> list[str]:
    """Relative paths of the files that are not byte-identical in two output folders (or in one only)."""

    def files(root: Path) -> set[str]:
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}

    ours, theirs = files(left), files(right)
    _same, mismatch, errors = filecmp.cmpfiles(left, right, sorted(ours & theirs), shallow=False)
    return sorted(set(mismatch) | set(errors) | (ours ^ theirs))


def check_identical(rebuilt: dict[str, Path], reference: Path) -> None:
    """Raise unless every rebuilt output equals the fresh full build, byte for byte."""
    for label, output in rebuilt.items():
        different = output_differences(output, reference)
        if different:
            raise AssertionError(
                f"{label} rebuild differs from a full build in {len(different)} file(s): " + ", ".join(different[:10])
            )


class WarmLoop:
    """`make serve`'s loop in this process: read the settings again, then serve's own _rebuild."""

    def __init__(self, settings: Path, content: Path, output: Path):
        from partners.__main__ import _rebuild, _serve_settings

        self._rebuild, self._settings = _rebuild, _serve_settings
        self.args = argparse.Namespace(settings=str(settings), content=str(content), output=str(output))

    def build(self) -> float:
        """One rebuild exactly as serve runs it after a change; wall seconds."""
        said = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            ok = self._rebuild(self._settings(self.args))
        elapsed = time.perf_counter() - start
        if not ok:
            raise RuntimeError(said.getvalue()[-2000:])
        return elapsed


def run(count: int, folder: str | None = None) -> dict:
    """Full build, rebuilds after changing one record, and a bare build, for `count` partners.

    Two edits, one after the other: the summary (shown on the partner page only) and the title
    (also on the wall pages, which are then re-rendered). After each, the output is rebuilt cold
    (a fresh `pelican` process, as `make build`) and warm (serve's rebuild in this process, whose
    first build was a full build), and both are compared byte for byte with a fresh full build of
    the edited content. All times are against the full build of the same run.
    """
    with tempfile.TemporaryDirectory(prefix=f"bench-{count}-", dir=folder) as tmp:
        base = Path(tmp)
        content, ours, bare, fields = _setup(base, count)
        bare_time, bare_rss = timed_build(bare, content, base / "bare-out")
        full_time, full_rss = timed_build(ours, content, base / "out")
        warm = WarmLoop(_settings_file(base, "warm", content), content, base / "warm-out")
        warm.build()  # serve's first build, before any edit
        edited = content / "partners" / f"{fields[count // 2]['Slug']}.md"
        times, bare_times = {}, {}
        for edit, old, new in (
            ("summary", "Synthetische partner", "Gewijzigde partner"),
            ("title", f"Title: {fields[count // 2]['Title']}", "Title: Nieuwe naam"),
        ):
            edited.write_text(edited.read_text().replace(old, new))
            times[f"cold_{edit}"], rss = timed_build(ours, content, base / "out")
            times[f"warm_{edit}"] = warm.build()
            # Pelican alone, with its own content cache, after the same edit: the floor of a cold rebuild
            bare_times[f"bare_cold_{edit}"] = timed_build(bare, content, base / "bare-out")[0]
            if edit == "summary":
                rebuild_rss = rss
            reference = base / f"fresh-{edit}-out"
            timed_build(_settings_file(base, f"fresh-{edit}", content), content, reference)
            check_identical({"cold": base / "out", "warm": base / "warm-out"}, reference)
        result = {
            "partners": count,
            "bare_s": bare_time,
            "full_s": full_time,
            **{f"{k}_s": v for k, v in times.items()},
            "full_vs_bare": full_time / bare_time,
            **{f"{k}_vs_full": v / full_time for k, v in times.items()},
            **{f"{k}_s": v for k, v in bare_times.items()},
            **{f"{k}_vs_bare": v / bare_time for k, v in bare_times.items()},
            "full_peak_mb": full_rss,
            "bare_peak_mb": bare_rss,
            "rebuild_peak_mb": rebuild_rss,
            "identical": True,
        }
        return {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}


def compile_project() -> None:
    """Write the .pyc files of our modules, as the first build on any machine does.

    With PYTHONDONTWRITEBYTECODE set (as on our development VM) nothing writes them, and every
    build process would compile the project's modules again: 20 ms that no user's build pays.
    """
    compileall.compile_dir(ROOT / "partners", quiet=1)
    compileall.compile_file(ROOT / "pelicanconf.py", quiet=1)


def median_run(count: int, repeat: int, folder: str | None = None) -> dict:
    """`run` repeated; the median of each figure (ratios: the median of each run's own ratio)."""
    compile_project()
    runs = [run(count, folder) for _ in range(repeat)]
    merged = {}
    for key, value in runs[0].items():
        values = [r[key] for r in runs]
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool) and key != "partners"
        merged[key] = round(statistics.median(values), 2) if numeric else value
    merged["runs"] = repeat
    return merged


def memory_run(count: int = 10_000, folder: str | None = None) -> dict:
    """Peak memory (max RSS) of one full build at `count` partners, from an empty cache."""
    compile_project()
    with tempfile.TemporaryDirectory(prefix=f"bench-mem-{count}-", dir=folder) as tmp:
        base = Path(tmp)
        content, ours, _bare, _fields = _setup(base, count)
        seconds, rss = timed_build(ours, content, base / "out")
        return {"partners": count, "full_s": round(seconds, 2), "full_peak_mb": rss}


def default_folder() -> str | None:
    """/dev/shm (memory) when writable: the figures then measure the build, not the disk.

    On ext4, creating a file costs more the more files were deleted in the last seconds (the inode
    allocator skips recently freed inodes), and a benchmark run deletes thousands. On this 2-core
    VM that added 0.3-4 s of system time to one build, more to ours (2,900 files) than to the bare
    one (1,000), so full/bare swung between 0.9× and 1.6× from run to run.
    """
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _settings_file(base: Path, name: str, content: Path) -> Path:
    """Our settings with a cache folder of their own (each build kind keeps its own, as on a real machine)."""
    path = base / f"{name}.py"
    path.write_text(
        OURS.format(root=str(ROOT), content=str(content), cache=str(base / f"{name}-cache"), theme=str(base / "theme"))
    )
    return path


def _setup(base: Path, count: int):
    """Synthetic content plus our settings and the bare settings, under `base`."""
    content = base / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    fields = write_synthetic(content, count)
    ours = base / "ours.py"
    shutil.copytree(ROOT / "theme", base / "theme")
    ours.write_text(
        OURS.format(root=str(ROOT), content=str(content), cache=str(base / "cache"), theme=str(base / "theme"))
    )
    bare = base / "bare.py"
    bare.write_text(
        BARE.format(
            content=str(content), cache=str(base / "bare-cache"), theme=str(Path(__file__).parent / "bare_theme")
        )
    )
    return content, ours, bare, fields


def table(results: list[dict]) -> str:
    """A fixed-width table for the terminal and the README.

    Cold: a fresh `pelican` process after the edit. Warm: `make serve`'s rebuild in its running
    process. Each ratio is against the full build of the same run (summary edit / title edit).
    Bare rebuild: Pelican alone, with its content cache, after the same edit, against the bare build.
    """
    header = (
        "| partners | bare build | full build | cold rebuild, summary / title edited "
        "| warm (serve) rebuild, summary / title edited | full/bare | cold/full | warm/full "
        "| same bytes as full build | peak MB (full) | bare rebuild, summary / title edited | bare rebuild/bare |"
    )
    lines = [header, "|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|"]
    for r in results:
        lines.append(
            f"| {r['partners']} | {r['bare_s']} s | {r['full_s']} s "
            f"| {r['cold_summary_s']} s / {r['cold_title_s']} s "
            f"| {r['warm_summary_s']} s / {r['warm_title_s']} s | {r['full_vs_bare']}× "
            f"| {r['cold_summary_vs_full']}× / {r['cold_title_vs_full']}× "
            f"| {r['warm_summary_vs_full']}× / {r['warm_title_vs_full']}× "
            f"| {'yes' if r['identical'] else 'NO'} | {r['full_peak_mb']} "
            f"| {r['bare_cold_summary_s']} s / {r['bare_cold_title_s']} s "
            f"| {r['bare_cold_summary_vs_bare']}× / {r['bare_cold_title_vs_bare']}× |"
        )
    if results and results[0].get("runs", 1) > 1:
        lines.append(f"(median of {results[0]['runs']} runs; ratios: median of each run's own ratio)")
    return "\n".join(lines)


def memory_line(result: dict) -> str:
    """One line for the 10,000-partner memory figure."""
    verdict = "binnen" if result["full_peak_mb"] <= MEMORY_BUDGET_MB else "BOVEN"
    return (
        f"{result['partners']} partners: full build {result['full_s']} s, peak {result['full_peak_mb']} MB "
        f"({verdict} het budget van {MEMORY_BUDGET_MB} MB)"
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.build_bench [--sizes 1000] [--repeat 3] [--memory 10000]`."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.build_bench")
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the table shows the medians")
    parser.add_argument("--memory", type=int, default=10_000, help="partners for the peak-memory build; 0 skips it")
    parser.add_argument(
        "--folder",
        default=default_folder(),
        help="where the builds write (default: /dev/shm when there is one, else the temp folder)",
    )
    args = parser.parse_args(argv)
    print(f"builds in {args.folder or tempfile.gettempdir()}")
    print(table([median_run(int(size), max(1, args.repeat), args.folder) for size in args.sizes.split(",")]))
    if args.memory:
        print(memory_line(memory_run(args.memory, args.folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
