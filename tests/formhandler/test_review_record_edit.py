"""Editing an application's record before it is published: defaults, errors at the field, history, the result."""

from __future__ import annotations

import re
from html import unescape

import pytest

from formhandler import queue
from tests.formhandler.helpers import USERNAME, add_change, add_item, csrf_from, db_session, step

RECORD_FORM = {
    "title": "Stichting Gezonde Wijk",
    "partner_type": "maatschappelijke-organisatie",
    "website": "https://www.gezondewijk.example.nl",
    "summary": "",
    "sector": "",
    "contributions": ["kennis", "netwerk"],
}


def post_record(client, item_id: int, **changes: object):
    """Open the record form of `item_id`, then send it with `changes` (the description as it opened, unless given)."""
    html = client.get(f"/beheer/{item_id}/record").get_data(as_text=True)
    found = re.search(r'<textarea[^>]*name="description"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, "the form has the description"
    description = unescape(found.group(1)).strip()
    data = {"csrf_token": csrf_from(html), **RECORD_FORM, "description": description, **changes}
    return client.post(f"/beheer/{item_id}/record", data=data)


def history_notes(app, item_id: int) -> list[str]:
    with db_session(app) as session:
        return [event.note for event in queue.get(session, item_id).events]


def test_the_form_starts_with_what_the_applicant_gave_and_the_generated_sentence(admin_client, session):
    item = add_item(session, "getekend", "svg")
    html = admin_client.get(f"/beheer/{item.id}/record").get_data(as_text=True)
    assert 'value="Stichting Gezonde Wijk"' in html and 'value="https://www.gezondewijk.example.nl"' in html
    assert re.search(r'<input checked id="partner_type-\d"[^>]*value="maatschappelijke-organisatie">', html)
    assert re.search(r'<input checked id="contributions-\d"[^>]*value="kennis">', html)
    assert "Stichting Gezonde Wijk is partner van de Alliantie Nederland Rookvrij! sinds" in html
    assert "jan.geheim@example.org" not in html  # the contact person has no place in the record form


def test_edits_go_into_the_preview_the_history_and_the_published_record(app, admin_client, session, content_dir):
    item = add_item(session, "getekend", "svg")
    response = post_record(
        admin_client,
        item.id,
        summary="Gezonde wijken in heel Utrecht.",
        sector="zorg",
        description="Stichting Gezonde Wijk werkt aan rookvrije speelplekken.\n\nSamen met de gemeente.",
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/beheer/{item.id}/publicatie"
    preview = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Summary: Gezonde wijken in heel Utrecht.\nSector: zorg" in preview
    assert "Uw wijzigingen in het partnerrecord zijn bewaard." in preview
    assert history_notes(app, item.id)[-1] == "Record bewerkt voor publicatie: samenvatting, sector, beschrijving."
    assert step(admin_client, item.id, "gepubliceerd").status_code == 303
    text = (content_dir / "partners" / "stichting-gezonde-wijk.md").read_text(encoding="utf-8")
    assert "Summary: Gezonde wijken in heel Utrecht.\nSector: zorg\n" in text
    assert text.endswith("\n\nStichting Gezonde Wijk werkt aan rookvrije speelplekken.\n\nSamen met de gemeente.\n")


def test_a_new_title_gives_the_slug_and_the_sentence_unless_the_description_was_edited(
    admin_client, session, content_dir
):
    item = add_item(session, "getekend", "svg")
    post_record(admin_client, item.id, title="Gezonde Wijk Utrecht")
    preview = admin_client.get(f"/beheer/{item.id}/publicatie").get_data(as_text=True)
    assert "partners/gezonde-wijk-utrecht.md" in preview and "Slug: gezonde-wijk-utrecht" in preview
    assert "\n\nGezonde Wijk Utrecht is partner van de Alliantie Nederland Rookvrij! sinds" in preview


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"title": ""}, "title", "Vul de naam van de organisatie in."),
        ({"summary": "regel een\nregel twee"}, "summary", "De korte omschrijving moet op één regel staan."),
        ({"sector": "s" * 61}, "sector", "De sector mag hoogstens 60 tekens lang zijn (nu 61)."),
        (
            {"website": "https://jan:geheim@gezondewijk.example.nl"},
            "website",
            "Het webadres mag geen gebruikersnaam of wachtwoord bevatten.",
        ),
        (
            {"contributions": ["kennis", "omkoping"]},
            "contributions",
            "&#39;omkoping&#39; is een ongeldige keuze voor dit veld.",
        ),
        ({"description": "Met een onzichtbaar teken \x07."}, "description", "Dit veld bevat onzichtbare tekens"),
    ],
)
def test_a_bad_value_is_refused_at_its_field_and_nothing_is_saved(app, admin_client, session, changes, field, message):
    item = add_item(session, "getekend", "svg")
    response = post_record(admin_client, item.id, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"><span class="visually-hidden">Fout: </span>{message}' in html
    with db_session(app) as fresh:
        assert queue.get(fresh, item.id).record_edits is None
    assert len(history_notes(app, item.id)) == 4  # received and three steps: no note of an edit


def test_back_to_the_applicants_data(app, admin_client, session):
    item = add_item(session, "getekend", "svg")
    post_record(admin_client, item.id, summary="Tijdelijk.")
    html = admin_client.get(f"/beheer/{item.id}/record").get_data(as_text=True)
    response = admin_client.post(
        f"/beheer/{item.id}/record", data={"csrf_token": csrf_from(html), "action": "terugzetten"}
    )
    assert response.status_code == 303
    assert "Summary:" not in admin_client.get(f"/beheer/{item.id}/publicatie").get_data(as_text=True)
    assert history_notes(app, item.id)[-1] == "Record teruggezet naar de gegevens van de aanvrager."
    assert USERNAME in [e.actor for e in queue.get(db_session(app), item.id).events]


def test_only_an_open_application_has_a_record_to_edit(admin_client, session, partners_on_disk):
    published = add_item(session, "gepubliceerd", "svg")
    change = add_change(session, partners_on_disk, "samenvatting")
    for item in (published, change):
        assert admin_client.get(f"/beheer/{item.id}/record").status_code == 404


def test_the_order_in_which_a_browser_sends_the_contributions_changes_nothing(app, admin_client, session):
    item = add_item(session, "getekend", "svg")  # the applicant chose kennis, then netwerk
    post_record(admin_client, item.id, contributions=["netwerk", "kennis"], summary="Alleen dit.")
    assert history_notes(app, item.id)[-1] == "Record bewerkt voor publicatie: samenvatting."
    with db_session(app) as fresh:
        assert queue.get(fresh, item.id).record_edits == {"Summary": "Alleen dit."}
