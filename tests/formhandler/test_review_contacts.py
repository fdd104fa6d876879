"""The contacts export at /beheer/contactpersonen.csv: current partners only, formula-safe, active accounts only."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from partners.render import render_record
from tests.conftest import ROOT
from tests.formhandler.helpers import add_item, add_user, login

pytestmark = pytest.mark.usefixtures("partners_on_disk")
EXPORT = "/beheer/contactpersonen.csv"


def published(session, slug: str, **fields: Any):
    """A published application in the queue that became the partner `slug`."""
    item = add_item(session, state="gepubliceerd", **fields)
    item.published_slug = slug
    session.commit()
    return item


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_export_holds_the_contacts_of_current_partners_only(admin_client, session, content_dir):
    published(session, "stichting-oude-naam", contact_name="Karel Bekend", contact_role="Directeur", email="k@oud.nl")
    published(session, "gemeente-al-weg", contact_name="Gerrit Vertrokken", email="g@weg.nl")  # ended in 2025
    add_item(session, state="in_behandeling", contact_name="Nog Geen Partner", email="n@nieuw.nl")
    record = {"Title": "=Bedrijf BV", "Slug": "bedrijf-bv", "Type": "bedrijf", "Since": "2025-05-01"}
    (content_dir / "partners" / "bedrijf-bv.md").write_text(render_record(record, "Tekst."), encoding="utf-8")

    response = admin_client.get(EXPORT)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="contactpersonen-partners-')
    assert response.headers["Cache-Control"] == "no-store"
    assert read_csv(response) == [
        [
            "Organisatie",
            "Soort",
            "Stem in de Alliantieraad",
            "Partner sinds",
            "Contactpersoon",
            "Functie",
            "E-mailadres",
        ],
        ["'=Bedrijf BV", "Bedrijf (status aparte)", "nee", "2025-05-01", "", "", ""],
        [
            "Stichting Oude Naam",
            "Maatschappelijke organisatie",
            "ja",
            "2024-01-15",
            "Karel Bekend",
            "Directeur",
            "k@oud.nl",
        ],
    ]


def test_cells_are_neutralised(admin_client, session):
    published(session, "stichting-oude-naam", contact_name='=HYPERLINK("http://x")', contact_role="+1", email="a@b.nl")
    [_, row] = read_csv(admin_client.get(EXPORT))
    assert row[4:6] == ['\'=HYPERLINK("http://x")', "'+1"]


def test_the_export_is_refused_to_a_disabled_account(app, runner, session):
    published(session, "stichting-oude-naam", contact_name="Karel Bekend", email="k@oud.nl")
    add_user(app, "bert.collega")
    client = app.test_client()
    assert login(client, "bert.collega").status_code == 302
    assert client.get(EXPORT).status_code == 200
    assert runner.invoke(args=["user", "disable", "bert.collega"]).exit_code == 0
    refused = client.get(EXPORT)
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/beheer/inloggen")
    assert b"Karel" not in refused.get_data()
    assert login(app.test_client(), "bert.collega").status_code == 403


def test_the_export_needs_a_login(client):
    response = client.get(EXPORT)
    assert response.status_code == 302 and response.headers["Location"].startswith("/beheer/inloggen")


def test_the_admin_links_to_the_export(admin_client):
    assert f'href="{EXPORT}" download' in admin_client.get("/beheer/").get_data(as_text=True)


def test_the_privacy_statement_names_the_list_as_personal_data():
    text = (ROOT / "content" / "pages" / "privacy.md").read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if "contactpersonen van de huidige partners" in p)
    assert "Alliantieraad" in paragraph and "nieuwsbrief" in paragraph and "persoonsgegevens" in paragraph
