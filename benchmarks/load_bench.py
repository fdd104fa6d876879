"""Load benchmark of the form handler: gunicorn (2 workers) on 127.0.0.1, SQLite and PostgreSQL.

Run: python -m benchmarks.load_bench [--duration 10] [--backends sqlite,postgres] [--worker-class gthread --threads 4]
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from .asyncload import Plan, Result, run_plan
from .loadgen import Gunicorn, RedisServer, cpu_seconds, upgrade_schema

SCENARIOS = [
    ("bare", "bare", 32),
    ("submit", "submit", 8),
    ("submit", "submit", 32),
    ("submit-logo", "submit-logo", 8),
    ("submit-logo", "submit-logo", 32),
]
TARGET = {"rate": 600, "p99_ms": 100}  # SQLite, no logo, 32 concurrent
FLOOD_P99_MS = 300


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def stored_count(url: str) -> int:
    """Applications stored in the database at `url`."""
    from formhandler.db import make_engine
    from formhandler.models import Submission

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(Submission)).scalar_one()
    finally:
        engine.dispose()


def generate(plan: Plan) -> Result:
    """Run the generator in a process of its own, so it never competes with this one's GIL."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(run_plan, (plan,))


def measure(server: Gunicorn, url: str, plan: Plan) -> dict:
    """One scenario: rates, latencies, server CPU per request and the stored-rows check."""
    before_rows, pids = stored_count(url), server.pids()
    before_cpu = cpu_seconds(pids)
    result = generate(plan)
    cpu = cpu_seconds(pids) - before_cpu
    label = {"bare": "bare", "flood": "applicant"}.get(plan.kind, "submit")
    latencies, statuses = result.latencies.get(label, []), result.statuses.get(label, {})
    total = sum(sum(counts.values()) for counts in result.statuses.values())
    acknowledged = statuses.get(303, 0) + result.statuses.get("spam", {}).get(303, 0)
    rows = stored_count(url) - before_rows
    return {
        "label": label,
        "clients": plan.clients,
        "kind": plan.kind,
        "requests": len(latencies),
        "rate": len(latencies) / result.elapsed,
        "ok_rate": statuses.get(303 if label != "bare" else 200, 0) / result.elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "cpu_ms": cpu * 1000 / max(total, 1),
        "server_cores": cpu / result.elapsed,
        "generator_cores": result.generator_cpu / result.elapsed,
        "statuses": statuses,
        "acknowledged": acknowledged,
        "rows": rows,
        "spam": result.statuses.get("spam", {}),
        "spam_rate": sum(result.statuses.get("spam", {}).values()) / plan.duration,  # offered, open loop
        # Every request finished before the generator returned: nothing is in flight at the count.
        "lost": acknowledged - rows if label != "bare" else 0,
    }


def show(backend: str, row: dict) -> None:
    line = (
        f"{backend:8} {row['kind']:12} c={row['clients']:<3} {row['ok_rate']:7.1f} ok/s  p50 {row['p50_ms']:6.1f} ms  "
        f"p99 {row['p99_ms']:6.1f} ms  cpu {row['cpu_ms']:5.2f} ms/req  server {row['server_cores']:.2f} cores  "
        f"generator {row['generator_cores']:.2f} cores  statuses {row['statuses']}"
    )
    if row["label"] != "bare":
        line += f"  303s {row['acknowledged']} rows {row['rows']} lost {row['lost']}"
    if row["spam"]:
        line += f"  spam offered {row['spam_rate']:.0f}/s, answers {row['spam']}"
    print(line, flush=True)


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


def bench_backend(backend: str, args: argparse.Namespace, tmp: Path) -> list[dict]:
    """Every scenario against one backend."""
    clusters: list = []
    rows: list[dict] = []
    try:
        url = database(backend, tmp, clusters)
        upgrade_schema(url)
        server = Gunicorn(
            url,
            tmp / f"gunicorn-{backend}.log",
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads,
            env={"FORMHANDLER_RATELIMIT_STORAGE_URI": args.limiter_url},
        )
        server.start()
        try:
            for kind, _, clients in SCENARIOS:
                if kind in args.skip:
                    continue
                row = measure(server, url, Plan(server.url, kind, clients, args.duration, tag=f"{backend}{clients}"))
                show(backend, row)
                rows.append(row)
            if "flood" not in args.skip:
                row = measure(server, url, Plan(server.url, "flood", 5, args.duration, tag=f"{backend}flood"))
                show(backend, row)
                rows.append(row)
        finally:
            server.stop()
    finally:
        for cluster in clusters:
            cluster.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario (default 10)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--limiter",
        choices=["redis", "memory"],
        default="redis",
        help="rate-limit store: redis (as deployed; a throwaway redis-server) or memory://",
    )
    parser.add_argument(
        "--skip", default="", help="comma-separated scenario kinds to leave out (bare, submit, submit-logo, flood)"
    )
    args = parser.parse_args(argv)
    args.skip = set(filter(None, args.skip.split(",")))
    print(
        f"gunicorn {args.workers} workers, {args.worker_class}, {args.threads} thread(s); "
        f"{args.duration:g} s per scenario; "
        "rate limiter, CSRF and validation on (one client address per request via X-Forwarded-For)",
        flush=True,
    )
    tmp = Path(tempfile.mkdtemp(prefix="loadbench-"))
    failures = []
    redis = RedisServer(tmp)
    if args.limiter == "redis" and redis.binary is not None:
        redis.start()
        args.limiter_url = redis.url
    else:
        args.limiter_url = "memory://"
    print(f"rate-limit store: {args.limiter_url}", flush=True)
    try:
        for backend in filter(None, args.backends.split(",")):
            for row in bench_backend(backend, args, tmp):
                if row["lost"]:
                    failures.append(
                        f"{backend} {row['kind']} c={row['clients']}: {row['lost']} acknowledged but not stored"
                    )
                if backend == "sqlite" and row["kind"] == "submit" and row["clients"] == 32:
                    met = row["ok_rate"] >= TARGET["rate"] and row["p99_ms"] < TARGET["p99_ms"]
                    print(f"target (>= {TARGET['rate']}/s, p99 < {TARGET['p99_ms']} ms): {'met' if met else 'NOT met'}")
                if row["kind"] == "flood":
                    good = row["statuses"].get(303, 0) == row["requests"] and row["p99_ms"] < FLOOD_P99_MS
                    print(
                        f"flood: {row['requests']} applicants' submissions, all stored and p99 < {FLOOD_P99_MS} ms: "
                        f"{'yes' if good else 'NO'}"
                    )
    finally:
        redis.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    for failure in failures:
        print("LOST:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
