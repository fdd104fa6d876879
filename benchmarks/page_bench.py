"""Page budgets at 1,000 synthetic partners: gzipped wall weight, layout shift, lazy logos."""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import sys
import tempfile
from pathlib import Path

from .synthetic import write_synthetic

ROOT = Path(__file__).resolve().parent.parent
BUDGET_KB = 60
LOADS = 3
CLS_SCRIPT = """() => new Promise(done => {
  let cls = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) cls += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(cls), 1500);
})"""


def wall_weight(out: Path) -> dict:
    """Gzipped bytes of the wall's HTML plus the CSS and JS it links (what a first visit downloads)."""
    html = (out / "partners" / "index.html").read_bytes()
    sizes: dict[str, float] = {"html": len(gzip.compress(html, 9, mtime=0))}
    for kind, pattern in (("css", rb'href="(/theme/[^"?]+\.css)'), ("js", rb'src="(/theme/[^"?]+\.js)')):
        sizes[kind] = sum(
            len(gzip.compress((out / m.decode().lstrip("/")).read_bytes(), 9, mtime=0))
            for m in re.findall(pattern, html)
        )
    sizes["total_kb"] = round(sum(sizes.values()) / 1024, 1)
    return sizes


def browser_figures(out: Path) -> dict:
    """CLS while loading the wall (worst of LOADS loads), its element count, and logo requests before
    and after scrolling to the bottom."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS
    from tests.conftest import serve_folder

    server, url = serve_folder(out)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            # Layout shift depends on timing (does a logo arrive before or after the first paint?):
            # the worst of a few fresh loads, at the phone width the README quotes.
            shifts = []
            for _ in range(LOADS - 1):
                extra = browser.new_page(viewport={"width": 390, "height": 844})
                extra.goto(f"{url}/partners/", wait_until="load")
                shifts.append(extra.evaluate(CLS_SCRIPT))
                extra.close()
            page = browser.new_page(viewport={"width": 390, "height": 844})
            logos: list[str] = []
            page.on("request", lambda r: logos.append(r.url) if "/logos/" in r.url else None)
            page.goto(f"{url}/partners/", wait_until="load")
            cls = max([*shifts, page.evaluate(CLS_SCRIPT)])
            at_load = len(logos)
            elements = page.evaluate("document.getElementsByTagName('*').length")
            for _ in range(60):
                page.mouse.wheel(0, 2000)
                page.wait_for_timeout(50)
            page.wait_for_load_state("networkidle")
            tiles = page.locator(".wall img").count()
            browser.close()
    finally:
        server.shutdown()
    return {
        "cls": round(cls, 4),
        "logos_at_load": at_load,
        "logos_after_scroll": len(logos),
        "logo_tiles": tiles,
        "elements": elements,
    }


def run(count: int = 1000) -> dict:
    """Build `count` synthetic partners and measure the wall."""
    from tests.conftest import run_pelican

    with tempfile.TemporaryDirectory(prefix=f"page-bench-{count}-") as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(ROOT / "content" / "pages", content / "pages")
        write_synthetic(content, count)
        out = run_pelican(content, Path(tmp) / "output")
        return {"partners": count, **wall_weight(out), **browser_figures(out)}


def report(r: dict) -> str:
    verdict = "binnen" if r["total_kb"] < BUDGET_KB else "BOVEN"
    return (
        f"Wall bij {r['partners']} partners: HTML {r['html'] / 1024:.1f} KB + CSS {r['css'] / 1024:.1f} KB + "
        f"JS {r['js'] / 1024:.1f} KB gzipped = {r['total_kb']} KB ({verdict} budget {BUDGET_KB} KB)\n"
        f"Elementen: {r['elements']}\n"
        f"Layout shift (CLS) bij laden, slechtste van {LOADS}: {r['cls']}\n"
        f"Logo-verzoeken bij laden: {r['logos_at_load']}, na scrollen: {r['logos_after_scroll']} "
        f"(van {r['logo_tiles']} logo-tegels)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.page_bench")
    parser.add_argument("--partners", type=int, default=1000)
    args = parser.parse_args(argv)
    print(report(run(args.partners)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
