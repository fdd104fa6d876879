"""The publish benchmark's own arithmetic and one real run: what it reports must follow from what it measured."""

import pytest

from benchmarks import publish_bench
from benchmarks.publish_bench import Run


def test_summary_gives_min_median_and_max():
    runs = [Run(1.2, 1.1, 0.5), Run(0.9, 0.8, 1.5), Run(2.0, 1.9, 0.7)]
    result = publish_bench.summary(runs)
    assert result["seconds"] == (0.9, 1.2, 2.0)
    assert result["post_seconds"] == (0.8, 1.1, 1.9)
    assert result["load"] == (0.5, 0.7, 1.5)


def test_the_table_shows_the_median_and_the_range():
    row = publish_bench.table([(100, publish_bench.summary([Run(1.0, 0.9, 0.3), Run(2.0, 1.8, 0.6)]))], runs=2)
    assert "| 100 | 1.50 s (1.00–2.00) | 1.35 s (0.90–1.80) | 0.30–0.60 |" in row


@pytest.mark.slow
def test_a_real_run_publishes_and_serves_each_partner(tmp_path):
    runs = publish_bench.measure(10, 1, str(tmp_path))
    assert len(runs) == 1 and 0 < runs[0].post_seconds <= runs[0].seconds < 30
