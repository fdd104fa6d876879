"""The load benchmark's accounting: server CPU includes reaped workers, and the verdict reads the medians."""

from __future__ import annotations

import os
import subprocess
import sys

from benchmarks import load_bench
from benchmarks.load_bench import Scenario


def test_server_cpu_counts_a_worker_after_it_has_been_reaped():
    before = load_bench.server_cpu(os.getpid())
    burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)  # started, burnt CPU, exited and reaped
    assert load_bench.server_cpu(os.getpid()) - before >= 0.25


def row(rate: float, p99: float, cpu: float, lost: int = 0) -> dict:
    return {
        "ok_rate": rate,
        "p99_ms": p99,
        "cpu_ms": cpu,
        "helper_cpu_ms": 0.1,
        "lost": lost,
        "load": 0.5,
        "others_cores": 0.0,
        "count_ok": True,
    }


def scenarios(project: list[dict]) -> list[Scenario]:
    minimal = Scenario("minimal", "minimal", "POST", "/", 32, 303, [row(1500, 40, 0.8)] * 5)
    submission = Scenario("submission", "sqlite", "POST", "/aanmelden/", 32, 303, project)
    return [minimal, submission]


def test_the_verdict_is_met_only_on_the_medians_of_every_target():
    good = [row(900, 80, 1.5)] * 3 + [row(100, 900, 9.0)] * 2  # two disturbed runs of five
    assert all(line.endswith(", met") for line in load_bench.verdict(scenarios(good)))
    slow = [row(700, 80, 1.5)] * 5
    lines = load_bench.verdict(scenarios(slow))
    assert [line for line in lines if "NOT met" in line] == [lines[0], lines[5]]  # the rate and the ratio
    lost = [row(900, 80, 1.5, lost=1)] + [row(900, 80, 1.5)] * 4
    assert "1 lost, NOT met" in load_bench.verdict(scenarios(lost))[2]


def test_the_table_gives_each_figure_as_a_ratio_to_the_minimal_app():
    lines = load_bench.table(scenarios([row(750, 80, 1.6)] * 5))
    cells = [cell.strip() for cell in lines[-1].strip("|").split("|")]
    assert cells[0] == "submission" and cells[6:8] == ["0.50", "2.00"]
