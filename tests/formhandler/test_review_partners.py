"""The bureau's partners in the admin: the list, one partner with its history, and editing it without git."""

from __future__ import annotations

import io
import re

import pytest

from formhandler.models import PartnerEdit
from partners.render import render_record
from tests.formhandler.helpers import (
    PARTNER,
    PARTNER_BODY,
    PARTNER_SVG,
    USERNAME,
    add_change,
    add_user,
    csrf_from,
    db_session,
    login,
    raster,
    rows,
)
from tests.site_repository import commit_files, editor_commits, git, remote_head

RECORD = "partners/stichting-oude-naam.md"
EDIT = "/beheer/partners/stichting-oude-naam/bewerken"


def edit_form(**changes: object) -> dict:
    """The edit form as it opens for Stichting Oude Naam, with `changes` over it."""
    data: dict[str, object] = {
        "title": PARTNER["Title"],
        "partner_type": PARTNER["Type"],
        "website": PARTNER["Website"],
        "summary": PARTNER["Summary"],
        "sector": "",
        "contributions": ["kennis"],
        "description": PARTNER_BODY,
        "until": "",
    }
    data.update(changes)
    return data


def post_edit(client, **changes: object):
    """Open the edit form (its CSRF token and record version), then send it with `changes`."""
    html = client.get(EDIT).get_data(as_text=True)
    version = re.search(r'name="record_sha256" type="hidden" value="([0-9a-f]{64})"', html)
    assert version, "the form carries the record's version"
    data = {"csrf_token": csrf_from(html), "record_sha256": version.group(1), **edit_form(**changes)}
    return client.post(EDIT, data=data, content_type="multipart/form-data")


def confirm(client, response):
    """Follow the edit to its diff page and press 'Opslaan en publiceren'."""
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    review = response.headers["Location"]
    html = client.get(review).get_data(as_text=True)
    return client.post(f"{review}/publiceren", data={"csrf_token": csrf_from(html)}), html


@pytest.fixture
def on_disk(partners_on_disk):
    """content/ with Stichting Oude Naam and Gemeente Al Weg (files target)."""
    return partners_on_disk


def test_the_list_shows_every_partner_current_first_and_finds_by_name(admin_client, on_disk):
    html = admin_client.get("/beheer/partners/").get_data(as_text=True)
    assert html.index("Stichting Oude Naam") < html.index("Gemeente Al Weg")
    assert "huidige partner" in html and "beëindigd op 1 januari 2025" in html
    assert 'href="/beheer/partners/stichting-oude-naam"' in html
    found = admin_client.get("/beheer/partners/?q=al+weg").get_data(as_text=True)
    assert "Gemeente Al Weg" in found and "Stichting Oude Naam" not in found


def test_the_list_names_a_broken_record_by_its_line(admin_client, on_disk):
    (on_disk / "partners" / "kapot.md").write_text("Title: Kapot\nSlug: kapot\nType: club\nSince: 2024-01-01\n\nx\n")
    html = admin_client.get("/beheer/partners/").get_data(as_text=True)
    assert "content/partners/kapot.md:3: Type: moet een van deze zijn" in html
    assert str(on_disk) not in html


def test_a_partner_page_shows_the_record_its_live_link_and_history(make_app, session, on_disk):
    app = make_app(PUBLIC_URL="https://www.example.test")
    add_user(app)
    client = app.test_client()
    login(client)
    add_change(session, on_disk, "samenvatting")
    html = client.get("/beheer/partners/stichting-oude-naam").get_data(as_text=True)
    assert 'href="https://www.example.test/partners/stichting-oude-naam/"' in html
    assert "Oude samenvatting." in html and "partner sinds 15 januari 2024" in html
    assert 'href="/beheer/1">Wijzigingsverzoek nr. 1: Goedgekeurd (wijziging)</a>' in html
    assert client.get("/beheer/partners/bestaat-niet").status_code == 404
    assert client.get("/beheer/partners/..%2Fgeheim").status_code == 404


