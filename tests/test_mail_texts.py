"""What the outbox sends for a new item: the applicant's confirmation and the bureau's notice."""

from __future__ import annotations

import pytest

from formhandler import mail_texts, queue
from tests.mail_fixtures import APPLICANT, MOTIVATION, PHONE, outbox, session_of, submission_data, submit


@pytest.mark.parametrize(
    "expected",
    [
        "Hartelijk dank",
        "Stichting Rookvrij Voorbeeld 0",
        "#{id}",
        "Alliantiebureau neemt contact met u op",
        "criteria",
        "stukken",
        "getekende overeenkomst",
        "definitief",
        "Alliantieraad",
        "nieuwsbrief",
        "bureau@example.org",
    ],
)
def test_confirmation_says_what_happens_next(app, expected):
    item_id = submit(app)
    confirmation = outbox(app)[0]
    assert confirmation.to_addr == APPLICANT
    assert confirmation.subject == "Bevestiging van uw aanmelding bij Alliantie Nederland Rookvrij!"
    assert expected.format(id=item_id) in confirmation.body


@pytest.mark.parametrize("absent", [PHONE, MOTIVATION, "Jan Jansen", APPLICANT, "https://www.voorbeeld.nl"])
def test_confirmation_does_not_copy_personal_data(app, absent):
    submit(app)
    assert absent not in outbox(app)[0].body


@pytest.mark.parametrize(
    "expected",
    [
        "Stichting Rookvrij Voorbeeld 0",
        "Soort: Maatschappelijke organisatie",
        "Plaats: Utrecht",
        "/beheer/{id}",
    ],
)
def test_bureau_notice_names_the_organisation_and_the_admin_page(app, expected):
    item_id = submit(app)
    notice = outbox(app)[1]
    assert notice.to_addr == "bureau@example.org"
    assert notice.subject == "Nieuwe aanmelding: Stichting Rookvrij Voorbeeld 0"
    assert expected.format(id=item_id) in notice.body


@pytest.mark.parametrize("absent", [PHONE, MOTIVATION, "Jan Jansen", APPLICANT, "Directeur"])
def test_bureau_notice_keeps_personal_data_out(app, absent):
    submit(app)
    notice = outbox(app)[1]
    assert absent not in notice.body and absent not in notice.subject


def test_outbox_rows_belong_to_their_submission(app):
    item_id = submit(app)
    assert [row.submission_id for row in outbox(app)] == [item_id, item_id]


def test_spam_gets_no_mail(app):
    with app.app_context(), session_of(app) as session:
        queue.add_submission(session, submission_data(), None, state="spam", mails=mail_texts.build_mails)
    assert outbox(app) == []
