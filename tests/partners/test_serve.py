"""`python -m partners serve`: the editor's preview rebuilds on every save, reloads the browser and shows errors."""

import argparse
import filecmp
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from partners.render import render_record
from partners.serve import rebuild, serve_settings
from tests.browser import screenshot
from tests.conftest import FIXED_TODAY, ROOT, run_pelican

TIMEOUT = 60  # seconds for each step on a busy 2-core machine
SETTINGS = """import sys
sys.path.insert(0, {root!r})
from pelicanconf import *
CACHE_PATH = {cache!r}
PARTNERS_TODAY = "{today}"
"""
GOOD = {"Title": "Gemeente Een", "Slug": "gemeente-een", "Type": "overheid", "Since": "2024-01-01"}


class Terminal:
    """Collects what the serve command prints, from a reader thread."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.lines.append(line)

    def text(self) -> str:
        return " ".join("".join(self.lines).split())  # rich may wrap long lines


def wait_for(check, what: str, terminal: Terminal):
    """Poll `check` until it holds (a rebuild takes what it takes), failing after TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"{what} niet binnen {TIMEOUT} s:\n{terminal.text()[-3000:]}")


def wait_for_first_build(url: str, terminal: Terminal) -> None:
    """Until the preview serves the first build, with its live script marked as build 1."""
    tag = '<script src="/__voorbeeld/live.js" data-build="1" defer></script></head>'
    wait_for(
        lambda: "Gemeente Een" in page(f"{url}/partners/") and tag in page(f"{url}/partners/"), "eerste build", terminal
    )


@pytest.fixture
def browser_page(page):
    """The browser fixture's page (this module's `page` is a plain HTTP GET)."""
    return page


def page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return ""


@pytest.fixture
def serve(tmp_path, free_port):
    """`python -m partners serve` on a free port over a temporary content folder; killed by its PID."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    (content / "partners").mkdir()
    (content / "logos").mkdir()
    record = content / "partners" / "gemeente-een.md"
    record.write_text(render_record(GOOD, "Beschrijving."), encoding="utf-8")
    settings = tmp_path / "settings.py"
    settings.write_text(SETTINGS.format(root=str(ROOT), cache=str(tmp_path / "cache"), today=FIXED_TODAY))
    port = free_port
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "partners",
            "serve",
            "--content",
            str(content),
            "--output",
            str(tmp_path / "output"),
            "--settings",
            str(settings),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "COLUMNS": "400"},
    )
    terminal = Terminal(process.stdout)
    try:
        yield f"http://127.0.0.1:{port}", record, terminal
    finally:
        # Pelican runs the server and the rebuild loop as two child processes: stop the whole group.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_serve_shows_errors_with_path_and_line_and_keeps_serving(serve):
    url, record, terminal = serve
    wait_for(lambda: "Gemeente Een" in page(f"{url}/partners/"), "eerste build", terminal)
    record.write_text(record.read_text().replace("Since: 2024-01-01", "Since: 2024-13-01"))
    expected = f"{record}:4: Since: ‘2024-13-01’ is geen bestaande datum"
    wait_for(lambda: expected in terminal.text(), "foutmelding met pad:regel", terminal)
    assert "Gemeente Een" in page(f"{url}/partners/")  # the last good build is still served
    record.write_text(render_record({**GOOD, "Title": "Gemeente Twee"}, "Beschrijving."))
    wait_for(lambda: "Gemeente Twee" in page(f"{url}/partners/"), "herstelde build", terminal)
    (record.parent.parent / "pages" / "privacy.md").write_text(
        (ROOT / "content" / "pages" / "privacy.md").read_text() + "\n\nNieuwe alinea voor de test.\n"
    )
    wait_for(lambda: "Nieuwe alinea voor de test." in page(f"{url}/privacy/"), "gewijzigde pagina", terminal)


def test_preview_adds_its_script_only_to_what_it_serves(serve):
    """The live script is added by the server: the built files are those of a normal build."""
    url, record, terminal = serve
    wait_for_first_build(url, terminal)
    output = record.parent.parent.parent / "output"
    assert "__voorbeeld" not in (output / "partners" / "index.html").read_text(encoding="utf-8")
    assert "EventSource" in page(f"{url}/__voorbeeld/live.js")


@pytest.mark.browser
def test_a_saved_record_reloads_the_open_page_by_itself(serve, browser_page):
    url, record, terminal = serve
    wait_for_first_build(url, terminal)
    browser_page.goto(f"{url}/partners/")
    browser_page.evaluate("window.nogNietHerladen = true")
    record.write_text(render_record({**GOOD, "Title": "Gemeente Twee"}, "Beschrijving."))
    browser_page.get_by_role("link", name="Gemeente Twee").wait_for(timeout=TIMEOUT * 1000)
    assert browser_page.evaluate("window.nogNietHerladen === undefined"), "the page reloaded itself"
    assert browser_page.get_by_role("link", name="Gemeente Een").count() == 0
    assert browser_page.console_errors == []


@pytest.mark.browser
def test_a_broken_save_shows_the_problem_in_the_page_until_it_is_fixed(serve, browser_page):
    url, record, terminal = serve
    wait_for_first_build(url, terminal)
    browser_page.goto(f"{url}/partners/gemeente-een/")
    record.write_text(record.read_text().replace("Since: 2024-01-01", "Since: 2024-13-01"))
    alert = browser_page.get_by_role("alert")
    alert.wait_for(timeout=TIMEOUT * 1000)
    assert alert.get_by_role("heading").inner_text() == "De site kon niet worden gebouwd: 1 fout"
    assert f"{record}:4: Since: ‘2024-13-01’ is geen bestaande datum" in alert.inner_text()
    assert browser_page.locator("h1").inner_text() == "Gemeente Een"  # the last good page stays
    screenshot(browser_page, "serve-build-error")
    # A page opened while the build is broken shows the problem too.
    browser_page.goto(f"{url}/partners/")
    browser_page.get_by_role("alert").wait_for(timeout=TIMEOUT * 1000)
    record.write_text(render_record({**GOOD, "Title": "Gemeente Drie"}, "Beschrijving."))
    browser_page.get_by_role("link", name="Gemeente Drie").wait_for(timeout=TIMEOUT * 1000)
    assert browser_page.get_by_role("alert").count() == 0


def serve_args(settings, content, output) -> argparse.Namespace:
    """The command line of `serve` as the rebuild reads it."""
    return argparse.Namespace(
        settings=str(settings), content=str(content), output=str(output), host="127.0.0.1", port=8000
    )


@pytest.mark.slow
def test_serve_rebuilds_in_one_process_write_what_a_full_build_writes(synthetic_content, tmp_path):
    """serve's own rebuild, again and again in one process: after each edit the output equals a clean build."""
    content, fields = synthetic_content
    settings = tmp_path / "serve.py"
    settings.write_text(SETTINGS.format(root=str(ROOT), cache=str(tmp_path / "serve-cache"), today=FIXED_TODAY))
    args = argparse.Namespace(
        settings=str(settings), content=str(content), output=str(tmp_path / "serve-out"), host="127.0.0.1", port=8000
    )
    assert rebuild(serve_settings(args)) == []
    record = content / "partners" / f"{fields[7]['Slug']}.md"
    edits = [
        lambda: record.write_text(record.read_text().replace(f"Title: {fields[7]['Title']}", "Title: Nieuwe naam")),
        lambda: (content / fields[9]["Logo"]).write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"/>'
        ),
        lambda: record.unlink(),
    ]
    for step, edit in enumerate(edits):
        edit()
        assert rebuild(serve_settings(args)) == []
        clean = run_pelican(content, tmp_path / f"clean{step}" / "output")
        served = tmp_path / "serve-out"
        left = sorted(str(p.relative_to(served)) for p in served.rglob("*") if p.is_file())
        assert left == sorted(str(p.relative_to(clean)) for p in clean.rglob("*") if p.is_file()), step
        assert filecmp.cmpfiles(served, clean, left, shallow=False)[1:] == ([], []), step


