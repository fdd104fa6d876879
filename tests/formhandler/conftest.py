"""Fixtures of the form-handler tests: a mail server, an app that mails through it, partners on disk, queue items.

The app, its database and a logged-in reviewer come from tests/conftest.py (the deploy tests use them too).
"""

from __future__ import annotations

import shutil

import pytest

from formhandler.mail import devlog
from tests.conftest import ROOT
from tests.formhandler.helpers import add_item, write_partners
from tests.formhandler.smtp import MailServer


@pytest.fixture(autouse=True)
def fresh_mail_logger():
    """After each test the mail logger is as a fresh process has it: a development app's terminal handler goes."""
    yield
    devlog.remove()


@pytest.fixture
def mail_server():
    """A running SMTP server on a free loopback port; stop() it to simulate a server that is down."""
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(make_app, mail_server):
    """The app sending its mail over SMTP to `mail_server`."""
    return make_app(
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=mail_server.port,
        SMTP_TIMEOUT=5,
        MAIL_FROM="Alliantie Nederland Rookvrij! <noreply@example.org>",
    )


@pytest.fixture
def partners_on_disk(content_dir):
    """content/ with one active partner (Stichting Oude Naam, with a logo) and one whose partnership ended."""
    write_partners(content_dir)
    return content_dir


@pytest.fixture
def signed_item(session):
    """An application with an SVG logo, walked through the procedure to 'getekend' (ready to publish)."""
    return add_item(session, state="getekend", logo="svg")


@pytest.fixture
def bare_content(tmp_path):
    """A content folder with the real pages and no partners/ or logos/ yet: publishing makes those."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", folder / "pages")
    return folder
