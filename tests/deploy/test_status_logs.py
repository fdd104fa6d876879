"""Status links in production: through nginx and gunicorn the page opens, and neither access log holds the token."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest
from sqlalchemy.orm import sessionmaker

from formhandler import queue, tokens
from formhandler.db import make_engine
from tests.deploy_fixtures import wait_for
from tests.formhandler.helpers import submission_data

pytestmark = pytest.mark.slow


def test_a_status_link_leaves_no_token_in_the_access_logs(deployment):
    engine = make_engine(f"sqlite:///{deployment.tmp}/q.sqlite3")
    try:
        with sessionmaker(engine)() as session:
            item, _created = queue.add_submission(session, submission_data(), None)
            token = tokens.mint(session, item.id)
            session.commit()
    finally:
        engine.dispose()
    # By hand, not with a cookie jar: the production session cookie is Secure and this is plain http.
    host = urllib.parse.urlsplit(deployment).netloc
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", f"/aanmelden/status/?code={token}")
    opened = connection.getresponse()
    opened.read()
    assert opened.status == 303 and opened.headers["Location"] == "/aanmelden/status/"
    cookie = opened.headers["Set-Cookie"].split(";", 1)[0]
    connection.request("GET", "/aanmelden/status/", headers={"Cookie": cookie})
    page = connection.getresponse()
    assert page.status == 200 and "Aanmelding ontvangen" in page.read().decode()
    connection.close()

    nginx_log = deployment.tmp / "nginx" / "access.log"
    gunicorn_log = deployment.tmp / "gunicorn.log"
    wait_for(lambda: nginx_log.read_text().count("/aanmelden/status/") >= 2, what="nginx logging both requests")
    wait_for(lambda: "GET /aanmelden/status/" in gunicorn_log.read_text(), what="gunicorn logging the request")
    for log in (nginx_log, gunicorn_log):
        text = log.read_text()
        assert token not in text and "code=" not in text, log.name
