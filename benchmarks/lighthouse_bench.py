"""Lighthouse 12 (mobile) on home, wall and form at 1,000 synthetic partners: the four category scores."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .synthetic import write_synthetic

ROOT = Path(__file__).resolve().parent.parent
VERSION = "12.2.3"
PREFIX = ROOT / ".cache" / "lighthouse"  # git-ignored; npm installs the pinned version here once
LIGHTHOUSE = PREFIX / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As tests/browser.py: headless, and no calls to Google's services (this machine has no network).
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
# Chromium's top-level main-thread task events; Lighthouse builds its task tree from these.
TASK_EVENTS = ("RunTask", "ThreadControllerImpl::RunTask")
PAGES = {"home": "/", "wall": "/partners/", "form": "/aanmelden/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# The performance metrics behind the score (Lighthouse 12 weights: TBT 30, LCP 25, CLS 25, FCP 10, SI 10).
METRICS = (
    ("first-contentful-paint", "FCP"),
    ("largest-contentful-paint", "LCP"),
    ("speed-index", "SI"),
    ("total-blocking-time", "TBT"),
    ("cumulative-layout-shift", "CLS"),
)


def ensure_lighthouse() -> Path:
    """Install lighthouse@12.2.3 into .cache/lighthouse with npm unless that exact version is there."""
    package = PREFIX / "node_modules" / "lighthouse" / "package.json"
    if not (package.is_file() and json.loads(package.read_text())["version"] == VERSION):
        PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(PREFIX),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"lighthouse@{VERSION}",
            ],
            check=True,
            timeout=600,
        )
    return LIGHTHOUSE


@contextlib.contextmanager
def serving(site: Path, tmp: Path) -> Iterator[tuple[str, str]]:
    """Yield a base URL: nginx with the sample config in front of gunicorn, as deployed; without nginx,
    the app and site on a loopback werkzeug server (no compression, so a lower performance score)."""
    from tests import deploy_fixtures as deploy

    tmp.mkdir(parents=True, exist_ok=True)
    if os.access(deploy.NGINX, os.X_OK):
        app, upstream = deploy.start_gunicorn(tmp, site)
        try:
            web, base = deploy.start_nginx(tmp / "nginx", root=site, upstream=upstream.removeprefix("http://"))
            try:
                yield base, "nginx + gunicorn"
            finally:
                deploy.stop(web)
        finally:
            deploy.stop(app)
    else:
        from tests.live import LiveServer

        server = LiveServer({"DATABASE_URL": f"sqlite:///{tmp / 'q.sqlite3'}", "SITE_DIR": str(site)})
        try:
            yield server.url, "werkzeug (nginx ontbreekt)"
        finally:
            server.stop()


def lighthouse(binary: Path, url: str, keep: Path | None = None) -> dict:
    """One Lighthouse run with its default mobile profile; returns {category: score 0-100, audits below 1}.

    The page is loaded once (gather mode) and audited twice: as measured, and with each main-thread
    task timed by its CPU time (`cpu`). On a 2-core machine Lighthouse, Chromium's browser and its
    compositor share the cores with the page, so a task's wall time also holds the time the page
    waited for a core; the second audit shows the score of the page's own work.
    """
    with tempfile.TemporaryDirectory(prefix="lighthouse-run-") as tmp:
        measured, cpu = Path(tmp) / "measured", Path(tmp) / "cpu"
        _lighthouse(binary, url, f"-G={measured}")
        report = _lighthouse(binary, url, f"-A={measured}", "--output=json")
        shutil.copytree(measured, cpu)
        for trace in cpu.glob("*.trace.json"):
            trace.write_text(json.dumps(cpu_time_trace(json.loads(trace.read_text()))))
        cpu_report = _lighthouse(binary, url, f"-A={cpu}", "--output=json")
    if keep:
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.write_text(json.dumps(report), encoding="utf-8")
        keep.with_suffix(".cpu.json").write_text(json.dumps(cpu_report), encoding="utf-8")
    if report is None or cpu_report is None:
        raise RuntimeError(f"lighthouse {url} gaf geen rapport")
    scores = scores_of(report)
    scores["cpu"] = scores_of(cpu_report)
    return scores


def _lighthouse(binary: Path, url: str, *args: str) -> dict | None:
    """Run the lighthouse CLI; the JSON report when it printed one."""
    result = subprocess.run(
        [str(binary), url, "--quiet", f"--chrome-flags={CHROME_FLAGS}", *args],
        env={**os.environ, "CHROME_PATH": CHROME},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse {url} faalde ({result.returncode}):\n{result.stderr[-2000:]}")
    if "--output=json" not in args:
        return None
    report = json.loads(result.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse {url}: {report['runtimeError']}")
    return report


def cpu_time_trace(trace: dict | list) -> dict | list:
    """The trace with every top-level task's duration set to its thread (CPU) time where that is shorter."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    for event in events:
        if event.get("ph") == "X" and event.get("name") in TASK_EVENTS and "tdur" in event:
            event["dur"] = min(event["dur"], event["tdur"])
    return trace


