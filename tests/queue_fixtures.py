"""Builders for queue items in tests of publishing and the CLI."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from formhandler import queue
from formhandler.states import FORWARD
from partners.criteria import CRITERIA, CRITERIA_HASH
from partners.logos import check_logo

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#c00"/></svg>'
)
CONTACT = {
    "contact_name": "Jan Jansen-Geheim",
    "email": "jan.geheim@example.org",
    "phone": "+31 30 123 45 67",
    "contact_role": "Directeur Privé",
}


def submission_data(**overrides) -> dict:
    """A valid value for every required column of a Submission, as the form would store it."""
    data = {
        "organisation_name": "Stichting Gezonde Wijk",
        "organisation_type": "maatschappelijke-organisatie",
        "website": "https://www.gezondewijk.example.nl",
        "kvk_number": "12345678",
        "city": "Utrecht",
        **CONTACT,
        "offers_stop_support": False,
        "criteria": [k for k in CRITERIA if k != "stopondersteuning"],
        "criteria_hash": CRITERIA_HASH,
        "company_acknowledged": False,
        "contributions": ["kennis", "netwerk"],
        "contribution_text": "Wij delen kennis met Jan Jansen-Geheim.",
        "motivation": "Bel mij op +31 30 123 45 67.",
    }
    data.update(overrides)
    return data


def raster(kind: str) -> bytes:
    """A small image of `kind` (png, jpeg, webp)."""
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 0, 0)).save(out, {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}[kind])
    return out.getvalue()


def logo_of(kind: str | None):
    """A checked logo of `kind`, or None."""
    if kind is None:
        return None
    return check_logo(SVG if kind == "svg" else raster(kind))


def add_item(session, state: str = "getekend", logo: str | None = "svg", **overrides):
    """Store an item and walk it through the procedure to `state`."""
    item, created = queue.add_submission(session, submission_data(**overrides), logo_of(logo))
    assert created
    path = ["nieuw", *FORWARD.values()]
    for step in path[1 : path.index(state) + 1] if state in path else [state]:
        queue.change_state(session, item, step, "tester", publishing=step == "gepubliceerd")
    session.commit()
    return item


@pytest.fixture
def session(app):
    """A database session on the test app's database."""
    db_session = app.extensions["formhandler.sessionmaker"]()
    yield db_session
    db_session.close()
