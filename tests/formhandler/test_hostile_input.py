"""Property-based hostile input: generated submissions at the form and the admin never give a 5xx,
always get a Dutch answer, and never store anything invalid.

Runs on SQLite with the full example count and on PostgreSQL with a smaller one: PostgreSQL is
where NUL bytes and over-long values fail for real, SQLite is where the volume is cheap.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from formhandler import create_app
from formhandler.apply.form import ORGANISATION_TYPES
from formhandler.models import LIMITS, Event, Submission
from formhandler.states import STATES
from formhandler.web.errors import MESSAGES
from partners.criteria import CRITERIA
from partners.schema import CONTRIBUTIONS
from tests.formhandler.helpers import SECRET, add_item, add_user, csrf_from, db_session, form_tokens, login, valid_form

# Examples per test and backend: about 1,150 requests by default, most of them on SQLite, where they are cheap;
# HOSTILE_EXAMPLES_SCALE=10 runs ten times as many (a nightly or pre-release run).
SCALE = float(os.environ.get("HOSTILE_EXAMPLES_SCALE", "1"))
EXAMPLES = {
    backend: {test: max(1, int(n * SCALE)) for test, n in counts.items()}
    for backend, counts in {
        "sqlite": {"fields": 400, "raw": 300, "admin": 250},
        "postgres": {"fields": 80, "raw": 60, "admin": 60},
    }.items()
}
FORM_FIELDS = [*valid_form(), "logo", "company_acknowledgement", "started", "csrf_token"]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MULTILINE = ("contribution_text", "motivation")
ERROR_TITLES = {code: title for code, (title, _) in MESSAGES.items()}
FORM_ANSWERS = ("fout in het formulier", "fouten in het formulier", "Uw aanmelding is nog niet verstuurd")

# Text people and bots send: control characters, NUL, bidi marks, emoji, other scripts.
nasty_chars = st.sampled_from(
    [
        "\x00",
        "\x01",
        "\x1b",
        "\x7f",
        "\r",
        "\n",
        "\t",
        "\u202e",
        "\u200f",
        "\u200b",
        "\ufeff",
        "😀",
        "🏳️‍🌈",
        "ß",
        "Ω",
        "中",
        "ع",
        "й",
        "<",
        ">",
        "&",
        "'",
        '"',
        "\\",
        "%",
        "{{",
        "Save_as:",
        "[x](javascript:alert(1))",
        "<script>",
    ]
)
hostile_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(nasty_chars, st.text(max_size=8)), max_size=25).map("".join),
    st.integers(1, 100).map(lambda n: "x" * (n * 1024)),  # up to 100 kB
    st.sampled_from(["", " ", "ja", "nee", "y", "bedrijf", "overheid", "12345678", "a@b.nl", "https://x.nl"]),
)
field_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=4))  # duplicated fields


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, tmp_path_factory):
    """(name, app) on a module-wide database: hypothesis runs many examples against one app."""
    tmp = tmp_path_factory.mktemp("hostile")
    if request.param == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp / "queue.sqlite3")
        url = f"sqlite:///{tmp / 'queue.sqlite3'}"
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.new_database(template=request.getfixturevalue("postgres_template"))
    (tmp / "site").mkdir()
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "DATABASE_URL": url,
            "AUTO_UPGRADE": False,
            "PASSWORD_HASH_PROFILE": "CHEAPEST",
            "MIN_FILL_SECONDS": 0,
            "RATELIMIT_ENABLED": False,
            "CONTENT_DIR": str(tmp / "content"),
            "SITE_DIR": str(tmp / "site"),
            "MAIL_BACKEND": "log",
        }
    )
    yield request.param, application
    application.extensions["formhandler.engine"].dispose()


def count(app, model) -> int:
    with db_session(app) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def assert_valid_row(item: Submission) -> None:
    """What the form promises about every stored submission."""
    for name, limit in LIMITS.items():
        value = getattr(item, name)
        assert len(value) <= limit, name
        allowed = CONTROL if name in MULTILINE else re.compile(CONTROL.pattern[:-1] + r"\r\n]")
        assert not allowed.search(value), (name, value)
    assert item.organisation_type in {choice.value for choice in ORGANISATION_TYPES}
    assert set(item.criteria) <= set(CRITERIA) and item.contributions
    assert set(item.contributions) <= set(CONTRIBUTIONS)
    assert "@" in item.email and item.website.startswith(("http://", "https://"))
    assert item.state in ("nieuw", "spam")


def assert_dutch_answer(response) -> None:
    """A 303 to the thanks page, the form with a Dutch message, or a Dutch error page."""
    assert response.status_code < 500, response.status_code
    html = response.get_data(as_text=True)
    if response.status_code == 303:
        assert response.headers["Location"].endswith("/aanmelden/bedankt/")
    elif response.status_code == 200:
        assert any(text in html for text in FORM_ANSWERS), html[:300]
    else:
        assert response.status_code in (400, 413), response.status_code
        assert f"<h1>{ERROR_TITLES[response.status_code]}</h1>" in html


def check_stored(app, before: int) -> None:
    """At most one new row per request, and every row valid."""
    with db_session(app) as session:
        items = list(session.scalars(select(Submission)))
    assert len(items) <= before + 1
    for item in items:
        assert_valid_row(item)


def test_generated_form_submissions(backend):
    name, app = backend
    client = app.test_client()
    tokens = form_tokens(client)

    @settings(
        max_examples=EXAMPLES[name]["fields"],
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        changes=st.dictionaries(st.sampled_from(FORM_FIELDS), field_value, max_size=6),
        removed=st.sets(st.sampled_from(FORM_FIELDS), max_size=4),
        unknown=st.dictionaries(st.text(min_size=1, max_size=20), hostile_text, max_size=3),
        multipart=st.booleans(),
    )
    def run(changes, removed, unknown, multipart):
        data = MultiDict({**valid_form(), **tokens})
        for key in removed:
            data.poplist(key)
        for key, value in {**unknown, **changes}.items():
            data.setlist(key, value if isinstance(value, list) else [value])
        before = count(app, Submission)
        response = client.post("/aanmelden/", data=data, content_type="multipart/form-data" if multipart else None)
        assert_dutch_answer(response)
        check_stored(app, before)

    run()


def multipart_body(parts: Sequence[tuple[str, str | None, bytes]], boundary: str) -> bytes:
    """A multipart body from (name, filename, content) parts; names and file names are raw."""
    out = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode("utf-8", "surrogatepass")
        out += content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


part = st.tuples(
    st.one_of(st.sampled_from(FORM_FIELDS), st.text(max_size=15)),
    st.one_of(st.none(), st.sampled_from(["../../etc/passwd", "..\\x.png", "logo.png", "a\x00.svg"])),
    st.one_of(st.binary(max_size=200), hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass"))),
)
content_type = st.sampled_from(
    [
        "multipart/form-data; boundary=XyZ",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/mixed; boundary=XyZ",
        "application/x-www-form-urlencoded",
        "application/json",
        "text/plain",
        "application/octet-stream",
        "text/html; charset=utf-7",
        "",
        "multipart/form-data; boundary=XyZ; charset=latin1",
    ]
)


def test_malformed_bodies_and_content_types(backend):
    name, app = backend
    client = app.test_client()
    tokens = form_tokens(client)

    @settings(
        max_examples=EXAMPLES[name]["raw"],
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        parts=st.lists(part, max_size=8),
        extra_parts=st.sampled_from([0, 0, 0, 150, 250]),
        with_tokens=st.booleans(),
        kind=content_type,
        truncate=st.integers(0, 40),
        raw=st.binary(max_size=300),
        use_raw=st.booleans(),
    )
    def run(parts, extra_parts, with_tokens, kind, truncate, raw, use_raw):
        if with_tokens:
            parts = [(key, None, value.encode()) for key, value in tokens.items()] + parts
        parts += [(f"extra{i}", None, b"x") for i in range(extra_parts)]  # huge numbers of parts
        body = raw if use_raw else multipart_body(parts, "XyZ")
        body = body[: len(body) - truncate] if truncate else body
        before = count(app, Submission)
        response = client.post("/aanmelden/", data=body, content_type=kind or None)
        assert_dutch_answer(response)
        check_stored(app, before)

    run()


def test_over_max_form_parts_is_413(backend):
    _name, app = backend
    client = app.test_client()
    parts = [(key, None, value.encode()) for key, value in form_tokens(client).items()]
    parts += [("criteria", None, b"missie")] * (app.config["MAX_FORM_PARTS"] + 1)
    response = client.post(
        "/aanmelden/", data=multipart_body(parts, "XyZ"), content_type="multipart/form-data; boundary=XyZ"
    )
    assert response.status_code == 413 and "<h1>Te groot</h1>" in response.get_data(as_text=True)


@pytest.fixture(scope="module")
def admin(backend):
    """A logged-in client and one queue item in the module's app."""
    name, app = backend
    add_user(app)
    client = app.test_client()
    assert login(client).status_code == 302
    with db_session(app) as session:
        return name, app, client, add_item(session).id


