"""Development mail that can be read: printed in the terminal of `make run`, and listed at /beheer/postvak."""

from __future__ import annotations

import pytest

from formhandler.mail import devlog
from formhandler.mail.backends import logger as mail_logger
from formhandler.mail.devlog import TerminalHandler
from tests.formhandler.helpers import CONTACT, add_user, login, run_outbox, store_with_mails


@pytest.fixture
def clean_mail_logger():
    """The mail logger as a fresh process has it (the autouse fresh_mail_logger cleans up after the test)."""
    devlog.remove()
    return mail_logger


def test_development_prints_every_mail_readably_in_the_terminal(make_app, clean_mail_logger, capsys):
    app = make_app(DEVELOPMENT=True)
    make_app(DEVELOPMENT=True)  # a second app in the same process adds no second handler
    assert sum(isinstance(h, TerminalHandler) for h in clean_mail_logger.handlers) == 1
    item_id = store_with_mails(app)
    assert run_outbox(app) == (2, 0)
    err = capsys.readouterr().err
    assert err.count("─" * 72) == 4  # two mails, each between two rules
    assert err.count("Mail (ontwikkelmodus, niet verstuurd):") == 2  # once each: not again through Flask's handler
    assert f"To: {CONTACT['email']}" in err and "Subject: Nieuwe aanmelding: Stichting Gezonde Wijk" in err
    assert f"nummer {item_id}" in err and "Mail (ontwikkelmodus, niet verstuurd):" in err


@pytest.mark.parametrize("backend", ["log", "smtp"])
def test_production_prints_no_mail_and_gets_no_terminal_handler(make_app, clean_mail_logger, capsys, backend):
    app = make_app(MAIL_BACKEND=backend, SMTP_HOST="127.0.0.1", SMTP_PORT=9, SMTP_TIMEOUT=1)
    assert not any(isinstance(h, TerminalHandler) for h in clean_mail_logger.handlers)
    store_with_mails(app)
    run_outbox(app)
    err = capsys.readouterr().err
    assert CONTACT["email"] not in err and "Stichting Gezonde Wijk" not in err


def test_the_outbox_page_lists_the_mail_in_development(make_app, clean_mail_logger):
    app = make_app(DEVELOPMENT=True)
    add_user(app)
    item_id = store_with_mails(app, organisation_name="Stichting <b>Vet</b>")
    client = app.test_client()
    assert login(client).status_code == 302
    assert 'href="/beheer/postvak"' in client.get("/beheer/").get_data(as_text=True)
    response = client.get("/beheer/postvak")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "noindex" in response.headers["X-Robots-Tag"]
    assert "<h2" in html and "Nieuwe aanmelding: Stichting &lt;b&gt;Vet&lt;/b&gt;" in html
    assert CONTACT["email"] in html and f'href="/beheer/{item_id}"' in html and "wachtend" in html
    run_outbox(app)
    assert "verwerkt op" in client.get("/beheer/postvak").get_data(as_text=True)


def test_the_outbox_page_does_not_exist_outside_development(app, admin_client):
    store_with_mails(app)
    assert admin_client.get("/beheer/postvak").status_code == 404
    assert "/beheer/postvak" not in admin_client.get("/beheer/").get_data(as_text=True)
    assert not any(rule.rule == "/beheer/postvak" for rule in app.url_map.iter_rules())
