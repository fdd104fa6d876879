"""Crash test: gunicorn killed with SIGKILL mid-traffic, again and again; nothing acknowledged is lost.

Deterministic and bounded: each life of the server lasts until it has acknowledged a set number of
applications (a condition, with a deadline), then a seeded random moment more, so the kills land at
different points of a request on every run alike.
"""

from __future__ import annotations

import http.client
import random
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from benchmarks.loadgen import Applicant, Gunicorn, png_logo, svg_logo
from formhandler.db import make_engine
from formhandler.models import Submission
from partners.logos import check_logo
from tests.deploy_fixtures import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]

SEED = 20261128
SUBMITTERS = 4
# backend -> (lives, applications each life acknowledges before its kill): at least 20 in all.
# Each life costs a gunicorn boot (~1-2 s).
LIVES = {"sqlite": (4, 5), "postgres": (3, 7)}
EXTRA_SECONDS = (0.0, 0.4)  # then a seeded moment more, so the kill lands anywhere in a request
BROKEN = (OSError, http.client.HTTPException)  # the kill cut the connection: outcome unknown to the applicant


@dataclass
class Outcomes:
    """What the applicants saw: acknowledged names with their logo, and every status."""

    acknowledged: dict = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status, name=None, logo=None):
        with self.lock:
            self.statuses[status] += 1
            if status == 303:
                self.acknowledged[name] = logo

    def count(self, status) -> int:
        with self.lock:
            return self.statuses[status]


def logo_for(number: int):
    """A third of the applications carry a PNG, a third an SVG, a third nothing."""
    return [None, ("logo.png", png_logo(seed=number)), ("logo.svg", svg_logo(seed=number))][number % 3]


def submitter(index: int, base: str, stop: threading.Event, outcomes: Outcomes) -> None:
    """Apply over and over with a unique name; fetch the form again after every broken connection."""
    applicant, number = None, 0
    while not stop.is_set():
        try:
            applicant = applicant or Applicant(base, f"10.9.{index}.1")
            number += 1
            name = f"Stichting Crash {index}-{number}"
            logo = logo_for(number)
            status, _page = applicant.submit(name, f"crash{index}-{number}@example.org", logo, timeout=5)
            outcomes.record(status, name, logo[1] if logo else None)
        except BROKEN:
            outcomes.record("broken")
            applicant = None
            time.sleep(0.1)  # the server is down: do not steal its boot time


def taken(outcomes: Outcomes, target: int) -> bool:
    return outcomes.count(303) >= target


def crash_loop(server: Gunicorn, lives: int, per_life: int, outcomes: Outcomes) -> None:
    """Start, take `per_life` applications and a seeded moment more, SIGKILL master and workers together; repeat."""
    rng = random.Random(SEED)
    for life in range(lives):
        server.start()
        target = outcomes.count(303) + per_life
        wait_for(partial(taken, outcomes, target), timeout=30, what=f"life {life}'s applications")
        time.sleep(rng.uniform(*EXTRA_SECONDS))
        server.kill()


def stored(url: str) -> list[Submission]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Submission).options(selectinload(Submission.logo))))
    finally:
        engine.dispose()


def test_nothing_acknowledged_is_lost_when_the_server_is_killed(db_url, db_backend, tmp_path):
    server = Gunicorn(db_url, tmp_path / "gunicorn.log", env={"FORMHANDLER_RATELIMIT_ENABLED": "false"})
    outcomes, stop = Outcomes(), threading.Event()
    threads = [
        threading.Thread(target=submitter, args=(i, server.url, stop, outcomes), daemon=True) for i in range(SUBMITTERS)
    ]
    for thread in threads:
        thread.start()
    try:
        crash_loop(server, *LIVES[db_backend], outcomes)
        # One more life: the server must boot on whatever the kills left and take applications again.
        server.start()
        after = outcomes.count(303) + SUBMITTERS
        wait_for(lambda: outcomes.count(303) >= after, timeout=30, what="the last life taking applications")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        server.stop()

    assert not any(thread.is_alive() for thread in threads)
    assert set(outcomes.statuses) <= {303, 503, "broken"}, outcomes.statuses  # never a 500
    assert outcomes.statuses[303] >= 20, outcomes.statuses
    assert outcomes.statuses["broken"] >= 1, outcomes.statuses  # the kills did land mid-request
    rows = stored(db_url)
    names = Counter(row.organisation_name for row in rows)
    assert [name for name, count in names.items() if count > 1] == []
    by_name = {row.organisation_name: row for row in rows}
    missing = [name for name in outcomes.acknowledged if name not in by_name]
    assert missing == [], f"{len(missing)} acknowledged applications lost"
    for name, original in outcomes.acknowledged.items():
        logo = by_name[name].logo
        assert (logo.data if logo else None) == (check_logo(original).data if original else None), name
    if db_url.startswith("sqlite"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
