"""`make bench`: every benchmark in turn. Each part also runs alone: python -m benchmarks.<part>."""

from __future__ import annotations

import argparse
import sys

from . import build_bench, lighthouse_bench, load_bench, page_bench, publish_bench

PARTS = {
    "build": lambda quick: build_bench.main(
        ["--sizes", "100,1000", "--runs", "2" if quick else "5", "--memory", "0" if quick else "10000"]
    ),
    "page": lambda quick: page_bench.main([]),
    # The form handler beside two reference apps (wrk, the deployed gunicorn config): about 5 minutes.
    "load": lambda quick: load_bench.main(["--runs", "2" if quick else "5"]),
    # Publish to live: the reviewer's POST until the partner's page is served (git + live build).
    "publish": lambda quick: publish_bench.main(
        ["--sizes", "100" if quick else "100,1000", "--runs", "2" if quick else "5"]
    ),
    # Needs npm (it installs lighthouse@12.2.3 into .cache/ on first use).
    "lighthouse": lambda quick: lighthouse_bench.main(
        ["--partners", "100" if quick else "1000", "--runs", "1" if quick else "3"]
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", default=",".join(PARTS), help="comma list of: " + ", ".join(PARTS))
    parser.add_argument("--quick", action="store_true", help="shorter runs, no 10,000-partner build")
    args = parser.parse_args(argv)
    status = 0
    for name in args.only.split(","):
        print(f"\n== {name} ==", flush=True)
        status = PARTS[name](args.quick) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
