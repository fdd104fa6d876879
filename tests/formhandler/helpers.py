"""Builders the form-handler and deploy tests share: queue items, the public forms as a browser posts them, a login.

Plain functions and constants only; the fixtures built on them live in the conftest.py files.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, PngImagePlugin
from sqlalchemy import Connection, Select, select, text
from sqlalchemy.orm import Session, selectinload
from werkzeug.test import TestResponse

from formhandler import queue
from formhandler.mail import outbox
from formhandler.mail.texts import build_mails
from formhandler.models import Submission
from formhandler.review.accounts import create_user
from formhandler.review.steps import move
from formhandler.states import FORWARD
from partners.criteria import CRITERIA, CRITERIA_HASH
from partners.logos import Logo as CheckedLogo
from partners.logos import check_logo
from partners.render import render_record

SECRET = "test-secret-key-" + "x" * 32
ALWAYS = [slug for slug in CRITERIA if slug != "stopondersteuning"]
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#c00"/></svg>'
)
_HIDDEN = re.compile(r'name="(csrf_token|started)" type="hidden" value="([^"]+)"')

# --- queue items -----------------------------------------------------------------------------

#: The personal data of the default item: none of it may ever reach a record, a notice or a log.
CONTACT = {
    "contact_name": "Jan Jansen-Geheim",
    "email": "jan.geheim@example.org",
    "phone": "+31 30 123 45 67",
    "contact_role": "Directeur Privé",
}


def submission_data(**overrides: object) -> dict:
    """A valid value for every column of a Submission, as the registration form stores it."""
    data = {
        "organisation_name": "Stichting Gezonde Wijk",
        "organisation_type": "maatschappelijke-organisatie",
        "website": "https://www.gezondewijk.example.nl",
        "kvk_number": "12345678",
        "city": "Utrecht",
        **CONTACT,
        "offers_stop_support": False,
        "criteria": ALWAYS,
        "criteria_hash": CRITERIA_HASH,
        "company_acknowledged": False,
        "contributions": ["kennis", "netwerk"],
        "contribution_text": "Wij delen kennis met Jan Jansen-Geheim.",
        "motivation": "Bel mij op +31 30 123 45 67.",
    }
    data.update(overrides)
    return data


def raster(kind: str, size: tuple[int, int] = (40, 20), colour: tuple[int, int, int] = (200, 0, 0)) -> bytes:
    """A small image of `kind` (png, jpeg, webp)."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}[kind])
    return out.getvalue()


def png_with_metadata(size: tuple[int, int] = (60, 30)) -> bytes:
    """A PNG with a text chunk, so a re-encoded copy is recognisably different."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret metadata")
    out = io.BytesIO()
    Image.new("RGB", size, (11, 93, 80)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def logo_of(kind: str | None, size: tuple[int, int] = (40, 20)) -> CheckedLogo | None:
    """A checked logo of `kind` (svg, png, jpeg, webp), or None."""
    if kind is None:
        return None
    return check_logo(SVG if kind == "svg" else raster(kind, size))


def db_session(app: Flask) -> Session:
    """A database session on the app's database, outside any request."""
    return app.extensions["formhandler.sessionmaker"]()


def add_item(session: Session, state: str = "nieuw", logo: str | None = None, **overrides: object) -> Submission:
    """Store an application and walk it through the procedure to `state` (a closing state straight from nieuw)."""
    item, created = queue.add_submission(session, submission_data(**overrides), logo_of(logo))
    assert created
    path = ["nieuw", *FORWARD.values()]
    for step in path[1 : path.index(state) + 1] if state in path else [state]:
        queue.change_state(item, step, "tester", publishing=step == "gepubliceerd")
    session.commit()
    return item


def store_with_mails(app: Flask, **overrides: object) -> int:
    """Store an application with its confirmation and notice in the outbox, as the form does; its id."""
    with app.app_context(), db_session(app) as session:
        item, created = queue.add_submission(session, submission_data(**overrides), None, mails=build_mails)
        assert created
        return item.id


def run_outbox(app: Flask, now: dt.datetime | None = None, **kwargs: object) -> tuple[int, int]:
    """One run of the outbox, as `flask mail send` does: (sent, failed)."""
    with app.app_context(), db_session(app) as session:
        return outbox.send_pending(session, now=now, **kwargs)  # type: ignore[arg-type]


def rows(app: Flask, model: type[Any] = Submission) -> list:
    """Every row of `model` (submissions with their logo), read in a session of its own."""
    query: Select[Any] = select(model).order_by(model.id)
    if model is Submission:
        query = query.options(selectinload(Submission.logo))
    with db_session(app) as session:
        return list(session.scalars(query))


# --- the registration form -------------------------------------------------------------------

FORM = "/aanmelden/"
THANKS = "/aanmelden/bedankt/"


def hidden_tokens(html: str) -> dict[str, str]:
    """The CSRF token and the signed start time a form page carries."""
    return dict(_HIDDEN.findall(html))


