"""Fixtures of the benchmarks' own tests."""

import pytest

from benchmarks import build_bench


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory) -> dict[str, build_bench.Build]:
    """One real run of the build benchmark at 20 partners."""
    return build_bench.run(20, str(tmp_path_factory.mktemp("bench")))
