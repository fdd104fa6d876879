"""The build benchmark's own arithmetic: what it reports must follow from what it measured."""

import pytest

from benchmarks import build_bench
from benchmarks.build_bench import Build


@pytest.mark.slow
def test_a_run_times_every_build_it_reports(bench_run):
    assert set(bench_run) == set(build_bench.FIGURES)
    assert all(b.seconds > 0 and b.peak_mb > 10 and b.load >= 0 for b in bench_run.values())


@pytest.mark.slow
def test_the_table_reports_a_real_run(bench_run):
    row = build_bench.table([(20, build_bench.summary([bench_run]))], runs=1).splitlines()[2]
    assert row.startswith("| 20 | ") and row.count("|") == 9
    full = bench_run["full"].seconds
    assert f"| {full:.2f} s ({full:.2f}–{full:.2f}) |" in row


def test_summary_gives_min_median_and_max_of_each_figure():
    def run(bare, full, rebuild, load):
        builds = {name: Build(1.0, 50, load) for name in build_bench.FIGURES}
        return builds | {
            "bare": Build(bare, 40, load),
            "full": Build(full, 60, load),
            "rebuild": Build(rebuild, 55, load),
        }

    result = build_bench.summary([run(1.0, 1.2, 0.5, 0.4), run(2.0, 2.0, 0.7, 1.5), run(1.0, 1.5, 0.6, 0.9)])
    assert result["bare"] == (1.0, 1.0, 2.0)
    assert result["full"] == (1.2, 1.5, 2.0)
    assert result["full_vs_bare"] == (1.0, 1.2, 1.5)
    assert result["rebuild"] == (0.5, 0.6, 0.7)
    assert result["load"] == (0.4, 0.9, 1.5)
    assert result["full_peak_mb"] == (60, 60, 60)


def test_the_byte_comparison_names_what_differs(tmp_path):
    for side, text in (("left", "a"), ("right", "b")):
        (tmp_path / side / "partners").mkdir(parents=True)
        (tmp_path / side / "partners" / "index.html").write_text(text)
        (tmp_path / side / "same.css").write_text("body{}")
    (tmp_path / "left" / "only-left.txt").write_text("x")
    assert build_bench.output_differences(tmp_path / "left", tmp_path / "right") == [
        "only-left.txt",
        "partners/index.html",
    ]
