"""Fixtures of the form-handler tests: a mail server, an app that mails through it, partners on disk, queue items.

The app, its database and a logged-in reviewer come from tests/conftest.py (the deploy tests use them too).
"""

from __future__ import annotations

import shutil

import pytest

from formhandler.mail import devlog
from tests.conftest import ROOT
from tests.formhandler.helpers import GONE, PARTNER, PARTNER_BODY, PARTNER_SVG, add_item, write_partners
from tests.formhandler.smtp import MailServer
from tests.site_repository import clone, make_site_repository


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


# --- publishing through git (tests/site_repository.py) -----------------------------------------


@pytest.fixture
def site_remote(tmp_path):
    """A bare remote holding the site, with Stichting Oude Naam (and its logo) and Gemeente Al Weg; (remote, editor)."""
    records = {PARTNER["Slug"]: (PARTNER, PARTNER_BODY), GONE["Slug"]: (GONE, "Weg.")}
    return make_site_repository(tmp_path / "git", records, {"stichting-oude-naam.svg": PARTNER_SVG})


@pytest.fixture
def site_repo(site_remote, tmp_path):
    """The server's working copy of the site repository: a clone of `site_remote`."""
    return clone(site_remote[0], tmp_path / "site-repo")


@pytest.fixture
def git_app(make_app, site_repo):
    """The app publishing through git into `site_repo`, pushing to its remote."""
    return make_app(PUBLISH_TARGET="git", SITE_REPO=str(site_repo), CONTENT_DIR=str(site_repo / "content"))
