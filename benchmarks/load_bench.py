"""Load benchmark of the form handler beside two reference apps: wrk on loopback, gunicorn as deployed.

Run: python -m benchmarks.load_bench [--runs 5] [--duration 5] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from .loadgen import Applicant, Gunicorn, RedisServer, form_fields, upgrade_schema
from .reference_apps import create_minimal_schema

_address_blocks = itertools.count(1)
LUA = Path(__file__).resolve().parent / "load" / "wrk_submit.lua"
TARGET = {"rate": 800, "p99_ms": 100, "cpu_ms": 1.6, "cpu_ratio": 2.0, "rate_ratio": 0.5}
FLOOD = {"spam_rate": 200, "applicants": 5, "p99_ms": 300}
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Scenario:
    """One line of the table: which server, which request, how many connections."""

    name: str
    server: str  # key in the servers dict
    method: str
    path: str
    connections: int
    ok: int  # the status that counts as done: 200 for a page, 303 for a stored application
    rows: list[dict] = field(default_factory=list)


def scenarios(backends: list[str]) -> list[Scenario]:
    found = [
        Scenario("plain WSGI, GET", "plain", "GET", "/", 32, 200),
        Scenario("minimal Flask+WTForms+SQLite FULL, POST", "minimal", "POST", "/", 32, 303),
        Scenario(
            "project GET /aanmelden/bedankt/",
            "sqlite" if "sqlite" in backends else backends[0],
            "GET",
            "/aanmelden/bedankt/",
            32,
            200,
        ),
    ]
    for backend in backends:
        for connections in (8, 32):
            found.append(Scenario(f"project submission, {backend}", backend, "POST", "/aanmelden/", connections, 303))
    return found


# --- accounting from /proc -------------------------------------------------------------------


def server_cpu(master: int) -> float:
    """CPU seconds of a gunicorn master, its live workers and every worker it has reaped (cutime/cstime)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        if pid == master:
            total += sum(int(value) for value in fields[11:15])
        elif parent == master:
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy since boot (everything but idle and iowait)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


# --- wrk -------------------------------------------------------------------------------------


