"""The admin at /beheer/: every route protected, list/filter/search, detail, state changes, notes, logo, publishing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from formhandler import queue
from formhandler.models import Event
from tests.formhandler.helpers import (
    CONTACT,
    USERNAME,
    add_item,
    add_user,
    concrete,
    db_session,
    login,
    logo_of,
    post_form,
    step,
)

LOGIN_PAGE = "auth.login"


def admin_rules(app):
    """Every route of the admin and auth blueprints, read from the URL map so none can escape."""
    # By path, not by blueprint: a route under /beheer/ from any blueprint is walked.
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/beheer")]
    assert len(rules) >= 16
    return rules


@pytest.mark.parametrize("development", [False, True], ids=["production", "development"])
def test_every_route_needs_a_session(make_app, session, development):
    # Development adds routes of its own (the outbox page): they are walked too.
    app = make_app(WTF_CSRF_ENABLED=False, DEVELOPMENT=development)  # so the session check, not CSRF, answers
    add_item(session)
    client = app.test_client()
    for rule in admin_rules(app):
        if rule.endpoint == LOGIN_PAGE:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(concrete(rule), method=method)
        assert response.status_code in (302, 303, 401, 403), rule.rule
        if response.status_code in (302, 303):
            assert response.headers["Location"].startswith("/beheer/inloggen"), rule.rule


def test_every_post_route_refuses_get_and_needs_csrf(app, admin_client, session):
    add_item(session)
    shown = {r.rule for r in admin_rules(app) if "GET" in r.methods}  # a page and its form's action may share a URL
    for rule in admin_rules(app):
        if "POST" not in rule.methods:
            continue
        url = concrete(rule)
        if rule.rule not in shown:
            assert admin_client.get(url).status_code == 405, rule.rule
        for token in (None, "vervalst"):
            data = {"note": "x", "target": "in_behandeling"} | ({"csrf_token": token} if token else {})
            response = admin_client.post(url, data=data)
            assert response.status_code == 400, rule.rule
    assert admin_client.get("/beheer/1").status_code == 200  # still logged in: the refusals changed nothing
    with db_session(app) as session:
        assert queue.get(session, 1).state == "nieuw"


def test_admin_pages_are_noindex(admin_client, session):
    item_id = add_item(session).id
    for url in ("/beheer/", f"/beheer/{item_id}", "/beheer/inloggen"):
        assert "noindex" in admin_client.get(url).headers["X-Robots-Tag"]


@pytest.fixture
def three_items(session):
    """Three items of different states, types and places."""
    return dict(
        gezond=add_item(session),
        gemeente=add_item(
            session,
            organisation_name="Gemeente Rookloos",
            organisation_type="overheid",
            city="Zwolle",
            email="info@rookloos.example.nl",
            state="in_behandeling",
        ),
        tabakvrij=add_item(
            session,
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
        ("", ["Stichting Gezonde Wijk", "Gemeente Rookloos", "Tabakvrij BV"]),
        ("?state=in_behandeling", ["Gemeente Rookloos"]),
        ("?state=spam", ["Tabakvrij BV"]),
        ("?organisation_type=overheid", ["Gemeente Rookloos"]),
        ("?kind=aanmelding", ["Stichting Gezonde Wijk", "Gemeente Rookloos", "Tabakvrij BV"]),
        ("?q=rookloos", ["Gemeente Rookloos"]),
        ("?q=BREDA", ["Tabakvrij BV"]),
        ("?q=jan.geheim@", ["Stichting Gezonde Wijk"]),
        ("?q=bestaat-niet", []),
        (
            "?state=onzin&organisation_type=onbekend&kind=onzin",
            ["Stichting Gezonde Wijk", "Gemeente Rookloos", "Tabakvrij BV"],
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


def test_detail_shows_fields_criteria_and_history(admin_client, session):
    item_id = add_item(session, logo="png", suspect_reasons=["Veel links in de motivatie"]).id
    html = admin_client.get(f"/beheer/{item_id}").get_data(as_text=True)
    for text in (
        "Stichting Gezonde Wijk",
        CONTACT["email"],
        CONTACT["contact_name"],
        "12345678",
        "<dt>Telefoon</dt><dd>030 123 4567</dd>",  # national format, not E.164
        "Utrecht",
        "Wij onderschrijven de missie",
        "Veel links in de motivatie",
        "Ontvangen via het formulier",
        f'src="/beheer/{item_id}/logo"',
        'width="40" height="20"',
        f'href="/beheer/{item_id}/stap/in_behandeling" class="button">In behandeling nemen</a>',
    ):
        assert text in html, text
    assert "andere versie van de criteria" not in html
    assert "/stap/gepubliceerd" not in html  # publishing is offered only from 'getekend'


def test_detail_flags_other_criteria_version(admin_client, session):
    item_id = add_item(session, criteria_hash="0" * 64).id
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
        ("nieuw", "in_behandeling", "Gebeld met Jan", True, "De status is nu ‘In behandeling (contact opgenomen)’."),
        ("in_behandeling", "stukken_verstuurd", "", True, "De status is nu ‘Stukken verstuurd’."),
        ("nieuw", "afgewezen", "Geen match", True, "De status is nu ‘Afgewezen’."),
        ("nieuw", "getekend", "", False, "Van ‘Nieuw’ kan het item niet naar ‘Overeenkomst getekend’."),
        (
            "stukken_verstuurd",
            "gepubliceerd",
            "",
            False,
            "Van ‘Stukken verstuurd’ kan het item niet naar ‘Gepubliceerd’.",
        ),
        ("spam", "nieuw", "", False, "Van ‘Spam’ kan het item niet naar ‘Nieuw’."),
        ("nieuw", "nieuw", "", False, "Van ‘Nieuw’ kan het item niet naar ‘Nieuw’."),
        ("nieuw", "in_behandeling", "x" * 4001, False, "De toelichting is te lang: hoogstens 4000 tekens."),
    ],
)
def test_state_change(app, admin_client, session, start, target, note, moved, message):
    item_id = add_item(session, state=start).id
    before = history(app, item_id)
    response = step(admin_client, item_id, target, note=note, send="nee")
    page = admin_client.get(response.headers["Location"]) if response.status_code == 303 else response
    assert message in page.get_data(as_text=True)
    state, events = history(app, item_id)
    if moved:
        assert state == target
        assert events[-1] == (USERNAME, start, target, note)
    else:
        assert (state, events) == before


def test_an_unknown_state_has_no_step_page(admin_client, session):
    item_id = add_item(session).id
    assert admin_client.get(f"/beheer/{item_id}/stap/bestaat-niet").status_code == 404


@pytest.mark.parametrize(
    "note, saved, message",
    [
        ("Mail gestuurd over de stukken", True, "De notitie is opgeslagen."),
        ("   ", False, "Schrijf eerst een notitie"),
    ],
)
def test_note_only(app, admin_client, session, note, saved, message):
    item_id = add_item(session).id
    response = post_form(admin_client, f"/beheer/{item_id}", f"/beheer/{item_id}/notitie", {"note": note})
    assert message in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    state, events = history(app, item_id)
    assert state == "nieuw" and (events[-1] == (USERNAME, "nieuw", "nieuw", note)) is saved
    assert len(events) == (2 if saved else 1)


def test_history_shows_reviewer_and_note(admin_client, session):
    item_id = add_item(session).id
    step(admin_client, item_id, "in_behandeling", note="Eerste contact <b>gelegd</b>", send="nee")
    html = admin_client.get(f"/beheer/{item_id}").get_data(as_text=True)
    assert "Nieuw → In behandeling (contact opgenomen)" in html
    assert USERNAME in html and "Eerste contact &lt;b&gt;gelegd&lt;/b&gt;" in html


def test_logo_is_served_sandboxed(admin_client, session):
    logo = logo_of("png")
    item_id = add_item(session, logo="png").id
    response = admin_client.get(f"/beheer/{item_id}/logo")
    assert response.status_code == 200
    assert response.data == logo.data and response.mimetype == "image/png"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == f'inline; filename="logo-{item_id}.png"'


def test_item_without_logo_has_no_logo_route(admin_client, session):
    item_id = add_item(session).id
    assert admin_client.get(f"/beheer/{item_id}/logo").status_code == 404
    assert "Er is geen logo meegestuurd." in admin_client.get(f"/beheer/{item_id}").get_data(as_text=True)


def test_publication_preview_and_downloads(admin_client, session):
    logo = logo_of("png")
    item_id = add_item(session, state="getekend", logo="png").id
    html = admin_client.get(f"/beheer/{item_id}/publicatie").get_data(as_text=True)
    assert "Title: Stichting Gezonde Wijk" in html and f'href="/beheer/{item_id}/stap/gepubliceerd"' in html
    record = admin_client.get(f"/beheer/{item_id}/publicatie/record")
    assert record.data.startswith(b"Title: Stichting Gezonde Wijk\nSlug: stichting-gezonde-wijk\n")
    assert record.headers["Content-Disposition"] == 'attachment; filename="stichting-gezonde-wijk.md"'
    image = admin_client.get(f"/beheer/{item_id}/publicatie/logo")
    assert image.data == logo.data and image.mimetype == "image/png"
    assert "sandbox" in image.headers["Content-Security-Policy"]
    assert image.headers["Content-Disposition"] == 'attachment; filename="stichting-gezonde-wijk.png"'


@pytest.mark.parametrize(
    "state, editor_wrote_it, published, message",
    [
        (
            "getekend",
            False,
            True,
            "het partnerrecord en het logo zijn geschreven in de contentmap. Vergeet niet te committen.",
        ),
        ("getekend", True, False, "stichting-gezonde-wijk.md bestaat al. Publiceren overschrijft nooit bestaand werk"),
        ("stukken_verstuurd", False, False, "Van ‘Stukken verstuurd’ kan het item niet naar ‘Gepubliceerd’."),
    ],
)
def test_publish(app, admin_client, session, content_dir, state, editor_wrote_it, published, message):
    record = content_dir / "partners" / "stichting-gezonde-wijk.md"
    if editor_wrote_it:
        record.write_text("Werk van de redacteur.\n", encoding="utf-8")
    item_id = add_item(session, state=state, logo="svg").id
    response = step(admin_client, item_id, "gepubliceerd", send="nee")
    page = admin_client.get(response.headers["Location"]) if response.status_code == 303 else response
    assert message in page.get_data(as_text=True)
    assert (history(app, item_id)[0] == "gepubliceerd") is published
    assert (content_dir / "logos" / "stichting-gezonde-wijk.svg").exists() is published
    if published:
        assert "Title: Stichting Gezonde Wijk" in record.read_text(encoding="utf-8")
        assert history(app, item_id)[1][-1][:3] == (USERNAME, "getekend", "gepubliceerd")
    elif editor_wrote_it:
        assert record.read_text(encoding="utf-8") == "Werk van de redacteur.\n"


def test_events_record_the_logged_in_reviewer(app, reviewer, session):
    add_user(app, "tweede.reviewer")
    client = app.test_client()
    login(client, "tweede.reviewer")
    item_id = add_item(session).id
    step(client, item_id, "spam")
    with db_session(app) as session:
        actors = session.scalars(select(Event.actor).where(Event.submission_id == item_id)).all()
    assert actors == ["systeem", "tweede.reviewer"]