def test_generated_admin_posts(admin):
    name, app, client, item_id = admin
    token = csrf_from(client.get(f"/beheer/{item_id}").get_data(as_text=True))
    routes = [
        f"/beheer/{item_id}/stap/in_behandeling",
        f"/beheer/{item_id}/stap/afgewezen",
        f"/beheer/{item_id}/stap/gepubliceerd",
        f"/beheer/{item_id}/notitie",
        "/beheer/999999/stap/spam",
        "/beheer/uitloggen-niet",
    ]
    targets = st.one_of(st.sampled_from(list(STATES)), hostile_text)

    @settings(
        max_examples=EXAMPLES[name]["admin"],
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        route=st.sampled_from(routes),
        note=field_value,
        target=st.one_of(targets, st.lists(targets, max_size=3)),
        csrf=st.sampled_from(["valid", "valid", "valid", "missing", "forged"]),
        unknown=st.dictionaries(st.text(min_size=1, max_size=10), hostile_text, max_size=2),
    )
    def run(route, note, target, csrf, unknown):
        data = MultiDict(unknown)
        data.setlist("note", note if isinstance(note, list) else [note])
        data.setlist("target", target if isinstance(target, list) else [target])
        # The step page's message fields take the same hostile text as the note.
        for name in ("subject", "body", "send"):
            data.setlist(name, note if isinstance(note, list) else [note])
        if csrf != "missing":
            data["csrf_token"] = token if csrf == "valid" else "vervalst"
        events_before = count(app, Event)
        response = client.post(route, data=data)
        assert response.status_code < 500, response.status_code
        # 200: the step page shown again with a Dutch reason (a message too long, an empty subject).
        assert response.status_code in (200, 303, 400, 404, 405, 413), response.status_code
        if response.status_code == 200:
            assert "Deze stap is niet gezet" in response.get_data(as_text=True)
        if response.status_code >= 400:
            assert f"<h1>{ERROR_TITLES[response.status_code]}</h1>" in response.get_data(as_text=True)
            assert count(app, Event) == events_before  # a refused request changes nothing
        with db_session(app) as session:
            item = session.get(Submission, item_id)
            assert item.state in STATES
            for event in item.events:
                assert "\x00" not in event.note and len(event.note) <= 4000

    run()
    assert client.get(f"/beheer/{item_id}").status_code == 200  # still logged in and working