def run_wrk(url: str, connections: int, duration: float, script_args: list[str]) -> tuple[dict, float]:
    """One wrk run with the Lua script; (its result, its CPU seconds)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", "--timeout", "10s", "-s", str(LUA), url, "--"]
    process = subprocess.Popen(command + script_args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read() if process.stdout else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in output.splitlines() if line.startswith("WRK-RESULT ")]
    if process.returncode or not lines:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{output}")
    result = json.loads(lines[-1].removeprefix("WRK-RESULT "))
    result["statuses"] = {int(key): value for key, value in result["statuses"].items()}
    return result, usage.ru_utime + usage.ru_stime


class Body:
    """A multipart application template for wrk: @N@ becomes a unique number per request, in the boundary too."""

    def __init__(self, tmp: Path, name: str, tokens: dict[str, str], spam: bool = False) -> None:
        fields = form_fields("Stichting Bench @N@", "bench-@N@@example.nl") + list(tokens.items())
        if spam:
            fields = [(key, "https://spam.example" if key == "homepage_url" else value) for key, value in fields]
        # A browser picks a new boundary for every request; a parser that compiles one per boundary pays for it.
        boundary = "----WrkFormBoundary@N@"
        body = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n' for key, value in fields
        )
        self.content_type = f"multipart/form-data; boundary={boundary}"
        self.path = tmp / f"{name}.body"
        self.path.write_bytes(f"{body}--{boundary}--\r\n".encode())


# --- servers and counts ----------------------------------------------------------------------


class Server:
    """A gunicorn with deploy/gunicorn.conf.py (worker recycling included) and a way to count stored rows."""

    def __init__(self, key: str, gunicorn: Gunicorn, count: Callable[[], int] | None) -> None:
        self.key, self.gunicorn, self.count = key, gunicorn, count
        #: Processes that work for this server besides gunicorn: redis-server, PostgreSQL's postmaster.
        self.helpers: list[int] = []

    @property
    def url(self) -> str:
        return self.gunicorn.url


def project_count(url: str) -> Callable[[], int]:
    from formhandler.db import make_engine
    from formhandler.models import Submission

    engine = make_engine(url)

    def count() -> int:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(Submission)).scalar_one()

    return count


def minimal_count(path: Path) -> Callable[[], int]:
    def count() -> int:
        with sqlite3.connect(path) as connection:
            return connection.execute("SELECT count(*) FROM application").fetchone()[0]

    return count


def start_servers(
    backends: list[str], tmp: Path, limiter_url: str, clusters: list, redis_pid: int
) -> dict[str, Server]:
    env = {"FORMHANDLER_RATELIMIT_STORAGE_URI": limiter_url}
    servers: dict[str, Server] = {}
    plain = Gunicorn(
        "sqlite://", tmp / "plain.log", app="benchmarks.reference_apps:plain", recycle=True, ready_path="/"
    )
    minimal_db = tmp / "minimal.sqlite3"
    create_minimal_schema(str(minimal_db))
    minimal = Gunicorn(
        "sqlite://",
        tmp / "minimal.log",
        app="benchmarks.reference_apps:minimal",
        recycle=True,
        ready_path="/",
        env={"BENCH_MINIMAL_DATABASE": str(minimal_db)},
    )
    servers["plain"] = Server("plain", plain, None)
    servers["minimal"] = Server("minimal", minimal, minimal_count(minimal_db))
    for backend in backends:
        url = database(backend, tmp, clusters)
        upgrade_schema(url)
        gunicorn = Gunicorn(url, tmp / f"{backend}.log", recycle=True, env=env)
        servers[backend] = Server(backend, gunicorn, project_count(url))
        servers[backend].helpers.append(redis_pid)
        if backend == "postgres":
            postmaster = (clusters[-1].data / "postmaster.pid").read_text().split()[0]
            servers[backend].helpers.append(int(postmaster))
    for server in servers.values():
        server.gunicorn.start()
    return servers


def database(backend: str, tmp: Path, clusters: list) -> str:
    """A database URL for `backend`; a PostgreSQL cluster started for it goes in `clusters`."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    from tests.pg import Cluster, postgres_bin

    bin_dir = postgres_bin()
    if bin_dir is None:
        raise SystemExit("PostgreSQL server not installed (Debian package postgresql)")
    cluster = Cluster(bin_dir)
    clusters.append(cluster)
    cluster.start()
    return cluster.new_database()


# --- one measurement -------------------------------------------------------------------------


def script_args(scenario: Scenario, server: Server, tmp: Path, tag: str) -> list[str]:
    if scenario.method == "GET":
        return ["GET", scenario.path]
    if server.key == "minimal":
        tokens: dict[str, str] = {}
        cookie = "none=1"
    else:
        applicant = Applicant(server.url, "10.255.0.1")
        tokens, cookie = applicant.tokens, applicant.cookie
    body = Body(tmp, tag, tokens)
    first = next(_address_blocks) * 250_000  # 10.0.0.0/8 holds 16.7 million: some 60 runs
    return ["POST", scenario.path, str(body.path), body.content_type, cookie, tag, "0", "", str(first)]


