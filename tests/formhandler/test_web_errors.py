"""Error pages: Dutch for every status people can meet, a 503 for a database outage, 400 for what no browser sends."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from formhandler import queue
from formhandler.web.errors import MESSAGES
from tests.formhandler.helpers import FORM, post

# Words that give away an English text; none is also a common Dutch word.
ENGLISH = {
    "the", "your", "you", "please", "error", "not", "found", "request", "too", "large", "many", "try", "again",
    "page", "forbidden", "access", "something", "went", "wrong", "unavailable",
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_error_message_is_dutch(code):
    title, message = MESSAGES[code]
    words = set(re.findall(r"[a-z]+", f"{title} {message}".lower()))
    assert not words & ENGLISH, (code, words & ENGLISH)
    assert words & {"de", "het", "een", "u", "uw", "niet", "deze", "dit", "er"}, code


@pytest.mark.parametrize(
    "request_, code",
    [
        (lambda c: c.get("/aanmelden/bestaat-niet"), 404),
        (lambda c: c.put(FORM), 405),
        (lambda c: c.post("/beheer/uitloggen"), 400),  # no CSRF token
    ],
)
def test_http_errors_get_the_dutch_page_with_its_status(client, request_, code):
    response = request_(client)
    html = response.get_data(as_text=True)
    assert response.status_code == code and response.content_type == "text/html; charset=utf-8"
    assert f"<h1>{MESSAGES[code][0]}</h1>" in html and 'lang="nl"' in html


@pytest.mark.parametrize("error", [OperationalError, InternalError, PoolTimeoutError])
def test_a_database_that_cannot_take_the_write_is_a_503_never_a_500(client, monkeypatch, error):
    def broken(*args, **kwargs):
        raise error("SELECT", {}, Exception("database is locked")) if error is not PoolTimeoutError else error()

    monkeypatch.setattr(queue, "search", broken)
    monkeypatch.setattr(queue, "insert_submission", broken)
    response = post(client)
    assert response.status_code == 503 and "Er is niets opgeslagen" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"organisation_name=Nul%00byte", "application/x-www-form-urlencoded"),
        (
            b"--X\r\nContent-Disposition: form-data\r\n\r\nx\r\n--X--\r\n",  # a part without a name
            "multipart/form-data; boundary=X",
        ),
    ],
)
def test_what_no_browser_sends_is_refused_before_any_view(client, body, content_type):
    response = client.post(FORM, data=body, content_type=content_type)
    assert response.status_code == 400 and "<h1>Dit verzoek klopt niet</h1>" in response.get_data(as_text=True)


def test_a_nul_byte_in_the_query_string_is_refused(client):
    assert client.get("/aanmelden/?partner=%00").status_code == 400
