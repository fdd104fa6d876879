"""The Dutch texts the outbox sends for a new item: address, subject, what each says and what it never says."""

from __future__ import annotations

import types

import pytest

from formhandler.mail.texts import build_mails, one_line
from tests.formhandler.helpers import CONTACT, submission_data

PRIVATE = [CONTACT["phone"], CONTACT["contact_name"], CONTACT["contact_role"], "Bel mij op", "Wij delen kennis"]


def new_item(**overrides) -> types.SimpleNamespace:
    """A just-stored item as insert_submission hands it to build_mails: its columns, an id and a state."""
    return types.SimpleNamespace(**{"kind": "aanmelding", "state": "nieuw", "id": 41, **submission_data(), **overrides})


#: (item, which mail, to, subject, texts it must contain, texts it must not contain)
MAILS = [
    pytest.param(
        {},
        0,
        CONTACT["email"],
        "Bevestiging van uw aanmelding bij de Alliantie Nederland Rookvrij!",
        [
            "Hartelijk dank voor de aanmelding van Stichting Gezonde Wijk",
            "onder nummer 41",
            "1. Het Alliantiebureau neemt contact met u op.",
            "voldoet aan de criteria",
            "3. Daarna sturen wij u de stukken",
            "4. U stuurt de getekende overeenkomst naar ons terug.",
            "5. Dan is het partnerschap definitief.",
            "in de Alliantieraad en in onze nieuwsbrief",
            "Mail dan naar bureau@example.org en noem nummer 41.",
        ],
        [*PRIVATE, CONTACT["email"], "https://www.gezondewijk.example.nl"],
        id="confirmation of an application",
    ),
    pytest.param(
        {},
        1,
        "bureau@example.org",
        "Nieuwe aanmelding: Stichting Gezonde Wijk",
        [
            "nieuwe aanmelding binnengekomen, nummer 41",
            "Soort: Maatschappelijke organisatie",
            "Plaats: Utrecht",
            "in het beheer: https://www.alliantienederlandrookvrij.nl/beheer/41\n",
        ],
        [*PRIVATE, CONTACT["email"]],
        id="notice of an application",
    ),
    pytest.param(
        {"city": ""},
        1,
        "bureau@example.org",
        "Nieuwe aanmelding: Stichting Gezonde Wijk",
        ["Plaats: niet ingevuld"],
        [],
        id="notice without a place",
    ),
    pytest.param(
        {"kind": "wijziging", "requested": {"Title": "Stichting Nieuwe Wijk", "Logo": "nieuw"}},
        0,
        CONTACT["email"],
        "Bevestiging van uw wijziging voor Stichting Gezonde Wijk",
        ["verzoek ontvangen om de gegevens van Stichting Gezonde Wijk", "nummer 41", "wijzigingsformulier"],
        [*PRIVATE, "Stichting Nieuwe Wijk"],
        id="confirmation of a change request",
    ),
    pytest.param(
        {"kind": "wijziging", "requested": {"Title": "Stichting Nieuwe Wijk", "Logo": "nieuw"}},
        1,
        "bureau@example.org",
        "Nieuwe wijziging: Stichting Gezonde Wijk",
        [
            "wijzigingsverzoek binnengekomen, nummer 41",
            "Partner: Stichting Gezonde Wijk",
            "Gevraagd: naam, logo",
            "in het beheer: https://www.alliantienederlandrookvrij.nl/beheer/41\n",
        ],
        [*PRIVATE, CONTACT["email"]],
        id="notice of a change request",
    ),
    pytest.param(
        {"kind": "wijziging", "requested": {"Until": "2026-12-31"}},
        1,
        "bureau@example.org",
        "Nieuwe wijziging: Stichting Gezonde Wijk",
        ["Gevraagd: einde van het partnerschap"],
        [],
        id="notice of an ending partnership",
    ),
    pytest.param(
        {"organisation_name": "Kwaad\r\nBcc: iedereen@example.org"},
        1,
        "bureau@example.org",
        "Nieuwe aanmelding: Kwaad Bcc: iedereen@example.org",
        ["Organisatie: Kwaad Bcc: iedereen@example.org\n"],
        ["\r"],
        id="a name with a line break stays on one line",
    ),
]


@pytest.mark.parametrize("item, which, to, subject, present, absent", MAILS)
def test_each_mail_says_what_it_must_and_nothing_personal(app, item, which, to, subject, present, absent):
    with app.app_context():
        mail = build_mails(new_item(**item))[which]
    assert (mail.to_addr, mail.subject) == (to, subject)
    missing = [text for text in present if text not in mail.body]
    leaked = [text for text in absent if text in mail.body or text in mail.subject]
    assert (missing, leaked) == ([], [])


def test_an_application_and_a_change_each_give_a_confirmation_and_a_notice(app):
    with app.app_context():
        for kind in ("aanmelding", "wijziging"):
            assert [m.to_addr for m in build_mails(new_item(kind=kind, requested={}))] == [
                CONTACT["email"],
                "bureau@example.org",
            ]


@pytest.mark.parametrize("public_url", ["https://partners.voorbeeld.nl", "https://partners.voorbeeld.nl/"])
@pytest.mark.parametrize("kind", ["aanmelding", "wijziging"])
def test_the_bureaus_link_is_absolute_from_the_public_url(make_app, public_url, kind):
    """A mail has no page to be relative to: the link to the admin carries the public site's host."""
    with make_app(PUBLIC_URL=public_url).app_context():
        notice = build_mails(new_item(kind=kind, requested={}))[1]
    assert "in het beheer: https://partners.voorbeeld.nl/beheer/41\n" in notice.body


def test_spam_gets_no_mail(app):
    with app.app_context():
        assert build_mails(new_item(state="spam")) == []


@pytest.mark.parametrize("text, line", [("a\r\nb", "a b"), ("  a \t b\n", "a b"), (None, ""), ("één", "één")])
def test_one_line(text, line):
    assert one_line(text) == line