def measure(scenario: Scenario, server: Server, duration: float, tmp: Path, tag: str) -> dict:
    """One wrk run: rates, latencies, server CPU per request, the others' CPU, and the count check."""
    args = script_args(scenario, server, tmp, tag)
    rows_before = server.count() if server.count else 0
    load = load_average()
    assert server.gunicorn.process is not None, "not started"
    master = server.gunicorn.process.pid
    cpu_before, busy_before, own_before = server_cpu(master), machine_busy(), own_cpu()
    helpers_before = sum(server_cpu(pid) for pid in server.helpers)
    started = time.monotonic()
    result, wrk_cpu = run_wrk(server.url, scenario.connections, duration, args)
    elapsed = time.monotonic() - started
    cpu = server_cpu(master) - cpu_before
    helpers = sum(server_cpu(pid) for pid in server.helpers) - helpers_before
    others = machine_busy() - busy_before - cpu - helpers - wrk_cpu - (own_cpu() - own_before)
    answered = sum(result["statuses"].values())
    row = {
        "ok_rate": result["statuses"].get(scenario.ok, 0) / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "max_ms": result["max_us"] / 1000,
        "cpu_ms": cpu * 1000 / max(answered, 1),
        "helper_cpu_ms": helpers * 1000 / max(answered, 1),
        "server_cores": cpu / elapsed,
        "wrk_cores": wrk_cpu / elapsed,
        "others_cores": max(others, 0.0) / elapsed,
        "load": load,
        "statuses": result["statuses"],
        "errors": {key: value for key, value in result["errors"].items() if value},
        "lost": 0,
        "in_flight": 0,
    }
    if server.count and scenario.method == "POST":
        time.sleep(1)  # requests still in flight when wrk stopped finish (or not) in this time
        stored = server.count() - rows_before
        acknowledged = result["statuses"].get(303, 0)
        row["stored"], row["acknowledged"] = stored, acknowledged
        row["lost"] = max(acknowledged - stored, 0)
        row["in_flight"] = stored - acknowledged
        # Stored but never answered: at most one request per connection was cut off by wrk's stop.
        row["count_ok"] = 0 <= stored - acknowledged <= scenario.connections
    return row


# --- the flood -------------------------------------------------------------------------------


