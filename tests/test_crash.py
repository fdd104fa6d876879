"""Crash test: gunicorn killed with SIGKILL at random moments while applicants submit; nothing acknowledged is lost."""

from __future__ import annotations

import http.client
import random
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from benchmarks.loadgen import Applicant, Gunicorn, png_logo, svg_logo, upgrade_schema
from formhandler.db import make_engine
from formhandler.models import Submission
from partners.logos import check_logo

pytestmark = pytest.mark.slow

SUBMITTERS = 4
CYCLES = {"sqlite": 20, "postgres": 10}  # each cycle costs a gunicorn boot (~2 s); PostgreSQL fewer
UP_SECONDS = (0.2, 1.2)  # how long the server lives before the next SIGKILL
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


def crash_loop(server: Gunicorn, cycles: int) -> None:
    """Start, let it take requests for a random moment, SIGKILL master and workers together; repeat."""
    rng = random.Random()
    for _ in range(cycles):
        server.start()
        time.sleep(rng.uniform(*UP_SECONDS))
        server.kill()


def stored(url: str) -> list[Submission]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Submission).options(selectinload(Submission.logo))))
    finally:
        engine.dispose()


def test_nothing_acknowledged_is_lost_when_the_server_is_killed(db_url, tmp_path):
    upgrade_schema(db_url)
    server = Gunicorn(db_url, tmp_path / "gunicorn.log", env={"FORMHANDLER_RATELIMIT_ENABLED": "false"})
    outcomes, stop = Outcomes(), threading.Event()
    threads = [
        threading.Thread(target=submitter, args=(i, server.url, stop, outcomes), daemon=True) for i in range(SUBMITTERS)
    ]
    for thread in threads:
        thread.start()
    try:
        crash_loop(server, CYCLES["sqlite" if db_url.startswith("sqlite") else "postgres"])
        # One more life: the server must boot on whatever the kills left and take applications again.
        server.start()
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        server.stop()

    assert not any(thread.is_alive() for thread in threads)
    assert set(outcomes.statuses) <= {303, 503, "broken"}, outcomes.statuses  # never a 500
    assert outcomes.statuses[303] >= 20 and outcomes.statuses["broken"] >= 1, outcomes.statuses
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
