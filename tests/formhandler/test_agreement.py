"""The partner agreement: made for one organisation from the bureau's template or the default, as a PDF (fpdf2)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from formhandler.agreement.documents import agreement
from formhandler.agreement.signed import check_signed
from formhandler.agreement.template import AgreementError, render_blocks
from partners.criteria import CRITERIA
from tests.formhandler.helpers import add_item

MOMENT = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)


def text(data: bytes) -> str:
    """All text of a PDF, as a PDF library extracts it, on one line."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def made(app, session, **overrides) -> bytes:
    item = add_item(session, state="in_behandeling", **overrides)
    with app.app_context():
        return agreement(item, MOMENT).data


def test_the_agreement_names_the_organisation_and_what_it_accepted(app, session):
    pdf = text(made(app, session))
    for expected in (
        "Partnerovereenkomst Alliantie Nederland Rookvrij!",
        "Nummer 1, opgesteld op 28 november 2026",
        "Stichting Gezonde Wijk, gevestigd in Utrecht, ingeschreven bij de Kamer van Koophandel onder nummer 12345678",
        "Soort organisatie: Maatschappelijke organisatie",
        "Kennis ontwikkelen over tabaksontmoediging",
        "Netwerken en sleutelpersonen inbrengen",
        CRITERIA["geen-tabaksindustrie"],
        "Twee keer per jaar de Alliantieraad",
        "bewaart deze getekende overeenkomst zolang het partnerschap duurt en 2 jaar daarna",
    ):
        assert expected in pdf, expected
    assert "Status aparte" not in pdf and "Jan Jansen-Geheim" not in pdf and "jan.geheim@" not in pdf


def test_a_bedrijf_gets_the_status_aparte_paragraph(app, session):
    pdf = text(made(app, session, organisation_type="bedrijf", company_acknowledged=True))
    assert "Status aparte" in pdf and "geen stemrecht bij besluiten over beleid en strategie" in pdf
    assert "Soort organisatie: Bedrijf (status aparte)" in pdf


def test_names_outside_latin_1_print_with_the_embedded_font(app, session):
    pdf = made(app, session, organisation_name="Zdrowie Łódź – Ğüç “Ωmega”")
    assert "Zdrowie Łódź – Ğüç “Ωmega”" in text(pdf)
    resources: Any = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]
    fonts = resources.get_object()["/Font"].get_object()
    assert any("DejaVu" in str(font.get_object()["/BaseFont"]) for font in fonts.values())


def test_the_same_step_makes_the_same_document_and_it_can_come_back_signed(app, session):
    item = add_item(session, state="in_behandeling")
    with app.app_context():
        first, second = agreement(item, MOMENT).data, agreement(item, MOMENT).data
    assert first == second
    assert check_signed(first).pages >= 2  # the applicant may sign it digitally and send it back as it is


def test_the_bureaus_template_in_the_instance_folder_replaces_the_default(app, session, tmp_path):
    app.instance_path = str(tmp_path)
    (tmp_path / "overeenkomst.txt").write_text(
        "# Eigen overeenkomst\n\n{{ organisatie }} ({{ kvk }}) tekent op {{ datum }}.\n"
        "{% for b in bijdragen %}\n- {{ b }}\n{% endfor %}\n",
        encoding="utf-8",
    )
    pdf = text(made(app, session))
    assert pdf.startswith("Eigen overeenkomst Stichting Gezonde Wijk (12345678) tekent op 28 november 2026.")
    assert "Partnerovereenkomst Alliantie" not in pdf


@pytest.mark.parametrize(
    "source, message",
    [
        ("{% if %}", "Het sjabloon van de overeenkomst bevat een fout (regel 1)"),
        ("# Titel\n{{ onbekend }}", "Het sjabloon van de overeenkomst bevat een fout"),
        ("{{ organisatie.__class__.__mro__ }}", "Het sjabloon van de overeenkomst bevat een fout"),
    ],
)
def test_a_broken_template_is_a_dutch_error(source, message):
    with pytest.raises(AgreementError, match=message.replace("(", r"\(").replace(")", r"\)")):
        render_blocks(source, {"organisatie": "X"})


def test_a_value_cannot_make_its_line_a_heading_or_a_bullet():
    blocks = render_blocks("{{ naam }}\n- {{ naam }}\n", {"naam": "# Kop\n## en meer"})
    assert [(b.kind, b.text) for b in blocks[:2]] == [("text", "# Kop ## en meer"), ("bullet", "# Kop ## en meer")]