def test_an_edit_shows_the_diff_and_is_saved_only_when_confirmed(app, admin_client, on_disk):
    response = post_edit(admin_client, summary="Nu ook actief in Zwolle.")
    assert (on_disk / RECORD).read_text().count("Oude samenvatting.") == 1  # the draft writes nothing
    saved, diff = confirm(admin_client, response)
    assert "[weg: </span>Oude samenvatting.<" in diff and "[nieuw: </span>Nu ook actief in Zwolle.<" in diff
    assert "Wat verandert: samenvatting." in diff
    assert saved.status_code == 303 and saved.headers["Location"] == "/beheer/partners/stichting-oude-naam"
    assert "Summary: Nu ook actief in Zwolle." in (on_disk / RECORD).read_text()
    page = admin_client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "De wijziging is gepubliceerd: het partnerrecord is geschreven" in page
    assert "Bewerkt: samenvatting" in page and USERNAME in page
    [edit] = rows(app, PartnerEdit)
    assert (edit.state, edit.actor, edit.changed) == ("gepubliceerd", USERNAME, ["samenvatting"])


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"title": "X"}, "title", "De naam van de organisatie moet minstens 2 tekens lang zijn."),
        (
            {"website": "ftp://oud.example.nl"},
            "website",
            "Het webadres moet beginnen met https:// of http://.",
        ),
        ({"summary": "x" * 201}, "summary", "De korte omschrijving mag hoogstens 200 tekens lang zijn (nu 201)."),
        ({"partner_type": "club"}, "partner_type", "Ongeldige keuze."),
        ({"until": "2023-12-31"}, "until", "De einddatum ligt vóór het begin van het partnerschap (15 januari 2024)."),
        ({"until": "2026-02-30"}, "until", "De einddatum ‘2026-02-30’ is geen bestaande datum."),
        ({"description": "x" * 5001}, "description", "De beschrijving mag hoogstens 5000 tekens lang zijn."),
        ({"logo": (b"GIF89a geen logo", "logo.gif")}, "logo", "Dit logo kunnen we niet gebruiken"),
    ],
)
def test_a_bad_value_is_refused_at_its_field_and_nothing_is_written(admin_client, on_disk, changes, field, message):
    if "logo" in changes:
        data, name = changes["logo"]
        changes = {"logo": (io.BytesIO(data), name)}
    before = (on_disk / RECORD).read_bytes()
    response = post_edit(admin_client, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        f'<p class="field-error-message" id="{field}-error"><span class="visually-hidden">Fout: </span>{message}'
        in html
    )
    assert 'aria-invalid="true"' in html and "Er is 1 fout in het formulier" in html
    assert (on_disk / RECORD).read_bytes() == before


def test_an_edit_that_changes_nothing_says_so(admin_client, on_disk):
    response = post_edit(admin_client)
    assert response.status_code == 422 and "Er is niets gewijzigd." in response.get_data(as_text=True)


def test_a_record_changed_after_the_form_was_opened_is_not_overwritten(admin_client, on_disk):
    response = post_edit(admin_client, summary="Van het bureau.")
    edited = (on_disk / RECORD).read_text() + "\nDe redactie schreef dit erbij.\n"
    (on_disk / RECORD).write_text(edited)
    saved, diff = confirm(admin_client, response)
    assert "het record is gewijzigd sinds u het formulier opende" in diff
    page = admin_client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "partners/stichting-oude-naam.md is gewijzigd sinds u het formulier opende" in page
    assert (on_disk / RECORD).read_text() == edited


def test_a_rename_keeps_the_generated_sentence_true(admin_client, on_disk):
    confirm(admin_client, post_edit(admin_client, title="Stichting Nieuwe Naam"))
    text = (on_disk / RECORD).read_text()
    assert "Title: Stichting Nieuwe Naam" in text and "Slug: stichting-oude-naam" in text
    assert "\n\nStichting Nieuwe Naam is partner van de Alliantie Nederland Rookvrij! sinds 15 januari 2024.\n" in text