def form_tokens(client: FlaskClient, url: str = FORM) -> dict[str, str]:
    """GET a form and read its CSRF token and signed start time."""
    return hidden_tokens(client.get(url).get_data(as_text=True))


def valid_form(**changes: object) -> dict:
    """A complete, valid application; a value of None leaves the field out."""
    data = {
        "organisation_name": "Stichting Rookvrij Sporten",
        "organisation_type": "maatschappelijke-organisatie",
        "website": "https://www.rookvrijsporten.nl",
        "kvk_number": "12345678",
        "city": "Utrecht",
        "contact_name": "Anne de Vries",
        "contact_role": "Directeur",
        "email": "anne@rookvrijsporten.nl",
        "phone": "030 123 45 67",
        "offers_stop_support": "nee",
        "criteria": ALWAYS,
        "contributions": ["kennis", "achterban"],
        "contribution_text": "We delen onze kennis.",
        "motivation": "Sport hoort rookvrij te zijn.",
        "privacy_consent": "y",
        "homepage_url": "",
    }
    data.update(changes)  # type: ignore[arg-type]
    return {key: value for key, value in data.items() if value is not None}


def post(client: FlaskClient, tokens: dict | None = None, /, **changes: object) -> TestResponse:
    """POST the registration form as a browser does (multipart), with fresh tokens unless given."""
    data = {**valid_form(**changes), **(form_tokens(client) if tokens is None else tokens)}
    return client.post(FORM, data=data, content_type="multipart/form-data")


# --- the change-request form -----------------------------------------------------------------

CHANGE_FORM = "/aanmelden/wijziging/"
CHANGE_THANKS = "/aanmelden/wijziging/bedankt/"
PARTNER_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#0a5"/></svg>'
)
PARTNER = {
    "Title": "Stichting Oude Naam",
    "Slug": "stichting-oude-naam",
    "Type": "maatschappelijke-organisatie",
    "Website": "https://oud.example.nl",
    "Logo": "logos/stichting-oude-naam.svg",
    "Since": "2024-01-15",
    "Summary": "Oude samenvatting.",
    "Contributions": "kennis",
}
PARTNER_BODY = "Stichting Oude Naam is partner van de Alliantie Nederland Rookvrij! sinds 15 januari 2024."
GONE = {
    "Title": "Gemeente Al Weg",
    "Slug": "gemeente-al-weg",
    "Type": "overheid",
    "Since": "2020-01-01",
    "Until": "2025-01-01",
}
#: change -> (form fields, the requested dict stored)
CHANGE_KINDS: dict[str, tuple[dict[str, object], dict[str, str]]] = {
    "naam": ({"changes": ["naam"], "new_name": "Stichting Nieuwe Naam"}, {"Title": "Stichting Nieuwe Naam"}),
    "website": (
        {"changes": ["website"], "new_website": "www.nieuw.example.nl"},
        {"Website": "https://www.nieuw.example.nl"},
    ),
    "logo": ({"changes": ["logo"], "logo": raster("png", (60, 30), (200, 30, 30))}, {"Logo": "nieuw"}),
    "samenvatting": (
        {"changes": ["samenvatting"], "new_summary": "Nu ook actief in Zwolle."},
        {"Summary": "Nu ook actief in Zwolle."},
    ),
    "einde": ({"changes": ["einde"], "end_date": "2026-11-01"}, {"Until": "2026-11-01"}),
}


def write_partners(content_dir: Path) -> None:
    """One active partner with a logo, and one whose partnership already ended."""
    (content_dir / "logos" / "stichting-oude-naam.svg").write_bytes(PARTNER_SVG)
    (content_dir / "partners" / "stichting-oude-naam.md").write_text(
        render_record(PARTNER, PARTNER_BODY), encoding="utf-8"
    )
    (content_dir / "partners" / "gemeente-al-weg.md").write_text(render_record(GONE, "Weg."), encoding="utf-8")


def add_change(session: Session, content_dir: Path, kind: str, slug: str = "stichting-oude-naam") -> Submission:
    """A change request of `kind` (a key of CHANGE_KINDS) for `slug`, approved against the record in content_dir."""
    requested = dict(CHANGE_KINDS[kind][1])
    logo = None
    if kind == "logo":
        logo = check_logo(raster("png", (60, 30), (200, 30, 30)))
    data = submission_data(
        kind="wijziging",
        target_slug=slug,
        requested=requested,
        end_date=dt.date.fromisoformat(requested["Until"]) if kind == "einde" else None,
        organisation_name="Stichting Oude Naam",
        website="https://oud.example.nl",
        criteria=[],
        criteria_hash="",
        contributions=[],
    )
    item, created = queue.add_submission(session, data, logo)
    assert created
    for target in ("in_behandeling", "goedgekeurd"):
        move(item, target, "tester", content_dir=content_dir)
    session.commit()
    return item


