"""The benchmarks' own arithmetic: what they report must follow from what they measured."""

import pytest

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
    assert isinstance(result, dict if events_key else list), "the trace keeps its form"
    durations = [e["dur"] for e in (result["traceEvents"] if isinstance(result, dict) else result)]
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
