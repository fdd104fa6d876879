"""Publish to live: the time from a reviewer's publish POST to the new partner's page being served.

Per size, on fresh synthetic content (benchmarks/synthetic.py) in a real site repository (a bare
remote and the server's clone, the real git): gunicorn (1 worker, production settings, PUBLISH_TARGET=git,
SITE_BUILD=live) and a static server on the served link (nginx when installed, else Python's). A reviewer
logs in over HTTP; each run stores a signed application, POSTs "Nu publiceren" and polls
/partners/<slug>/ until it answers 200. The first publication of a size is untimed (it fills the build's
logo cache, as the first build on a server does). Reported: min / median / max over the runs of the
whole time and of the POST alone, with the 1-minute load average before each run.

Run: python -m benchmarks.publish_bench [--sizes 100,1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import http.cookies
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from .loadgen import Gunicorn, request, upgrade_schema
from .synthetic import write_synthetic

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "https://www.example.test"
REVIEWER, PASSWORD = "bench.reviewer", "een lange zin als wachtwoord voor de benchmark"
TARGET_SECONDS = 3.0  # at 100 partners, on the 2-core machine
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclasses.dataclass(frozen=True)
class Run:
    """One timed publication: POST to page served, the POST alone, and the 1-minute load average before it."""

    seconds: float
    post_seconds: float
    load: float


def git(folder: Path, *args: str) -> None:
    """git in `folder` as an editor (the bench's own identity), failing loudly."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, env=env)


def site_repository(base: Path, count: int) -> Path:
    """A bare remote with the site and `count` synthetic partners, and the server's clone of it."""
    remote, editor, clone = base / "remote.git", base / "editor", base / "site-repo"
    subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", str(remote)], check=True)
    subprocess.run(["git", "clone", "--quiet", str(remote), str(editor)], check=True, capture_output=True)
    git(editor, "checkout", "--quiet", "-b", "main")
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copyfile(ROOT / name, editor / name)
    (editor / ".gitignore").write_text("/output/\n/.cache/\n")
    shutil.copytree(ROOT / "content" / "pages", editor / "content" / "pages")
    write_synthetic(editor / "content", count)
    git(editor, "add", "--all")
    git(editor, "commit", "--quiet", "-m", f"{count} partners")
    git(editor, "push", "--quiet", "origin", "main")
    subprocess.run(["git", "clone", "--quiet", "--branch", "main", str(remote), str(clone)], check=True)
    return clone


def app_settings(database_url: str, repo: Path, served: Path) -> dict[str, str]:
    """The FORMHANDLER_* environment of gunicorn and of the set-up code."""
    return {
        "FORMHANDLER_DATABASE_URL": database_url,
        "FORMHANDLER_PUBLISH_TARGET": "git",
        "FORMHANDLER_SITE_REPO": str(repo),
        "FORMHANDLER_SITE_BUILD": "live",
        "FORMHANDLER_SITE_DIR": str(served),
        "FORMHANDLER_PUBLIC_URL": PUBLIC,
        "FORMHANDLER_PASSWORD_HASH_PROFILE": "CHEAPEST",
    }


def flask(settings: dict[str, str], *args: str, stdin: str | None = None) -> None:
    """`flask --app formhandler <args>` with the bench's settings, as an operator runs it."""
    env = {**os.environ, **settings, "FORMHANDLER_SECRET_KEY": "bench-" + "x" * 40, "FORMHANDLER_AUTO_UPGRADE": "false"}
    env.pop("FORMHANDLER_DEVELOPMENT", None)
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "formhandler", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)}: {done.stderr[-2000:]}")


def signed_application(database_url: str, name: str) -> int:
    """Store an application at 'getekend' straight in the queue; its number."""
    from formhandler import create_app, queue
    from partners.criteria import CRITERIA, CRITERIA_HASH

    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": database_url, "AUTO_UPGRADE": False})
    data = {
        "organisation_name": name,
        "organisation_type": "maatschappelijke-organisatie",
        "website": "https://www.bench.example.nl",
        "city": "Utrecht",
        "contact_name": "Bench Contact",
        "email": "contact@bench.example.nl",
        "criteria": [slug for slug in CRITERIA if slug != "stopondersteuning"],
        "criteria_hash": CRITERIA_HASH,
        "contributions": ["kennis"],
    }
    try:
        with app.app_context():
            session = app.extensions["formhandler.sessionmaker"]()
            item, _created = queue.add_submission(session, data, None)
            for step in ("in_behandeling", "stukken_verstuurd", "getekend"):
                queue.change_state(item, step, "bench")
            session.commit()
            item_id = item.id
            session.close()
    finally:
        app.extensions["formhandler.engine"].dispose()
    return item_id