def change_form(**fields: object) -> dict:
    """A valid request for the partner on disk; None leaves a field out."""
    data = {
        "partner": "stichting-oude-naam",
        "changes": ["samenvatting"],
        "new_summary": "Nieuwe samenvatting.",
        "contact_name": "Petra Privé",
        "contact_role": "Communicatie",
        "email": "petra@oud.example.nl",
        "privacy_consent": "y",
        "homepage_url": "",
    }
    data.update(fields)  # type: ignore[arg-type]
    return {key: value for key, value in data.items() if value is not None}


def post_change(client: FlaskClient, tokens: dict | None = None, /, **fields: object) -> TestResponse:
    """POST the change form as a browser does (multipart), with fresh tokens unless given."""
    data = {**change_form(**fields), **(form_tokens(client, CHANGE_FORM) if tokens is None else tokens)}
    if isinstance(data.get("logo"), bytes):
        data["logo"] = (io.BytesIO(data["logo"]), "nieuw-logo.png")
    return client.post(CHANGE_FORM, data=data, content_type="multipart/form-data")


# --- the admin -------------------------------------------------------------------------------

USERNAME = "reviewer.anna"
PASSWORD = "een lange zin als wachtwoord"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(html)
    assert match, "no csrf_token on the page"
    return match.group(1)


def add_user(app: Flask, username: str = USERNAME, password: str = PASSWORD) -> None:
    """Create a reviewer through the real create_user."""
    with app.app_context(), db_session(app) as session:
        create_user(session, username, password)


def login(
    client: FlaskClient,
    username: str = USERNAME,
    password: str = PASSWORD,
    next_url: str | None = None,
    **kwargs: object,
) -> TestResponse:
    """Log in through the real form: read its CSRF token, then post."""
    page = client.get("/beheer/inloggen", **kwargs)
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/beheer/inloggen", data=data, **kwargs)


def post_form(client: FlaskClient, page_url: str, action: str, data: dict) -> TestResponse:
    """Post `data` to `action` with the CSRF token of `page_url`, as a browser would."""
    token = csrf_from(client.get(page_url).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})


def concrete(rule: object) -> str:
    """A URL for a URL-map rule with sample values: 1 for a number, the first choice of an any(), else a slug."""
    url = str(rule)
    url = re.sub(r"<int:[^>]+>", "1", url)
    url = re.sub(r"<any\(([a-z]+)[^>]*\):[^>]+>", r"\1", url)
    return re.sub(r"<(?:string:)?[a-z_]+>", "stichting-oude-naam", url)


def step(client: FlaskClient, item_id: int, target: str, **data: str) -> TestResponse:
    """Confirm a step on its own page as a reviewer does: the page's token and message, then `data` on top."""
    page = client.get(f"/beheer/{item_id}/stap/{target}")
    # A step the procedure refuses redirects to the detail page: post with that page's token.
    html = (client.get(f"/beheer/{item_id}") if page.status_code == 303 else page).get_data(as_text=True)
    form = {"csrf_token": csrf_from(html), "send": "ja", "note": ""}
    subject = re.search(r'id="subject" name="subject" type="text" value="([^"]*)"', html)
    body = re.search(r'<textarea id="body" name="body"[^>]*>(.*?)</textarea>', html, re.DOTALL)
    if subject and body:
        form.update(subject=unescape(subject.group(1)), body=unescape(body.group(1)))
    form.update(data)
    return client.post(f"/beheer/{item_id}/stap/{target}", data=form)


#: A submission row as schema 0002 holds it (the columns every later migration must keep), for upgrade tests.
OLD_SUBMISSION = {
    "kind": "aanmelding",
    "state": "nieuw",
    "created_at": "2025-01-01 00:00:00+00:00",
    "updated_at": "2025-01-01 00:00:00+00:00",
    "fingerprint": "f1",
    "organisation_name": "Gemeente Oud",
    "organisation_type": "overheid",
    "website": "",
    "kvk_number": "",
    "city": "Utrecht",
    "contact_name": "Jan",
    "contact_role": "",
    "email": "jan@example.org",
    "phone": "",
    "offers_stop_support": False,
    "criteria": "[]",
    "criteria_hash": "h",
    "criteria_accepted_at": "2025-01-01 00:00:00+00:00",
    "company_acknowledged": False,
    "contributions": '["kennis"]',
    "contribution_text": "",
    "motivation": "",
    "privacy_consent_at": "2025-01-01 00:00:00+00:00",
    "suspect_reasons": "[]",
    "published_slug": "",
    "target_slug": "",
    "record_sha256": "",
}


def insert_old_submission(connection: Connection, **values: Any) -> None:
    """Insert one submission with schema 0002's columns (`values` over OLD_SUBMISSION), as an old database had it."""
    row = {**OLD_SUBMISSION, **values}
    names = ", ".join(row)
    connection.execute(text(f"INSERT INTO submissions ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)