def test_ending_the_partnership(admin_client, on_disk):
    confirm(admin_client, post_edit(admin_client, until="2026-11-30"))
    assert "Until: 2026-11-30" in (on_disk / RECORD).read_text()
    assert "Bewerkt: einde partnerschap" in admin_client.get("/beheer/partners/stichting-oude-naam").get_data(
        as_text=True
    )


def test_going_back_to_the_form_keeps_the_draft(admin_client, on_disk):
    response = post_edit(admin_client, summary="Bijna klaar.", sector="zorg")
    draft = response.headers["Location"].rsplit("/", 1)[1]
    html = admin_client.get(f"{EDIT}?concept={draft}").get_data(as_text=True)
    assert 'value="Bijna klaar."' in html and 'value="zorg"' in html


@pytest.fixture
def git_admin(git_app):
    """A reviewer logged in on the app that publishes through git."""
    add_user(git_app)
    client = git_app.test_client()
    login(client)
    return client


def test_through_git_an_edit_with_a_new_logo_is_one_commit_by_the_reviewer(git_admin, site_repo, site_remote):
    remote, _editor = site_remote
    logo = raster("png", (60, 30), (10, 120, 60))
    response = post_edit(git_admin, summary="Met een nieuw logo.", logo=(io.BytesIO(logo), "nieuw.png"))
    saved, _diff = confirm(git_admin, response)
    assert saved.status_code == 303
    head = remote_head(remote)
    assert head == git(site_repo, "rev-parse", "HEAD").strip()
    files = commit_files(site_repo, head)
    [new_logo] = [f for f in files if f.startswith("A content/logos/stichting-oude-naam-")]
    assert files == sorted(["D content/logos/stichting-oude-naam.svg", new_logo, f"M content/{RECORD}"])
    assert git(site_repo, "log", "-1", "--format=%an|%s").strip() == (
        f"{USERNAME}|Stichting Oude Naam: samenvatting, logo (bewerking nr. 1)"
    )
    page = git_admin.get(saved.headers["Location"]).get_data(as_text=True)
    assert f"vastgelegd in commit {head[:12]} en gepusht" in page and head[:12] in page


def test_through_git_an_edit_is_refused_when_the_record_changed_on_the_remote(git_admin, site_repo, site_remote):
    remote, editor = site_remote
    response = post_edit(git_admin, summary="Van het bureau.")
    theirs = editor_commits(
        editor, {f"content/{RECORD}": render_record({**PARTNER, "Sector": "zorg"}, PARTNER_BODY)}, "Sector erbij"
    )
    saved, _diff = confirm(git_admin, response)
    page = git_admin.get(saved.headers["Location"]).get_data(as_text=True)
    assert "is gewijzigd sinds u het formulier opende" in page
    assert remote_head(remote) == theirs and git(site_repo, "rev-parse", "HEAD").strip() == theirs
    assert "Sector: zorg" in (site_repo / "content" / RECORD).read_text()
    assert (site_repo / "content/logos/stichting-oude-naam.svg").read_bytes() == PARTNER_SVG


def test_drafts_hold_no_second_copy_of_a_published_logo(app, admin_client, on_disk):
    confirm(admin_client, post_edit(admin_client, logo=(io.BytesIO(raster("png")), "nieuw.png")))
    [edit] = rows(app, PartnerEdit)
    assert edit.state == "gepubliceerd" and edit.logo_data is None
    with db_session(app) as session:
        assert session.get(PartnerEdit, edit.id) is not None


@pytest.mark.parametrize(
    "path",
    [
        "/beheer/partners/stichting-oude-naam/bewerking/99999999999999999999",
        "/beheer/partners/stichting-oude-naam/bewerking/2147483648/logo",
        "/beheer/partners/" + "a" * 500,
        "/beheer/partners/Stichting-Oude-Naam",
        f"{EDIT}?concept=99999999999999999999",
    ],
)
def test_odd_addresses_are_a_404_or_the_form_never_a_500(admin_client, on_disk, path):
    assert admin_client.get(path).status_code in (200, 404)
