"""Log lines written by the app: one line each, whatever was typed, and no password typed as a username."""

from __future__ import annotations

import json
import logging

import pytest

from formhandler.log_escape import MULTILINE
from tests.formhandler.helpers import USERNAME, login
from tests.hostile_corpus import HOSTILE

CORPUS = json.loads((HOSTILE / "log-injection" / "cases.json").read_text(encoding="utf-8"))
UNSAFE = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} | set(
    "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def unsafe_in(text: str) -> set[str]:
    return UNSAFE & set(text)


def login_lines(caplog) -> list[str]:
    """Every message the login wrote, formatted as a handler writes it."""
    return [record.getMessage() for record in caplog.records if record.name.startswith("formhandler")]


@pytest.mark.parametrize("typed", CORPUS["forged_lines"])
def test_a_username_cannot_forge_a_log_line(app, reviewer, caplog, typed):
    caplog.set_level(logging.INFO)
    client = app.test_client()
    response = login(client, username=typed, password="fout")
    lines = login_lines(caplog)
    if "\x00" not in typed:  # a NUL byte never reaches the login: the request is refused with a Dutch 400
        assert any(line.startswith("failed login user=") for line in lines), lines
    else:
        assert response.status_code == 400
    for line in lines:
        assert not unsafe_in(line), repr(line)
        assert "login user=beheerder" not in line  # neither as a line of its own nor hidden in one
    assert len(caplog.text.splitlines()) == len(caplog.records)  # what a handler wrote: one line per record


@pytest.mark.parametrize("password", CORPUS["passwords"])
def test_a_password_typed_as_the_username_is_not_logged(app, reviewer, caplog, password):
    caplog.set_level(logging.INFO)
    client = app.test_client()
    login(client, username=password, password="fout")
    login(client, username=password, password="fout")
    failed = [line for line in login_lines(caplog) if line.startswith("failed login")]
    assert len(failed) == 2
    assert password.lower() not in caplog.text and password not in caplog.text
    assert failed[0] == failed[1]  # the same unknown name is recognisable as the same
    assert "user=unknown:" in failed[0]


def test_a_known_username_is_still_logged(app, reviewer, caplog):
    caplog.set_level(logging.INFO)
    client = app.test_client()
    login(client, password="fout")
    login(client)
    lines = login_lines(caplog)
    assert f"failed login user={USERNAME} ip=127.0.0.1" in lines
    assert f"login user={USERNAME}" in lines


@pytest.mark.parametrize("payload", CORPUS["forged_lines"])
def test_every_logger_writes_one_line(app, caplog, payload):
    caplog.set_level(logging.INFO)
    for name in ("formhandler.queue", "werkzeug", "gunicorn.error", "sqlalchemy"):
        logging.getLogger(name).warning("value=%s", payload)
        logging.getLogger(name).warning(payload)
    assert len(caplog.records) == 8
    for record in caplog.records:
        assert not unsafe_in(record.getMessage()), repr(record.getMessage())
        assert "\\x" in record.getMessage() or "\\u" in record.getMessage()  # escaped, not dropped


def test_a_multiline_record_keeps_only_its_line_breaks(app, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("formhandler.mail").info("Mail:\n%s", "regel 1\nregel 2\x1b[31m\u202e", extra={MULTILINE: True})
    assert caplog.records[0].getMessage() == "Mail:\nregel 1\nregel 2\\x1b[31m\\u202e"
