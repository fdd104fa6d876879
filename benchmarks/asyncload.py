"""The load generator: asyncio clients speaking raw HTTP/1.1 to 127.0.0.1, run in a process of its own."""

from __future__ import annotations

import asyncio
import itertools
import resource
import time
from dataclasses import dataclass, field

from .loadgen import Applicant, form_fields, multipart, png_logo

_addresses = itertools.count(1)


def next_address() -> str:
    """A client address per request (via X-Forwarded-For): the per-address rate limit stays on but is not hit."""
    n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


@dataclass
class Plan:
    """One scenario: `clients` concurrent loops for `duration` seconds doing `kind` requests."""

    url: str
    kind: str  # "bare", "submit", "submit-logo", "flood"
    clients: int
    duration: float
    tag: str = "b"
    spam_rate: float = 200.0


@dataclass
class Result:
    latencies: dict = field(default_factory=dict)  # label -> list of seconds
    statuses: dict = field(default_factory=dict)  # label -> {status: count}
    elapsed: float = 0.0
    generator_cpu: float = 0.0

    def add(self, label: str, status, seconds: float) -> None:
        self.latencies.setdefault(label, []).append(seconds)
        counts = self.statuses.setdefault(label, {})
        counts[status] = counts.get(status, 0) + 1


async def exchange(host: str, port: int, raw: bytes) -> int:
    """Send one request on a fresh connection and return the status after reading the whole answer."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(raw)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length:
            await reader.readexactly(length)
        return status
    finally:
        writer.close()


def raw_request(method: str, path: str, port: int, body: bytes = b"", headers: dict | None = None) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Connection: close",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Submissions:
    """Request bytes for unique valid applications of one browser session."""

    def __init__(self, applicant: Applicant, port: int, tag: str, logo: bytes | None, spam: bool = False) -> None:
        self.applicant, self.port, self.tag, self.logo, self.spam = applicant, port, tag, logo, spam
        self.counter = itertools.count(1)

    def next(self, address: str | None = None) -> bytes:
        n = next(self.counter)
        name = f"Stichting Belasting {self.tag}-{self.applicant.address}-{n}"
        fields = form_fields(name, f"bench{n}@example.org") + list(self.applicant.tokens.items())
        if self.spam:
            fields = [(k, "https://spam.example" if k == "homepage_url" else v) for k, v in fields]
        body, content_type = multipart(fields, ("logo.png", self.logo) if self.logo else None)
        return raw_request(
            "POST",
            "/aanmelden/",
            self.port,
            body,
            {
                "Content-Type": content_type,
                "Cookie": self.applicant.cookie,
                "X-Forwarded-For": address or next_address(),
            },
        )


async def run(plan: Plan) -> Result:
    host, port = "127.0.0.1", int(plan.url.rsplit(":", 1)[1])
    result = Result()
    logo = png_logo(50_000) if plan.kind == "submit-logo" else None
    deadline = time.monotonic() + plan.duration

    async def one(label: str, raw: bytes):
        """Send one request and record its status (or "error") and latency under `label`."""
        started = time.monotonic()
        status: int | str
        try:
            status = await exchange(host, port, raw)
        except OSError:
            status = "error"
        result.add(label, status, time.monotonic() - started)

    async def loop(label: str, make, pace: float = 0.0):
        next_at = time.monotonic()
        while time.monotonic() < deadline:
            await one(label, make())
            if pace:
                next_at += pace
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    async def open_loop(label: str, make, rate: float):
        """A flood does not wait for answers: a new request every 1/rate s, whatever the server does."""
        pending, next_at = [], time.monotonic()
        while time.monotonic() < deadline:
            pending.append(asyncio.create_task(one(label, make())))
            next_at += 1 / rate
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        await asyncio.gather(*pending)

    tasks = []
    if plan.kind == "bare":
        bare = raw_request("GET", "/aanmelden/bedankt/", port)
        tasks = [loop("bare", lambda: bare) for _ in range(plan.clients)]
    elif plan.kind in ("submit", "submit-logo"):
        for _ in range(plan.clients):
            source = Submissions(Applicant(plan.url, next_address()), port, plan.tag, logo)
            tasks.append(loop("submit", source.next))
    elif plan.kind == "flood":
        spammer = Submissions(Applicant(plan.url, "10.66.66.66"), port, plan.tag + "spam", None, spam=True)
        tasks = [open_loop("spam", lambda: spammer.next("10.66.66.66"), plan.spam_rate)]
        for i in range(plan.clients):
            source = Submissions(Applicant(plan.url, f"10.77.0.{i + 1}"), port, plan.tag, None)
            # A real applicant: one application now and then, each from its own address.
            tasks.append(loop("applicant", source.next, 0.5))
    started = time.monotonic()
    await asyncio.gather(*tasks)
    result.elapsed = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.generator_cpu = usage.ru_utime + usage.ru_stime
    return result


def run_plan(plan: Plan) -> Result:
    """Entry point for the generator process."""
    return asyncio.run(run(plan))
