"""`flask mail`: send and status through an outage of the mail server, and a database that is gone."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from formhandler.clock import utcnow
from tests.formhandler.helpers import run_outbox, store_with_mails


def output(app, *args: str) -> str:
    return app.test_cli_runner().invoke(args=["mail", *args]).output.strip()


def test_status_and_send_through_an_outage(smtp_app, mail_server):
    assert output(smtp_app, "status") == "wachtend: 0, verstuurd: 0, met mislukte pogingen: 0"
    store_with_mails(smtp_app)
    mail_server.stop()
    assert output(smtp_app, "send") == "0 verstuurd, 2 mislukt"
    assert output(smtp_app, "status") == "wachtend: 2, verstuurd: 0, met mislukte pogingen: 2"
    mail_server.start()
    assert output(smtp_app, "send") == "0 verstuurd, 0 mislukt", "not due yet"
    run_outbox(smtp_app, now=utcnow() + dt.timedelta(minutes=2))
    assert output(smtp_app, "status") == "wachtend: 0, verstuurd: 2, met mislukte pogingen: 0"
    assert len(mail_server.messages) == 2


def test_send_delivers_with_a_limit(smtp_app, mail_server):
    store_with_mails(smtp_app)
    assert output(smtp_app, "send", "--limit", "1") == "1 verstuurd, 0 mislukt"
    assert output(smtp_app, "send") == "1 verstuurd, 0 mislukt"
    assert len(mail_server.wait_for(2)) == 2


def test_send_without_a_database_says_so_in_dutch(app, runner):
    app.extensions["formhandler.sessionmaker"] = sessionmaker(
        bind=create_engine("sqlite:////nonexistent/dir/q.sqlite3")
    )
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "De database is niet bereikbaar; er is niets verstuurd." in result.output
    assert "Traceback" not in result.output