def test_serve_keeps_the_last_good_output_when_a_record_is_bad(synthetic_content, tmp_path, capsys):
    content, fields = synthetic_content
    settings = tmp_path / "serve.py"
    settings.write_text(SETTINGS.format(root=str(ROOT), cache=str(tmp_path / "cache"), today=FIXED_TODAY))
    args = argparse.Namespace(
        settings=str(settings), content=str(content), output=str(tmp_path / "out"), host="127.0.0.1", port=8000
    )
    assert rebuild(serve_settings(args)) == []
    wall = (tmp_path / "out" / "partners" / "index.html").read_bytes()
    broken = content / "partners" / f"{fields[0]['Slug']}.md"
    broken.write_text(broken.read_text().replace("Since: ", "Since: 20x"))
    assert rebuild(serve_settings(args)) != []
    err = capsys.readouterr().err
    assert f"{broken}:" in err and "1 fout; het voorbeeld toont de laatste goede versie." in err
    assert (tmp_path / "out" / "partners" / "index.html").read_bytes() == wall


def test_make_build_serve_and_run_link_to_the_port_they_serve_on():
    """A development build's absolute links (feeds, sitemap, badge) name the port make serves it on."""
    dry = subprocess.run(
        ["make", "-n", "build", "serve", "run", "PORT=9123", "HOST=127.0.0.2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pelican content -s pelicanconf.py -o output -e PARTNERS_DEV_SITEURL='\"http://127.0.0.2:9123\"'" in dry
    assert "-m partners serve --port 9123 --host 127.0.0.2" in dry
    assert "-m formhandler.devserver --host 127.0.0.2 --port 9123" in dry
    args = serve_args(ROOT / "pelicanconf.py", ROOT / "content", ROOT / "output")
    args.port = 9123
    assert serve_settings(args)["PARTNERS_DEV_SITEURL"] == "http://127.0.0.1:9123"
