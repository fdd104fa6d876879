"""`make bench`: build benchmarks (full, one-record rebuild, bare Pelican) at 100 and 1,000 partners."""

from __future__ import annotations

import argparse
import json
import sys

from . import build_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--sizes", default="100,1000", help="partner counts, comma separated")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    results = [build_bench.run(int(size)) for size in args.sizes.split(",")]
    print(build_bench.table(results))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