class Reviewer:
    """A logged-in reviewer over plain HTTP: a cookie jar of one cookie and the CSRF token of each page."""

    def __init__(self, base: str) -> None:
        self.base, self.cookie = base, ""

    def get(self, path: str) -> str:
        status, headers, body = request(self.base, "GET", path, headers=self._headers())
        self._keep(headers)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        return body.decode()

    def post(self, path: str, fields: dict[str, str], timeout: float = 120) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields).encode()
        headers = {**self._headers(), "Content-Type": "application/x-www-form-urlencoded"}
        status, answer, _ = request(self.base, "POST", path, body, headers, timeout=timeout)
        self._keep(answer)
        return status, answer.get("Location", "")

    def log_in(self) -> None:
        page = self.get("/beheer/inloggen")
        status, _ = self.post(
            "/beheer/inloggen", {"csrf_token": token(page), "username": REVIEWER, "password": PASSWORD}
        )
        if status != 302:
            raise RuntimeError(f"login: {status}")

    def _headers(self) -> dict[str, str]:
        return {"Cookie": self.cookie} if self.cookie else {}

    def _keep(self, headers) -> None:
        for value in headers.get_all("Set-Cookie") or []:
            morsel = http.cookies.SimpleCookie(value)
            for name, item in morsel.items():
                self.cookie = f"{name}={item.value}"


def token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def publish_once(reviewer: Reviewer, static: str, database_url: str, name: str, slug: str) -> Run:
    """Store a signed application, confirm its publish step (no mail), and poll its page until it is served."""
    item_id = signed_application(database_url, name)
    csrf = token(reviewer.get(f"/beheer/{item_id}/stap/gepubliceerd"))
    load = os.getloadavg()[0]
    start = time.perf_counter()
    status, _location = reviewer.post(f"/beheer/{item_id}/stap/gepubliceerd", {"csrf_token": csrf, "note": ""})
    posted = time.perf_counter() - start
    if status != 303:
        raise RuntimeError(f"publish: {status}")
    while request(static, "GET", f"/partners/{slug}/")[0] != 200:
        if time.perf_counter() - start > 120:
            raise RuntimeError(f"/partners/{slug}/ was not served within 120 s")
        time.sleep(0.01)
    return Run(time.perf_counter() - start, posted, load)


def static_server(served: Path, tmp: Path) -> tuple[Callable[[], None], str]:
    """nginx (the sample config) on the served link when installed, else Python's file server; (stop, base)."""
    if os.access("/usr/sbin/nginx", os.X_OK):
        from tests.deploy_fixtures import start_nginx, stop

        process, base = start_nginx(tmp / "nginx", root=served, upstream="127.0.0.1:9")
        return (lambda: stop(process)), base
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """No access log on the bench's terminal."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.shutdown, f"http://127.0.0.1:{server.server_address[1]}"


def measure(count: int, runs: int, folder: str | None = None) -> list[Run]:
    """`runs` timed publications (after one untimed) on a site of `count` partners."""
    with tempfile.TemporaryDirectory(prefix=f"publish-{count}-", dir=folder) as tmp:
        base = Path(tmp)
        repo = site_repository(base, count)
        (base / "www").mkdir()
        served = base / "www" / "live"
        database_url = f"sqlite:///{base / 'queue.sqlite3'}"
        upgrade_schema(database_url)
        settings = app_settings(database_url, repo, served)
        flask(settings, "user", "add", REVIEWER, "--password-stdin", stdin=PASSWORD + "\n")
        flask(settings, "site", "build")
        server = Gunicorn(database_url, base / "gunicorn.log", workers=1, env=settings)
        server.start()
        stop_static, static = static_server(served, base)
        try:
            reviewer = Reviewer(server.url)
            reviewer.log_in()
            publish_once(reviewer, static, database_url, "Bench Opwarmen", "bench-opwarmen")
            return [
                publish_once(reviewer, static, database_url, f"Bench Partner {n}", f"bench-partner-{n}")
                for n in range(runs)
            ]
        finally:
            stop_static()
            server.stop()


def summary(runs: list[Run]) -> dict[str, tuple[float, float, float]]:
    """(min, median, max) of the whole time, of the POST alone, and of the load average."""
    values = {
        "seconds": [r.seconds for r in runs],
        "post_seconds": [r.post_seconds for r in runs],
        "load": [r.load for r in runs],
    }
    return {name: (min(v), statistics.median(v), max(v)) for name, v in values.items()}


def table(rows: list[tuple[int, dict[str, tuple[float, float, float]]]], runs: int) -> str:
    """A Markdown table: one row per size; each cell the median with (min–max) over `runs` runs."""
    lines = [
        "| partners | POST to page served | the POST alone | load average |",
        "|---:|---:|---:|---:|",
    ]
    for count, s in rows:
        whole, post, load = s["seconds"], s["post_seconds"], s["load"]
        lines.append(
            f"| {count} | {whole[1]:.2f} s ({whole[0]:.2f}–{whole[2]:.2f}) "
            f"| {post[1]:.2f} s ({post[0]:.2f}–{post[2]:.2f}) | {load[0]:.2f}–{load[2]:.2f} |"
        )
    return "\n".join(lines) + f"\n\n{runs} runs per size after one untimed publication."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.publish_bench", description=__doc__)
    parser.add_argument("--sizes", default="100,1000", help="comma list of partner counts")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    folder = "/dev/shm" if Path("/dev/shm").is_dir() else None  # the build, not the disk, is measured
    rows = []
    for count in (int(n) for n in args.sizes.split(",")):
        rows.append((count, summary(measure(count, args.runs, folder))))
        print(f"{count} partners done", flush=True)
    print(table(rows, args.runs))
    slow = [count for count, s in rows if count <= 100 and s["seconds"][1] > TARGET_SECONDS]
    if slow:
        print(f"Target missed: the median at {slow} partners is above {TARGET_SECONDS:g} s.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
