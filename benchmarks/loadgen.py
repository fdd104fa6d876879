"""A real gunicorn on loopback and an applicant speaking raw HTTP to it: for the crash tests and the load bench."""

from __future__ import annotations

import http.client
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from PIL import Image

from partners.criteria import CRITERIA

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-key-" + "x" * 32
ALWAYS = [slug for slug in CRITERIA if slug != "stopondersteuning"]
_HIDDEN = {
    name: re.compile(rf'name="{name}" type="hidden" value="([^"]+)"'.encode()) for name in ("csrf_token", "started")
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def upgrade_schema(url: str) -> None:
    """Create the schema in place, as `flask db upgrade` does, without starting a process."""
    from formhandler.db import make_engine, upgrade

    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def cpu_seconds(pids) -> float:
    """utime + stime of the given processes from /proc (processes that are gone count 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


class Gunicorn:
    """gunicorn with deploy/gunicorn.conf.py in a process group of its own, so SIGKILL takes master and workers."""

    def __init__(
        self,
        database_url: str,
        log: Path,
        *,
        workers: int = 2,
        worker_class: str = "sync",
        threads: int = 1,
        env: dict | None = None,
        app: str = "formhandler.wsgi:app",
        recycle: bool = False,
        ready_path: str = "/aanmelden/bedankt/",
    ) -> None:
        self.ready_path = ready_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.args = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            # Without recycle, no worker is replaced mid-test; with it, the deployed max_requests holds.
            *([] if recycle else ["--max-requests", "0"]),
            app,
        ]
        self.env = {
            **os.environ,
            "FORMHANDLER_SECRET_KEY": SECRET,
            "FORMHANDLER_DATABASE_URL": database_url,
            "FORMHANDLER_TRUSTED_PROXIES": "1",
            "FORMHANDLER_AUTO_UPGRADE": "false",
            "FORMHANDLER_MIN_FILL_SECONDS": "0",
            "FORMHANDLER_MAIL_BACKEND": "log",
            "FORMHANDLER_SITE_DIR": str(log.parent),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_LOGLEVEL": "warning",
            **(env or {}),
        }
        self.env.pop("FORMHANDLER_DEVELOPMENT", None)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        """Start and wait until a worker answers the form page."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                if request(self.url, "GET", self.ready_path, timeout=2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log.read_text()[-3000:]}")

    def pids(self) -> list[int]:
        """The master and its workers."""
        assert self.process is not None, "not started"
        master = self.process.pid
        found = [master]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                        found.append(int(entry.name))
                except OSError:
                    continue
        return found

    def kill(self) -> None:
        """SIGKILL the whole process group: master and workers die mid-request, as in a power cut of the process."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        """Graceful stop (SIGTERM to the master), SIGKILL to the group if it takes too long."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


class RedisServer:
    """A throwaway redis-server on loopback without persistence: the shared rate-limit store."""

    def __init__(self, folder: Path) -> None:
        self.binary = shutil.which("redis-server")
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
        """Start and wait until it answers PING."""
        if self.binary is None:
            raise FileNotFoundError("redis-server not installed (Debian package redis-server)")
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def request(
    base: str, method: str, path: str, body: bytes = b"", headers: dict | None = None, timeout: float = 10
) -> tuple[int, Any, bytes]:
    """(status, headers, body) of one request on a fresh connection."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def png_logo(size_bytes: int = 0, seed: int = 0) -> bytes:
    """A PNG; with size_bytes, noise makes it about that large (noise does not compress)."""
    if not size_bytes:
        out = io.BytesIO()
        Image.new("RGB", (48, 24), ((seed * 37) % 256, 90, 60)).save(out, "PNG")
        return out.getvalue()
    side = int((size_bytes / 3) ** 0.5)
    noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    return out.getvalue()


def svg_logo(seed: int = 0) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">'
        f'<rect width="120" height="60" fill="#{seed % 0xFFFFFF:06x}"/></svg>'
    ).encode()


def form_fields(name: str, email: str) -> list[tuple[str, str]]:
    """A complete valid application for organisation `name` and address `email`."""
    fields = [
        ("organisation_name", name),
        ("organisation_type", "maatschappelijke-organisatie"),
        ("website", "https://www.rookvrijsporten.nl"),
        ("kvk_number", "12345678"),
        ("city", "Utrecht"),
        ("contact_name", "Anne de Vries"),
        ("contact_role", "Directeur"),
        ("email", email),
        ("phone", "030 123 45 67"),
        ("offers_stop_support", "nee"),
        *[("criteria", slug) for slug in ALWAYS],
        ("contributions", "kennis"),
        ("contributions", "achterban"),
        ("contribution_text", "We delen onze kennis."),
        ("motivation", "Sport hoort rookvrij te zijn."),
        ("privacy_consent", "y"),
        ("homepage_url", ""),
    ]
    return fields


def multipart(fields: list[tuple[str, str]], logo: tuple[str, bytes] | None) -> tuple[bytes, str]:
    """(body, content type) of a browser-like multipart form."""
    boundary = "----bench" + uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields
    ]
    if logo is not None:
        filename, data = logo
        kind = "image/svg+xml" if filename.endswith(".svg") else "image/png"
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="logo"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Applicant:
    """One browser: GET the form once for its cookie, CSRF token and signed start, then POST applications."""

    def __init__(self, base: str, address: str = "10.0.0.1") -> None:
        self.base = base
        self.address = address
        status, headers, html = request(base, "GET", "/aanmelden/", headers={"X-Forwarded-For": address})
        if status != 200:
            raise OSError(f"form page answered {status}")
        self.cookie = "; ".join(value.split(";", 1)[0] for key, value in headers.items() if key.lower() == "set-cookie")
        found = {name: pattern.search(html) for name, pattern in _HIDDEN.items()}
        if not all(found.values()):
            raise OSError("the form page has no CSRF token or start time")
        self.tokens = {name: match.group(1).decode() for name, match in found.items() if match}

    def body(self, name: str, email: str, logo: tuple[str, bytes] | None = None) -> tuple[bytes, dict]:
        """The request body and headers of one application."""
        body, content_type = multipart(form_fields(name, email) + list(self.tokens.items()), logo)
        return body, {"Content-Type": content_type, "Cookie": self.cookie, "X-Forwarded-For": self.address}

    def submit(
        self, name: str, email: str, logo: tuple[str, bytes] | None = None, timeout: float = 10
    ) -> tuple[int, bytes]:
        """(status, body) of one POST; connection errors raise OSError."""
        body, headers = self.body(name, email, logo)
        status, _headers, page = request(self.base, "POST", "/aanmelden/", body, headers, timeout=timeout)
        return status, page
