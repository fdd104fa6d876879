"""The review queue admin: every route protected, list/filter/search, detail, state changes, logo, publish."""

from __future__ import annotations

import re
import types

import pytest
from sqlalchemy import select

from formhandler import queue
from formhandler.models import Event
from tests.admin_fixtures import (  # noqa: F401  (fixtures)
    USERNAME,
    add_item,
    add_user,
    admin_client,
    csrf_from,
    db_session,
    login,
    make_app,
    png_logo,
    post_form,
    reviewer,
)

LOGIN_PAGE = "auth.login"


def admin_rules(app):
    """Every route of the admin and auth blueprints, read from the URL map so none can escape."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in ("admin", "auth")]
    assert len(rules) >= 8
    return rules


def concrete(rule) -> str:
    """A URL for `rule` with sample values for its arguments."""
    url = rule.rule
    url = re.sub(r"<int:[^>]+>", "1", url)
    return re.sub(r"<any\(([a-z]+)[^>]*\):[^>]+>", r"\1", url)


def test_every_route_needs_a_session(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)  # so the session check, not CSRF, is what answers
    add_item(app)
    client = app.test_client()
    for rule in admin_rules(app):
        if rule.endpoint == LOGIN_PAGE:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(concrete(rule), method=method)
        assert response.status_code in (302, 303, 401, 403), rule.rule
        if response.status_code in (302, 303):
            assert response.headers["Location"].startswith("/beheer/inloggen"), rule.rule


def test_every_post_route_refuses_get_and_needs_csrf(app, admin_client):
    add_item(app)
    for rule in admin_rules(app):
        if "POST" not in rule.methods:
            continue
        url = concrete(rule)
        if "GET" not in rule.methods:
            assert admin_client.get(url).status_code == 405, rule.rule
        for token in (None, "vervalst"):
            data = {"note": "x", "target": "in_behandeling"} | ({"csrf_token": token} if token else {})
            response = admin_client.post(url, data=data)
            assert response.status_code == 400, rule.rule
    assert admin_client.get("/beheer/1").status_code == 200  # still logged in: the refusals changed nothing
    with db_session(app) as session:
        assert queue.get(session, 1).state == "nieuw"


def test_admin_pages_are_noindex(app, admin_client):
    item_id = add_item(app)
    for url in ("/beheer/", f"/beheer/{item_id}", "/beheer/inloggen"):
        assert "noindex" in admin_client.get(url).headers["X-Robots-Tag"]


@pytest.fixture
def three_items(app):
    """Three items of different states, types and places."""
    return dict(
        frisse=add_item(app),
        gemeente=add_item(
            app,
            organisation_name="Gemeente Rookloos",
            organisation_type="overheid",
            city="Zwolle",
            email="info@rookloos.example.nl",
            state="in_behandeling",
        ),
        tabakvrij=add_item(
            app,
            organisation_name="Tabakvrij BV",
            organisation_type="bedrijf",
            city="Breda",
            email="hallo@tabakvrij.example.com",
            company_acknowledged=True,
            state="spam",
        ),
    )


@pytest.mark.parametrize(
    "query, shown",
    [
        ("", ["Stichting Frisse Lucht", "Gemeente Rookloos", "Tabakvrij BV"]),
        ("?state=in_behandeling", ["Gemeente Rookloos"]),
        ("?state=spam", ["Tabakvrij BV"]),
        ("?organisation_type=overheid", ["Gemeente Rookloos"]),
        ("?kind=aanmelding", ["Stichting Frisse Lucht", "Gemeente Rookloos", "Tabakvrij BV"]),
        ("?q=rookloos", ["Gemeente Rookloos"]),
        ("?q=BREDA", ["Tabakvrij BV"]),
        ("?q=frisselucht.example", ["Stichting Frisse Lucht"]),
        ("?q=bestaat-niet", []),
        (
            "?state=onzin&organisation_type=onbekend&kind=onzin",
            ["Stichting Frisse Lucht", "Gemeente Rookloos", "Tabakvrij BV"],
        ),
    ],
)
def test_list_filter_and_search(admin_client, three_items, query, shown):
    response = admin_client.get("/beheer/" + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    names = re.findall(r'<th scope="row"><a href="/beheer/\d+">([^<]+)</a>', html)
    assert names == list(reversed(shown)) if query == "" else sorted(names) == sorted(shown)
    if not shown:
        assert "Geen aanmeldingen gevonden" in html


def test_list_counts_per_state(admin_client, three_items):
    html = admin_client.get("/beheer/").get_data(as_text=True)
    for label, number in (
        ("Nieuw", 1),
        ("In behandeling (contact opgenomen)", 1),
        ("Spam", 1),
        ("Overeenkomst getekend", 0),
    ):
        assert f"{label}: <strong>{number}</strong>" in html


def test_detail_shows_fields_criteria_and_history(app, admin_client):
    item_id = add_item(app, logo=png_logo(), suspect_reasons=["Veel links in de motivatie"])
    html = admin_client.get(f"/beheer/{item_id}").get_data(as_text=True)
    for text in (
        "Stichting Frisse Lucht",
        "jan@frisselucht.example.org",
        "Jan Jansen",
        "12345678",
        "Utrecht",
        "Wij onderschrijven de missie",
        "Veel links in de motivatie",
        "Ontvangen via het formulier",
        f'src="/beheer/{item_id}/logo"',
        'width="40" height="20"',
        "Naar: In behandeling",
    ):
        assert text in html, text
    assert "andere versie van de criteria" not in html
    assert "Naar: Gepubliceerd" not in html


def test_detail_flags_other_criteria_version(app, admin_client):
    item_id = add_item(app, criteria_hash="0" * 64)
    assert "andere versie van de criteria" in admin_client.get(f"/beheer/{item_id}").get_data(as_text=True)


def test_unknown_item_is_a_dutch_404(admin_client):
    for url in ("/beheer/999", "/beheer/999/logo", "/beheer/999/publicatie"):
        response = admin_client.get(url)
        assert response.status_code == 404 and "Pagina niet gevonden" in response.get_data(as_text=True)


def history(app, item_id):
    with db_session(app) as session:
        item = queue.get(session, item_id)
        return item.state, [(e.actor, e.from_state, e.to_state, e.note) for e in item.events]


@pytest.mark.parametrize(
    "start, target, note, moved, message",
    [
        (
            "nieuw",
            "in_behandeling",
            "Gebeld met Jan",
            True,
            "De status is nu &#39;In behandeling (contact opgenomen)&#39;.",
        ),
        ("in_behandeling", "stukken_verstuurd", "", True, "De status is nu &#39;Stukken verstuurd&#39;."),
        ("nieuw", "afgewezen", "Geen match", True, "De status is nu &#39;Afgewezen&#39;."),
        ("nieuw", "getekend", "", False, "kan het item niet naar"),
        ("getekend", "gepubliceerd", "", False, "Publiceren gaat via"),
        ("spam", "nieuw", "", False, "Het is afgesloten."),
        ("nieuw", "nieuw", "", False, "heeft al de status"),
        ("nieuw", "bestaat-niet", "", False, "Onbekende status"),
        ("nieuw", "in_behandeling", "x" * 4001, False, "De notitie is te lang"),
    ],
)
def test_state_change(app, admin_client, start, target, note, moved, message):
    item_id = add_item(app, state=start)
    before = history(app, item_id)
    response = post_form(
        admin_client, f"/beheer/{item_id}", f"/beheer/{item_id}/status", {"target": target, "note": note}
    )
    assert response.status_code == 303
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    state, events = history(app, item_id)
    if moved:
        assert state == target
        assert events[-1] == (USERNAME, start, target, note)
    else:
        assert (state, events) == before
        assert "De status is niet gewijzigd" in page or "Er is niets gewijzigd" in page


@pytest.mark.parametrize(
    "note, saved, message",
    [
        ("Mail gestuurd over de stukken", True, "De notitie is opgeslagen."),
        ("   ", False, "Schrijf eerst een notitie"),
    ],
)
def test_note_only(app, admin_client, note, saved, message):
    item_id = add_item(app)
    response = post_form(admin_client, f"/beheer/{item_id}", f"/beheer/{item_id}/notitie", {"note": note})
    assert message in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    state, events = history(app, item_id)
    assert state == "nieuw" and (events[-1] == (USERNAME, "nieuw", "nieuw", note)) is saved
    assert len(events) == (2 if saved else 1)


def test_history_shows_reviewer_and_note(app, admin_client):
    item_id = add_item(app)
    post_form(
        admin_client,
        f"/beheer/{item_id}",
        f"/beheer/{item_id}/status",
        {"target": "in_behandeling", "note": "Eerste contact <b>gelegd</b>"},
    )
    html = admin_client.get(f"/beheer/{item_id}").get_data(as_text=True)
    assert "Nieuw → In behandeling (contact opgenomen)" in html
    assert USERNAME in html and "Eerste contact &lt;b&gt;gelegd&lt;/b&gt;" in html


def test_logo_is_served_sandboxed(app, admin_client):
    logo = png_logo()
    item_id = add_item(app, logo=logo)
    response = admin_client.get(f"/beheer/{item_id}/logo")
    assert response.status_code == 200
    assert response.data == logo.data and response.mimetype == "image/png"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == f'inline; filename="logo-{item_id}.png"'


def test_item_without_logo_has_no_logo_route(app, admin_client):
    item_id = add_item(app)
    assert admin_client.get(f"/beheer/{item_id}/logo").status_code == 404
    assert "Er is geen logo meegestuurd." in admin_client.get(f"/beheer/{item_id}").get_data(as_text=True)


@pytest.fixture
def fake_publish(monkeypatch):
    """Stand-ins for the publish step (the real one is tested in test_publish.py); records what it was asked."""
    from formhandler import publish

    calls = []

    def render_publication(item):
        return types.SimpleNamespace(
            slug="frisse-lucht",
            record_text="Title: Stichting Frisse Lucht\n",
            logo_filename="logos/frisse-lucht.png",
            logo_bytes=item.logo.data if item.logo else b"",
        )

    def publish_item(session, item, *, content_dir, actor):
        if item.organisation_name.startswith("Fout"):
            raise ValueError("Er bestaat al een partner met de slug 'fout'.")
        calls.append((item.id, content_dir, actor))
        queue.change_state(session, item, "gepubliceerd", actor, publishing=True)
        session.commit()

    monkeypatch.setattr(publish, "render_publication", render_publication)
    monkeypatch.setattr(publish, "publish_item", publish_item)
    return calls


def test_publication_preview_and_downloads(app, admin_client, fake_publish):
    logo = png_logo()
    item_id = add_item(app, logo=logo, state="getekend")
    html = admin_client.get(f"/beheer/{item_id}/publicatie").get_data(as_text=True)
    assert "Title: Stichting Frisse Lucht" in html and "Nu publiceren" in html
    record = admin_client.get(f"/beheer/{item_id}/publicatie/record")
    assert record.data == b"Title: Stichting Frisse Lucht\n"
    assert record.headers["Content-Disposition"] == 'attachment; filename="frisse-lucht.md"'
    image = admin_client.get(f"/beheer/{item_id}/publicatie/logo")
    assert (
        image.data == logo.data
        and image.mimetype == "image/png"
        and "sandbox" in image.headers["Content-Security-Policy"]
    )


@pytest.mark.parametrize(
    "name, state, published, message",
    [
        ("Stichting Frisse Lucht", "getekend", True, "Het partnerrecord en het logo zijn geschreven."),
        ("Fout BV", "getekend", False, "Publiceren is niet gelukt. Er bestaat al een partner met de slug"),
        ("Stichting Frisse Lucht", "stukken_verstuurd", False, "Alleen een item met de status"),
    ],
)
def test_publish(app, admin_client, fake_publish, name, state, published, message):
    item_id = add_item(app, organisation_name=name, state=state)
    response = post_form(admin_client, f"/beheer/{item_id}", f"/beheer/{item_id}/publiceren", {})
    assert message in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert (history(app, item_id)[0] == "gepubliceerd") is published
    if published:
        assert fake_publish == [(item_id, app.config["CONTENT_DIR"], USERNAME)]


def test_events_record_the_logged_in_reviewer(app, reviewer):
    add_user(app, "tweede.reviewer")
    client = app.test_client()
    login(client, "tweede.reviewer")
    item_id = add_item(app)
    post_form(client, f"/beheer/{item_id}", f"/beheer/{item_id}/status", {"target": "spam", "note": ""})
    with db_session(app) as session:
        actors = session.scalars(select(Event.actor).where(Event.submission_id == item_id)).all()
    assert actors == ["systeem", "tweede.reviewer"]


@pytest.fixture
def live_admin(make_app):
    """The app with the theme's static files, served on a free loopback port, with one item and a reviewer."""
    import threading
    from pathlib import Path

    from werkzeug.middleware.shared_data import SharedDataMiddleware
    from werkzeug.serving import make_server

    app = make_app(SESSION_COOKIE_SECURE=False)  # plain http on loopback
    add_user(app)
    item_id = add_item(app, logo=png_logo(), suspect_reasons=["Veel links in de motivatie"])
    static = Path(__file__).resolve().parent.parent / "theme" / "static"
    server = make_server("127.0.0.1", 0, SharedDataMiddleware(app.wsgi_app, {"/theme": str(static)}), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", item_id
    server.shutdown()


def test_admin_pages_have_no_axe_violations(live_admin, page):
    from tests.browser import axe_violations, describe, screenshot

    base, item_id = live_admin
    page.goto(base + "/beheer/inloggen")
    page.fill("#username", "niemand")
    page.fill("#password", "verkeerd wachtwoord")
    page.click("button[type=submit]")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    pages = {"login met fout": page.url}
    violations = {name: axe_violations(page) for name in pages}
    page.fill("#username", USERNAME)
    page.fill("#password", "een lange zin als wachtwoord")
    page.click("button[type=submit]")
    assert page.url == base + "/beheer/"
    for name, path in (
        ("lijst", "/beheer/"),
        ("detail", f"/beheer/{item_id}"),
        ("publicatie", f"/beheer/{item_id}/publicatie"),
    ):
        page.goto(base + path)
        violations[name] = axe_violations(page)
    page.goto(base + f"/beheer/{item_id}")
    screenshot(page, "admin-detail")
    assert page.evaluate("document.querySelector('img.admin-logo').naturalWidth") == 40
    assert not any(violations.values()), {k: describe(v) for k, v in violations.items() if v}
