"""The benchmarks' own arithmetic: what they report must follow from what they measured."""

import pytest

from benchmarks import build_bench
from benchmarks.lighthouse_bench import cpu_time_trace, median_run


def task(name, dur, tdur=None, ph="X"):
    """A trace event as Chromium writes it (microseconds)."""
    event = {"name": name, "ph": ph, "dur": dur, "ts": 0}
    if tdur is not None:
        event["tdur"] = tdur
    return event


@pytest.mark.parametrize("events_key", [True, False], ids=["object-form", "array-form"])
def test_cpu_time_trace_times_top_level_tasks_by_their_cpu_time(events_key):
    events = [
        task("RunTask", 150_000, 40_000),
        task("ThreadControllerImpl::RunTask", 90_000, 30_000),
        task("ParseHTML", 80_000, 20_000),
        task("RunTask", 10_000),
        task("RunTask", 5_000, 9_000),
    ]
    trace = {"traceEvents": events} if events_key else events
    result = cpu_time_trace(trace)
    durations = [e["dur"] for e in (result["traceEvents"] if events_key else result)]
    # Tasks take their CPU time; events inside tasks, tasks without a CPU time, and a CPU time
    # longer than the wall time (clock granularity) are left as they were.
    assert durations == [40_000, 30_000, 80_000, 10_000, 5_000]


def test_median_run_reports_the_middle_run_and_the_range_of_both_audits():
    runs = [{"performance": p, "cpu": {"performance": c}} for p, c in ((96, 100), (92, 99), (98, 100))]
    chosen = median_run(runs)
    assert (chosen["performance"], chosen["range"]) == (96, (92, 98))
    assert (chosen["cpu"]["performance"], chosen["cpu"]["range"]) == (100, (99, 100))


def test_median_run_of_one_run_has_no_range():
    assert median_run([{"performance": 90}])["range"] is None


def test_build_bench_runs_every_build_it_reports(tmp_path):
    result = build_bench.run(40, str(tmp_path))
    timed = (
        "bare_s",
        "full_s",
        "cold_summary_s",
        "cold_title_s",
        "warm_summary_s",
        "warm_title_s",
        "bare_cold_summary_s",
        "bare_cold_title_s",
    )
    assert result["identical"] is True and all(result[key] > 0 for key in timed)
    assert result["full_peak_mb"] > result["bare_peak_mb"] / 2 > 0
    row = build_bench.table([result]).splitlines()[2]
    assert row.startswith("| 40 |") and row.count("|") == 13


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
    with pytest.raises(AssertionError, match="cold rebuild differs from a full build in 2 file"):
        build_bench.check_identical({"cold": tmp_path / "left"}, tmp_path / "right")