def applicant_post(base: str, source: str | None, address: str, body: bytes, headers: dict) -> tuple[int, float]:
    """One application on a fresh connection from `source` (a loopback address) or with X-Forwarded-For."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10, source_address=(source, 0) if source else None)
    headers = dict(headers)
    if source:
        headers.pop("X-Forwarded-For", None)
    else:
        headers["X-Forwarded-For"] = address
    started = time.monotonic()
    try:
        connection.request("POST", "/aanmelden/", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        connection.close()


def flood(server: Server, base: str, duration: float, tmp: Path, tag: str, via_nginx: bool) -> dict:
    """About 200 spam POSTs/s from one address (wrk) beside 5 applicants, each application from its own address."""
    spammer = Applicant(base, "10.66.66.66")
    spam = Body(tmp, tag + "-spam", spammer.tokens, spam=True)
    # A closed loop with a pause: each of 10 connections sends one every 50 ms plus the answer's time.
    connections, delay_ms = 10, 1000 * 10 / FLOOD["spam_rate"]
    results: list[tuple[int, float]] = []
    stop = threading.Event()

    def applicant(number: int) -> None:
        person = Applicant(base, f"10.77.{number}.1")
        sent = 0
        while not stop.is_set():
            sent += 1
            body, headers = person.body(
                f"Stichting Vlijt {tag}-{number}-{sent}", f"vlijt-{tag}-{number}-{sent}@example.nl"
            )
            source = f"127.77.{number}.{sent}" if via_nginx else None
            try:
                results.append(applicant_post(base, source, f"10.77.{number}.{sent}", body, headers))
            except OSError:
                results.append((0, float("inf")))
            stop.wait(0.5)

    assert server.count is not None
    count = server.count
    rows_before = count()
    load = load_average()
    workers = [threading.Thread(target=applicant, args=(n,)) for n in range(1, FLOOD["applicants"] + 1)]
    for worker in workers:
        worker.start()
    try:
        spam_result, _wrk_cpu = run_wrk(
            base,
            connections,
            duration,
            [
                "POST",
                "/aanmelden/",
                str(spam.path),
                spam.content_type,
                spammer.cookie,
                tag + "s",
                f"{delay_ms:g}",
                "10.66.66.66",
            ],
        )
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    time.sleep(1)
    latencies = sorted(latency for _status, latency in results)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000 if latencies else float("nan")
    applicants_ok = sum(1 for status, _ in results if status == 303)
    return {
        "via": "nginx" if via_nginx else "gunicorn",
        "load": load,
        "spam_rate": sum(spam_result["statuses"].values()) / (spam_result["duration_us"] / 1e6),
        "spam_statuses": spam_result["statuses"],
        "applications": len(results),
        "applicants_ok": applicants_ok,
        "applicant_p99_ms": p99,
        "stored": count() - rows_before,
        "spam_acknowledged": spam_result["statuses"].get(303, 0),
        "good": applicants_ok == len(results) and p99 < FLOOD["p99_ms"],
    }


def start_nginx(tmp: Path, upstream: str) -> tuple[subprocess.Popen | None, str]:
    from tests.deploy_fixtures import NGINX, start_nginx

    if not os.access(NGINX, os.X_OK):
        return None, ""
    root = tmp / "site"
    root.mkdir(exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\n")
    return start_nginx(tmp / "nginx", root=root, upstream=upstream)


# --- the table -------------------------------------------------------------------------------


def spread(values: list[float], fmt: str) -> str:
    return f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def table(items: list[Scenario]) -> list[str]:
    minimal = next((s for s in items if s.server == "minimal" and s.rows), None)
    ref_rate = statistics.median(r["ok_rate"] for r in minimal.rows) if minimal else float("nan")
    ref_cpu = statistics.median(r["cpu_ms"] for r in minimal.rows) if minimal else float("nan")
    lines = [
        "| scenario | conns | done/s, median (min–max) | p99 ms | server CPU ms/request | redis + PostgreSQL CPU "
        "ms/request | ×minimal rate | ×minimal CPU | lost | count check | load average | others' cores |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for s in items:
        if not s.rows:
            continue
        rate = statistics.median(r["ok_rate"] for r in s.rows)
        cpu = statistics.median(r["cpu_ms"] for r in s.rows)
        count = "—" if "count_ok" not in s.rows[0] else ("ok" if all(r["count_ok"] for r in s.rows) else "FAILED")
        lines.append(
            f"| {s.name} | {s.connections} | {spread([r['ok_rate'] for r in s.rows], ',.0f')} | "
            f"{spread([r['p99_ms'] for r in s.rows], '.1f')} | {spread([r['cpu_ms'] for r in s.rows], '.2f')} | "
            f"{statistics.median(r['helper_cpu_ms'] for r in s.rows):.2f} | {rate / ref_rate:.2f} | "
            f"{cpu / ref_cpu:.2f} | {sum(r['lost'] for r in s.rows)} | {count} | "
            f"{min(r['load'] for r in s.rows):.2f}–{max(r['load'] for r in s.rows):.2f} | "
            f"{statistics.median(r['others_cores'] for r in s.rows):.2f} |"
        )
    return lines


def verdict(items: list[Scenario]) -> list[str]:
    minimal = next(s for s in items if s.server == "minimal")
    target = next((s for s in items if s.server == "sqlite" and s.method == "POST" and s.connections == 32), None)
    if target is None or not target.rows:
        return []
    rate = statistics.median(r["ok_rate"] for r in target.rows)
    p99 = statistics.median(r["p99_ms"] for r in target.rows)
    cpu = statistics.median(r["cpu_ms"] for r in target.rows)
    ref_rate = statistics.median(r["ok_rate"] for r in minimal.rows)
    ref_cpu = statistics.median(r["cpu_ms"] for r in minimal.rows)
    lost = sum(r["lost"] for r in target.rows)

    def mark(good: bool) -> str:
        return "met" if good else "NOT met"

    return [
        f"target median >= {TARGET['rate']}/s: {rate:,.0f}/s, {mark(rate >= TARGET['rate'])}",
        f"target p99 < {TARGET['p99_ms']} ms (median of runs): {p99:.1f} ms, {mark(p99 < TARGET['p99_ms'])}",
        f"target zero lost: {lost} lost, {mark(lost == 0)}",
        f"target CPU <= {TARGET['cpu_ms']} ms/application: {cpu:.2f} ms, {mark(cpu <= TARGET['cpu_ms'])}",
        f"target CPU <= {TARGET['cpu_ratio']:g}x minimal app: {cpu / ref_cpu:.2f}x, "
        f"{mark(cpu <= TARGET['cpu_ratio'] * ref_cpu)}",
        f"target rate >= {TARGET['rate_ratio']:g}x minimal app: {rate / ref_rate:.2f}x, "
        f"{mark(rate >= TARGET['rate_ratio'] * ref_rate)}",
    ]


def show_run(scenario: Scenario, number: int, row: dict) -> None:
    extra = ""
    if "stored" in row:
        extra = f" 303s {row['acknowledged']} stored {row['stored']} lost {row['lost']}"
    print(
        f"  run {number} {scenario.name} c={scenario.connections}: {row['ok_rate']:,.0f}/s p99 {row['p99_ms']:.1f} ms "
        f"max {row['max_ms']:.0f} ms cpu {row['cpu_ms']:.2f} (+{row['helper_cpu_ms']:.2f}) ms/req "
        f"server {row['server_cores']:.2f} "
        f"wrk {row['wrk_cores']:.2f} others {row['others_cores']:.2f} cores load {row['load']:.2f} "
        f"statuses {row['statuses']}{' errors ' + str(row['errors']) if row['errors'] else ''}{extra}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of every scenario, interleaved (default 5)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run (default 5)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--flood-duration", type=float, default=10.0, help="seconds of each flood (0: no flood)")
    parser.add_argument("--only", default="", help="comma list of server keys to run (plain,minimal,sqlite,postgres)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not installed (Debian package wrk)")
    backends = list(filter(None, args.backends.split(",")))
    items = scenarios(backends)
    if args.only:
        keep = set(args.only.split(","))
        items = [s for s in items if s.server in keep]
    tmp = Path(tempfile.mkdtemp(prefix="loadbench-"))
    redis = RedisServer(tmp)
    redis.start()
    clusters: list = []
    servers: dict[str, Server] = {}
    nginx = None
    failures: list[str] = []
    floods: list[dict] = []
    try:
        assert redis.process is not None
        servers = start_servers(backends, tmp, redis.url, clusters, redis.process.pid)
        workers = os.environ.get("GUNICORN_WORKERS", "2")
        print(
            f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores; gunicorn with deploy/gunicorn.conf.py "
            f"({workers} sync workers, its max_requests recycling, its access log); limiter on redis-server; "
            f"wrk -t1, {args.runs} runs of {args.duration:g} s per scenario, interleaved",
            flush=True,
        )
        for s in items:  # warm-up: imports, connection pools and caches of every worker
            run_wrk(servers[s.server].url, s.connections, 1, script_args(s, servers[s.server], tmp, f"w{id(s)}"))
        time.sleep(1)
        for number in range(1, args.runs + 1):
            for index, s in enumerate(items):
                row = measure(s, servers[s.server], args.duration, tmp, f"r{number}s{index}")
                s.rows.append(row)
                show_run(s, number, row)
                if set(row["statuses"]) - {s.ok}:
                    failures.append(f"{s.name} c={s.connections} run {number}: answers {row['statuses']}")
                if row["lost"] or row.get("count_ok") is False:
                    failures.append(
                        f"{s.name} c={s.connections} run {number}: 303s {row.get('acknowledged')}, "
                        f"stored {row.get('stored')}"
                    )
        if args.flood_duration and "sqlite" in servers:
            sqlite = servers["sqlite"]
            floods.append(flood(sqlite, sqlite.url, args.flood_duration, tmp, "fd", via_nginx=False))
            nginx, base = start_nginx(tmp, sqlite.url.removeprefix("http://"))
            if nginx is not None:
                floods.append(flood(sqlite, base, args.flood_duration, tmp, "fn", via_nginx=True))
    finally:
        if nginx is not None:
            from tests.deploy_fixtures import stop

            stop(nginx)
        for server in servers.values():
            server.gunicorn.stop()
        for cluster in clusters:
            cluster.stop()
        redis.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print("\n".join(table(items)))
    print()
    print("\n".join(verdict(items)))
    for row in floods:
        print(
            f"flood via {row['via']} (load {row['load']:.2f}): spam {row['spam_rate']:.0f}/s answered "
            f"{row['spam_statuses']}; applicants {row['applicants_ok']} of {row['applications']} stored with 303, "
            f"p99 {row['applicant_p99_ms']:.0f} ms: {'met' if row['good'] else 'NOT met'}"
        )
        if not row["good"]:
            failures.append(f"flood via {row['via']}")
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
