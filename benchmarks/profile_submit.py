"""CPU per application in-process (no HTTP, no load generator): python -m benchmarks.profile_submit [--profile].

The WSGI app as gunicorn calls it, SQLite FULL and the limiter on a throwaway redis-server;
process CPU time per request, which other processes on the machine disturb far less than throughput.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from .loadgen import SECRET, RedisServer, form_fields, multipart, upgrade_schema


def make_app(tmp: Path, redis_url: str):  # noqa: ANN201 -- a Flask app with its WSGI wrapper
    url = f"sqlite:///{tmp / 'profile.sqlite3'}"
    upgrade_schema(url)
    os.environ.update(
        FORMHANDLER_SECRET_KEY=SECRET,
        FORMHANDLER_DATABASE_URL=url,
        FORMHANDLER_TRUSTED_PROXIES="1",
        FORMHANDLER_AUTO_UPGRADE="false",
        FORMHANDLER_MIN_FILL_SECONDS="0",
        FORMHANDLER_MAIL_BACKEND="log",
        FORMHANDLER_SITE_DIR=str(tmp),
        FORMHANDLER_RATELIMIT_STORAGE_URI=redis_url,
    )
    os.environ.pop("FORMHANDLER_DEVELOPMENT", None)
    import logging

    logging.disable(logging.INFO)
    from formhandler.wsgi import app

    return app


def call(app, environ: dict) -> tuple[str, list]:
    """One WSGI call as a server makes it; (status, headers)."""
    answer: list = []

    def start_response(status: str, headers: list, exc_info=None) -> None:
        answer[:] = [status, headers]

    body = app(environ, start_response)
    for _chunk in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return answer[0], answer[1]


def environ(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> dict:
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(path=path, method=method, headers=headers or {}, data=body)
    built = builder.get_environ()
    built["wsgi.input"] = io.BytesIO(body)
    built["CONTENT_LENGTH"] = str(len(body))
    builder.close()
    return built


def session(app) -> tuple[str, dict[str, str]]:
    """Cookie and hidden tokens of one visitor, from GET /aanmelden/."""
    response = app.test_client().get("/aanmelden/", headers={"X-Forwarded-For": "10.255.0.1"})
    cookie = "; ".join(v.split(";", 1)[0] for v in response.headers.getlist("Set-Cookie"))
    tokens = {}
    for name in ("csrf_token", "started"):
        found = re.search(rf'name="{name}" type="hidden" value="([^"]+)"'.encode(), response.data)
        assert found, name
        tokens[name] = found.group(1).decode()
    return cookie, tokens


def requests(app, count: int, tag: str, first: int = 1):  # noqa: ANN201
    cookie, tokens = session(app)
    for n in range(count):
        body, content_type = multipart(
            form_fields(f"Stichting Profiel {tag}-{n}", f"profiel-{tag}-{n}@example.nl") + list(tokens.items()), None
        )
        k = first + n
        yield environ(
            "POST",
            "/aanmelden/",
            body,
            {
                "Content-Type": content_type,
                "Cookie": cookie,
                "X-Forwarded-For": f"10.{k // 65536 % 256}.{k // 256 % 256}.{k % 256}",
            },
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_submit", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions of one round")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="profile-"))
    redis = RedisServer(tmp)
    redis.start()
    try:
        app = make_app(tmp, redis.url)
        for status, _ in (call(app, e) for e in requests(app, 50, "warm")):
            assert status.startswith("303"), status
        figures = []
        for number in range(args.rounds):
            prepared = list(requests(app, args.count, f"r{number}-{time.time_ns()}", 100 + number * args.count))
            profiler = cProfile.Profile(time.process_time) if args.profile and number == 0 else None
            started = time.process_time()
            if profiler:
                profiler.enable()
            statuses = [call(app, e)[0] for e in prepared]
            if profiler:
                profiler.disable()
            spent = time.process_time() - started
            assert all(s.startswith("303") for s in statuses), set(statuses)
            if profiler:
                stats = pstats.Stats(profiler)
                stats.sort_stats("cumulative").print_stats(45)
                stats.sort_stats("tottime").print_stats(30)
                stats.print_callers("re/_compiler.py.*compile|_parser.py.*parse\\b")
            else:
                figures.append(spent * 1000 / args.count)
        if not figures:
            return 0
        print(
            f"CPU per application in-process: median {statistics.median(figures):.3f} ms "
            f"(min {min(figures):.3f}, max {max(figures):.3f}) over {len(figures)} rounds of {args.count}; "
            f"load {os.getloadavg()[0]:.2f}"
        )
    finally:
        redis.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
