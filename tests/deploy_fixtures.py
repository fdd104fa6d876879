"""Real servers for the deployment tests: the sample nginx config rendered in front of gunicorn."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_ALL, ROOT, SECRET, run_pelican

sys.path.insert(0, str(ROOT / "deploy"))
from render_nginx import render  # noqa: E402

NGINX = "/usr/sbin/nginx"
START_TIMEOUT = 60  # a busy CI machine needs ~10 s to boot two workers
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
LONG_CACHE = "max-age=31536000"

MAIN_CONF = """\
worker_processes 1;
daemon off;
user root;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 10):
    """(status, headers, body) for one request; HTTP errors are answers too, not exceptions."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll `url` until anything answers; fail with the log if the process dies or time runs out."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            fetch(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM (gunicorn and nginx both shut down gracefully on it), then SIGKILL if needed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def require_nginx() -> None:
    if not os.access(NGINX, os.X_OK):
        message = f"nginx not installed at {NGINX} (Debian package nginx)"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)


def write_nginx_conf(tmp: Path, *, listen: str, root: Path, upstream: str) -> Path:
    """The sample site config rendered for this test, wrapped in a minimal main config; checked with nginx -t."""
    template = (ROOT / "deploy" / "nginx.conf.template").read_text(encoding="utf-8")
    site = render(
        template,
        listen=listen,
        server_name="localhost",
        root=str(root),
        upstream=upstream,
        headers=str(ROOT / "deploy" / "nginx-security-headers.conf"),
        access_log=str(tmp / "access.log"),
    )
    (tmp / "site.conf").write_text(site, encoding="utf-8")
    conf = tmp / "nginx.conf"
    conf.write_text(MAIN_CONF.format(tmp=tmp), encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(tmp)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    return conf


def start_nginx(tmp: Path, *, root: Path, upstream: str) -> tuple[subprocess.Popen, str]:
    """nginx in the foreground on a free loopback port; returns (process, base URL)."""
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = write_nginx_conf(tmp, listen=f"127.0.0.1:{port}", root=root, upstream=upstream)
    log = tmp / "error.log"
    process = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp)], stdout=subprocess.DEVNULL, stderr=log.open("w")
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/robots.txt", process, log)
    except BaseException:
        stop(process)
        raise
    return process, base


def start_gunicorn(tmp: Path, site: Path) -> tuple[subprocess.Popen, str]:
    """The schema upgraded the production way (CLI), then gunicorn with deploy/gunicorn.conf.py."""
    port = free_port()
    env = {
        **os.environ,
        "FORMHANDLER_SECRET_KEY": SECRET,
        "FORMHANDLER_DATABASE_URL": f"sqlite:///{tmp}/q.sqlite3",
        "FORMHANDLER_TRUSTED_PROXIES": "1",
        "FORMHANDLER_SITE_DIR": str(site),
        "FORMHANDLER_AUTO_UPGRADE": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    env.pop("FORMHANDLER_DEVELOPMENT", None)
    # As ExecStartPre in the systemd unit: the schema check must not stop the command that fixes it.
    upgrade = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "formhandler", "db", "upgrade"],
        cwd=ROOT,
        env={**env, "FORMHANDLER_SKIP_SCHEMA_CHECK": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    log = tmp / "gunicorn.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "formhandler.wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/aanmelden/", process, log)
    except BaseException:
        stop(process)
        raise
    return process, base


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real content built fresh, plus a hashed logo and a pre-compressed file to serve."""
    output = run_pelican(ROOT / "content", tmp_path_factory.mktemp("site") / "output")
    (output / "logos").mkdir(exist_ok=True)
    (output / "logos" / "test-0123456789.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    # Different bytes in the .gz than in the file itself: only gzip_static can serve these.
    (output / "robots.txt.gz").write_bytes(gzip.compress(b"served from robots.txt.gz\n"))
    return output


class Deployment(str):
    """The base URL of nginx, with the folder that holds the configs and logs."""

    def __new__(cls, base: str, tmp: Path):
        self = super().__new__(cls, base)
        self.tmp = tmp
        return self


@pytest.fixture(scope="module")
def deployment(site, tmp_path_factory):
    """nginx rendered from the sample config in front of gunicorn; both stopped afterwards."""
    require_nginx()
    tmp = tmp_path_factory.mktemp("deploy")
    app, upstream = start_gunicorn(tmp, site)
    try:
        web, base = start_nginx(tmp / "nginx", root=site, upstream=upstream.removeprefix("http://"))
        try:
            yield Deployment(base, tmp)
        finally:
            stop(web)
    finally:
        stop(app)
