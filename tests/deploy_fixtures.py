"""Real servers for the deployment tests: the sample nginx config rendered in front of gunicorn, and HTTP to them.

Plain functions; the fixtures built on them live in tests/deploy/conftest.py. The module keeps its old name
because benchmarks/lighthouse_bench.py starts its servers with it too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_ALL, ROOT
from tests.formhandler.helpers import SECRET
from tests.pg import free_port

sys.path.insert(0, str(ROOT / "deploy"))
from render_nginx import render  # type: ignore[import-not-found]

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


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 10) -> tuple:
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
            pytest.fail(f"{process.args!r} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
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


def wait_for(condition: Callable[[], object], timeout: float = 10, what: str = "the condition") -> None:
    """Poll `condition` until it is true; fail the test when `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout} s")
        time.sleep(0.02)


def require_nginx() -> None:
    """Skip without nginx (fail in CI)."""
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


def production_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment a production process gets: FORMHANDLER_* settings, no development mode."""
    env = {
        **os.environ,
        "FORMHANDLER_SECRET_KEY": SECRET,
        "FORMHANDLER_DATABASE_URL": database_url,
        "FORMHANDLER_AUTO_UPGRADE": "false",
        **{f"FORMHANDLER_{name}": value for name, value in settings.items()},
    }
    env.pop("FORMHANDLER_DEVELOPMENT", None)
    return env


def flask_command(env: dict[str, str], *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    """`flask --app formhandler <args>` as the operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "formhandler", *args],
        cwd=ROOT,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
    )


def start_gunicorn(tmp: Path, site: Path, **settings: str) -> tuple[subprocess.Popen, str]:
    """The schema upgraded the production way (CLI), then gunicorn with deploy/gunicorn.conf.py and `settings`."""
    port = free_port()
    env = {
        **production_env(f"sqlite:///{tmp}/q.sqlite3", TRUSTED_PROXIES="1", SITE_DIR=str(site), **settings),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    # As ExecStartPre in the systemd unit: the workers refuse an older schema, the command starts on it.
    upgrade = flask_command(env, "db", "upgrade")
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


class Deployment(str):
    """The base URL of nginx, with the folder that holds the configs and logs."""

    tmp: Path

    def __new__(cls, base: str, tmp: Path) -> Deployment:
        self = super().__new__(cls, base)
        self.tmp = tmp
        return self