def scores_of(report: dict) -> dict:
    """The four category scores (0-100), the audits that cost points, the metrics and long tasks."""
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    # Which scored audits cost points: the list to work from when a score is below 100.
    weighted = {ref["id"] for cat in report["categories"].values() for ref in cat["auditRefs"] if ref["weight"]}
    scores["missed"] = sorted(
        audit_id
        for audit_id, audit in report["audits"].items()
        if audit_id in weighted and audit["score"] is not None and audit["score"] < 1
    )
    audits = report["audits"]
    scores["metrics"] = {label: audits[audit_id].get("numericValue") for audit_id, label in METRICS}
    # Simulated long tasks (ms): what total blocking time is made of.
    tasks = (audits.get("long-tasks", {}).get("details") or {}).get("items", [])
    scores["long_tasks"] = sorted((round(t["duration"]) for t in tasks), reverse=True)
    # Lighthouse's CPU benchmark of this run: lower than usual means the machine was busy, and busy
    # machines give longer tasks, so more blocking time, for the same page.
    scores["benchmark_index"] = round(report.get("environment", {}).get("benchmarkIndex") or 0)
    return scores


def lighthouse_retry(binary: Path, url: str, keep: Path | None = None, attempts: int = 3) -> dict:
    """lighthouse(), tried up to three times: Lighthouse 12 now and then loses the trace on a busy
    machine or with a newer Chromium (NO_NAVSTART, "Please run Lighthouse again"); once it lost it
    twice in a row with Chromium 156."""
    for attempt in range(1, attempts + 1):
        try:
            return lighthouse(binary, url, keep)
        except RuntimeError:
            if attempt == attempts:
                raise
    raise ValueError("attempts must be at least 1")


def median_run(runs: list[dict]) -> dict:
    """Of several runs of one page, the run with the median performance score, with the range seen."""
    ordered = sorted(runs, key=lambda r: r["performance"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["range"] = (ordered[0]["performance"], ordered[-1]["performance"]) if len(runs) > 1 else None
    if all("cpu" in r for r in runs):
        chosen["cpu"] = median_run([r["cpu"] for r in runs])
    return chosen


def run(
    count: int = 1000, pages: tuple[str, ...] = tuple(PAGES), keep: Path | None = None, runs: int = 1
) -> tuple[str, dict]:
    """Build `count` synthetic partners with the real pages, serve them, and score each page `runs`
    times, keeping the median run (`keep`: also write each run's full Lighthouse JSON report there,
    to see what an audit found)."""
    from tests.conftest import run_pelican

    binary = ensure_lighthouse()
    with tempfile.TemporaryDirectory(prefix=f"lighthouse-bench-{count}-") as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(ROOT / "content" / "pages", content / "pages")
        write_synthetic(content, count)
        site = run_pelican(content, Path(tmp) / "output")
        with serving(site, Path(tmp) / "serve") as (base, how):
            results = {}
            for name in pages:
                results[name] = median_run(
                    [
                        lighthouse_retry(
                            binary,
                            base + PAGES[name],
                            keep and keep / (f"{name}-{i}.json" if runs > 1 else f"{name}.json"),
                        )
                        for i in range(1, runs + 1)
                    ]
                )
            return how, results


def metric_line(scores: dict) -> str:
    """FCP 0.9 s, LCP 1.0 s, SI 1.3 s, TBT 120 ms, CLS 0: the simulated values behind the score."""
    parts = []
    for label, value in scores.get("metrics", {}).items():
        if value is None:
            continue
        parts.append(
            f"{label} {value:.3g}"
            if label == "CLS"
            else f"{label} {value:.0f} ms"
            if label == "TBT"
            else f"{label} {value / 1000:.1f} s"
        )
    if scores.get("long_tasks"):
        parts.append("lange taken " + "/".join(map(str, scores["long_tasks"][:6])) + " ms")
    if scores.get("benchmark_index"):
        parts.append(f"CPU-index {scores['benchmark_index']}")
    return ", ".join(parts)


def report(partners: int, how: str, results: dict, runs: int = 1) -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    median = f", mediaan van {runs} runs" if runs > 1 else ""
    lines = [
        f"Lighthouse {VERSION}, mobiel, {partners} partners, via {how}{median} (systeembelasting {load}):",
        f"{'pagina':<8}" + "".join(f"{name:>16}" for name in CATEGORIES),
    ]
    for page, scores in results.items():
        spread = f"   (performance {scores['range'][0]}-{scores['range'][1]})" if scores.get("range") else ""
        lines.append(f"{page:<8}" + "".join(f"{scores[name]:>16}" for name in CATEGORIES) + spread)
        if scores.get("metrics"):
            lines.append(f"         {metric_line(scores)}")
        if scores["missed"]:
            lines.append(f"         punten verloren op: {', '.join(scores['missed'])}")
        if cpu := scores.get("cpu"):
            spread = f" ({cpu['range'][0]}-{cpu['range'][1]})" if cpu.get("range") else ""
            lines.append(
                f"         met de CPU-tijd van elke taak (de pagina op een vrije kern): performance "
                f"{cpu['performance']}{spread}; {metric_line(cpu)}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lighthouse_bench")
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated, of: {', '.join(PAGES)}")
    parser.add_argument("--keep", type=Path, help="folder for the full Lighthouse JSON reports")
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="Lighthouse runs per page; the median run is reported (scores vary by a few points)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs moet minstens 1 zijn")
    pages = tuple(name.strip() for name in args.pages.split(",") if name.strip())
    if unknown := set(pages) - set(PAGES):
        parser.error(f"onbekende pagina: {', '.join(sorted(unknown))}")
    how, results = run(args.partners, pages, args.keep, args.runs)
    print(report(args.partners, how, results, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
