"""Change requests end to end: form → review in the admin → publish → Pelican build → the site shows it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import OperationalError

from formhandler import publishing, queue
from formhandler.publishing import PublishError
from tests.conftest import run_pelican
from tests.formhandler.helpers import CHANGE_KINDS, PARTNER_BODY, PARTNER_SVG, db_session, post_change, step

RECORD = "partners/stichting-oude-naam.md"
OLD_LOGO = "logos/stichting-oude-naam.svg"

pytestmark = pytest.mark.usefixtures("partners_on_disk")


def request_and_approve(client, admin_client, fields) -> int:
    """Send the form, then move the request to 'goedgekeurd' through the admin, as a reviewer does."""
    assert post_change(client, **fields).status_code == 303
    item_id = 1
    for target in ("in_behandeling", "goedgekeurd"):
        response = step(admin_client, item_id, target)
        assert response.status_code == 303
    return item_id


def state_of(app, item_id: int) -> str:
    with db_session(app) as session:
        return queue.get(session, item_id).state


def page_text(out, slug="stichting-oude-naam") -> str:
    return (out / "partners" / slug / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", CHANGE_KINDS)
def test_each_change_reaches_the_built_site(app, client, admin_client, content_dir, tmp_path, kind):
    item_id = request_and_approve(client, admin_client, CHANGE_KINDS[kind][0])
    detail = admin_client.get(f"/beheer/{item_id}").get_data(as_text=True)
    assert '<th scope="col">Nu</th><th scope="col">Gevraagd</th>' in detail
    diff = detail.split('<pre class="admin-record admin-diff">', 1)[1].split("</pre>", 1)[0]
    assert "<ins>" in diff and "+++" not in diff and "@@" not in diff  # the record's change word by word
    response = step(admin_client, item_id, "gepubliceerd")
    assert response.status_code == 303 and state_of(app, item_id) == "gepubliceerd"

    record = (content_dir / RECORD).read_text(encoding="utf-8")
    assert "Petra" not in record and "petra@" not in record and "Communicatie" not in record
    out = run_pelican(content_dir, tmp_path / "output")
    wall = (out / "partners" / "index.html").read_text(encoding="utf-8")
    page = page_text(out)
    if kind == "naam":
        assert "Stichting Nieuwe Naam" in wall and "Stichting Oude Naam" not in wall
        assert "Stichting Nieuwe Naam is partner van de" in page and "Oude Naam" not in page
    elif kind == "website":
        assert 'href="https://www.nieuw.example.nl"' in page and "oud.example.nl" not in page
    elif kind == "logo":
        assert not (content_dir / OLD_LOGO).exists()
        [new_logo] = (content_dir / "logos").glob("stichting-oude-naam-*.png")
        assert f"Logo: logos/{new_logo.name}" in record
        assert "stichting-oude-naam.svg" not in page and "stichting-oude-naam-" in page
    elif kind == "samenvatting":
        assert "Nu ook actief in Zwolle." in page and "Oude samenvatting." not in page
    else:
        assert "/partners/stichting-oude-naam/" not in wall
        assert "Dit partnerschap is beëindigd op 1 november 2026" in page
        departed = (out / "feeds" / "vertrokken.atom.xml").read_text(encoding="utf-8")
        assert "Partnerschap beëindigd: Stichting Oude Naam" in departed and "Gemeente Al Weg" in departed
        new = (out / "feeds" / "partners.atom.xml").read_text(encoding="utf-8")
        assert "Partnerschap beëindigd" not in new
    if kind != "logo":
        assert (content_dir / OLD_LOGO).read_bytes() == PARTNER_SVG


def test_a_record_edited_after_approval_is_not_overwritten(app, client, admin_client, runner, content_dir):
    item_id = request_and_approve(client, admin_client, CHANGE_KINDS["logo"][0])
    path = content_dir / RECORD
    edited = path.read_text(encoding="utf-8") + "\nEen redacteur schreef dit erbij.\n"
    path.write_text(edited, encoding="utf-8")

    result = runner.invoke(args=["queue", "publish", str(item_id)])
    assert result.exit_code == 1 and "is gewijzigd sinds de wijziging werd goedgekeurd" in result.output
    assert path.read_text(encoding="utf-8") == edited
    assert sorted(p.name for p in (content_dir / "logos").iterdir()) == ["stichting-oude-naam.svg"]
    assert state_of(app, item_id) == "goedgekeurd"
    detail = admin_client.get(f"/beheer/{item_id}").get_data(as_text=True)
    assert "het record is gewijzigd sinds deze wijziging werd goedgekeurd" in detail

    # The way out: back to review, approve the record as it is now, publish; the editor's text stays.
    for target in ("in_behandeling", "goedgekeurd"):
        step(admin_client, item_id, target)
    result = runner.invoke(args=["queue", "publish", str(item_id)])
    assert result.exit_code == 0, result.output
    assert "Een redacteur schreef dit erbij." in path.read_text(encoding="utf-8")
    assert f"Verwijderd: {content_dir / OLD_LOGO}" in result.output


def test_a_failed_commit_leaves_the_files_as_they_were(app, client, admin_client, content_dir, monkeypatch):
    item_id = request_and_approve(client, admin_client, CHANGE_KINDS["logo"][0])
    before = (content_dir / RECORD).read_bytes()
    with db_session(app) as session:
        item = queue.get(session, item_id)
        assert item is not None

        def broken():
            raise OperationalError("COMMIT", {}, Exception("disk full"))

        monkeypatch.setattr(session, "commit", broken)
        with pytest.raises(PublishError, match="er is niets gepubliceerd"):
            publishing.publish(session, item, content_dir, "tester")
    assert (content_dir / RECORD).read_bytes() == before
    assert sorted(p.name for p in (content_dir / "logos").iterdir()) == ["stichting-oude-naam.svg"]
    assert not [p for p in (content_dir / "partners").iterdir() if p.name.startswith(".")]  # no temp files
    assert state_of(app, item_id) == "goedgekeurd"


def test_cli_walks_a_change_and_announce_lists_departures_apart(app, client, runner, content_dir):
    assert post_change(client, **CHANGE_KINDS["einde"][0]).status_code == 303
    for target in ("in_behandeling", "goedgekeurd"):
        assert runner.invoke(args=["queue", "set", "1", target]).exit_code == 0
    bad = runner.invoke(args=["queue", "set", "1", "getekend"])
    assert bad.exit_code == 1 and "kan het item niet naar ‘Overeenkomst getekend’" in bad.output
    assert runner.invoke(args=["queue", "publish", "1"]).exit_code == 0
    assert "Until: 2026-11-01" in (content_dir / RECORD).read_text(encoding="utf-8")
    since = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    text = runner.invoke(args=["queue", "announce", "--since", since]).output
    new, _, departed = text.partition("## Vertrokken partners")
    assert "geen nieuwe partners" in new and "Stichting Oude Naam" not in new
    assert "- **Stichting Oude Naam**, partner tot 1 november 2026" in departed


def test_approving_needs_the_record_on_disk(app, client, admin_client, content_dir):
    assert post_change(client).status_code == 303
    step(admin_client, 1, "in_behandeling")
    (content_dir / RECORD).unlink()
    response = step(admin_client, 1, "goedgekeurd")
    assert response.status_code == 200 and state_of(app, 1) == "in_behandeling"
    assert "Er is niets gewijzigd. Het partnerrecord" in response.get_data(as_text=True)
    assert "bestaat niet (meer)" in response.get_data(as_text=True)


def test_a_rename_rewrites_the_generated_sentence_and_nothing_else(app, client, admin_client, runner, content_dir):
    path = content_dir / RECORD
    history = "\n\nStichting Oude Naam werd in 1990 opgericht; de naam Stichting Oude Naam bleef tot 2026.\n"
    path.write_text(path.read_text(encoding="utf-8") + history, encoding="utf-8")
    item_id = request_and_approve(client, admin_client, CHANGE_KINDS["naam"][0])
    assert runner.invoke(args=["queue", "publish", str(item_id)]).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "\n\nStichting Nieuwe Naam is partner van de Alliantie Nederland Rookvrij! sinds 15 januari 2024.\n" in text
    assert "Stichting Oude Naam werd in 1990 opgericht; de naam Stichting Oude Naam bleef tot 2026." in text
    assert "Title: Stichting Nieuwe Naam" in text


def test_a_rename_leaves_a_description_without_the_generated_sentence_alone(
    app, client, admin_client, runner, content_dir
):
    path = content_dir / RECORD
    own = "Stichting Oude Naam is al jaren actief in Zwolle.\n"
    path.write_text(path.read_text(encoding="utf-8").replace(PARTNER_BODY + "\n", own), encoding="utf-8")
    item_id = request_and_approve(client, admin_client, CHANGE_KINDS["naam"][0])
    assert runner.invoke(args=["queue", "publish", str(item_id)]).exit_code == 0
    assert path.read_text(encoding="utf-8").endswith("\n\n" + own)


def test_a_logo_that_another_record_uses_is_not_removed(app, client, admin_client, runner, content_dir):
    twin = (content_dir / RECORD).read_text(encoding="utf-8")
    twin = twin.replace("Slug: stichting-oude-naam", "Slug: tweeling").replace(
        "Title: Stichting Oude Naam", "Title: Tweeling"
    )
    (content_dir / "partners" / "tweeling.md").write_text(twin, encoding="utf-8")
    item_id = request_and_approve(client, admin_client, CHANGE_KINDS["logo"][0])
    preview = admin_client.get(f"/beheer/{item_id}/publicatie").get_data(as_text=True)
    assert "wordt verwijderd" not in preview
    result = runner.invoke(args=["queue", "publish", str(item_id)])
    assert result.exit_code == 0, result.output
    assert (content_dir / OLD_LOGO).read_bytes() == PARTNER_SVG and "Verwijderd" not in result.output
    assert "Logo: logos/stichting-oude-naam.svg" in (content_dir / "partners" / "tweeling.md").read_text(
        encoding="utf-8"
    )


def test_list_counts_a_change_request_as_one(client, admin_client):
    assert post_change(client, **CHANGE_KINDS["naam"][0]).status_code == 303
    html = admin_client.get("/beheer/").get_data(as_text=True)
    assert "<caption>1 wijzigingsverzoek, nieuwste eerst</caption>" in html
    assert "aanmelding," not in html
    filtered = admin_client.get("/beheer/?kind=wijziging").get_data(as_text=True)
    assert "<caption>1 wijzigingsverzoek voldoet aan het filter, nieuwste eerst</caption>" in filtered


def test_change_request_diff_marks_the_words_that_change(client, admin_client):
    item_id = request_and_approve(client, admin_client, CHANGE_KINDS["naam"][0])
    detail = admin_client.get(f"/beheer/{item_id}").get_data(as_text=True)
    gone = '<del><span class="visually-hidden">[weg: </span>Oude<span class="visually-hidden">]</span></del>'
    came = '<ins><span class="visually-hidden">[nieuw: </span>Nieuwe<span class="visually-hidden">]</span></ins>'
    assert f"Title: Stichting {gone} {came} Naam" in detail
