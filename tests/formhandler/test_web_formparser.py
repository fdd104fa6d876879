"""The fast multipart parser reads what werkzeug's reads, and leaves every body it will not read to werkzeug."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser, MultiPartParser
from werkzeug.http import parse_options_header
from werkzeug.test import EnvironBuilder

from formhandler.queue import get
from formhandler.web.formparser import FastFormDataParser
from tests.formhandler.helpers import FORM, db_session, form_tokens, raster, rows, valid_form


def browser_body(fields: list[tuple[str, str | tuple[str, bytes]]], boundary: str | None = None) -> tuple[bytes, str]:
    """A body as browsers write it: a new boundary, CRLF around every part, files with a Content-Type."""
    boundary = boundary or "----WebKitFormBoundary" + uuid.uuid4().hex[:16]
    chunks = []
    for name, value in fields:
        if isinstance(value, tuple):
            filename, data = value
            head = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: image/png'
            chunks.append(f"--{boundary}\r\n{head}\r\n\r\n".encode() + data + b"\r\n")
        else:
            chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    return b"".join(chunks) + f"--{boundary}--\r\n".encode(), boundary


def parsed(parser_class: type[FormDataParser], body: bytes, boundary: str) -> Any:
    """(fields, files as (name, filename, bytes)) or the exception class the parser raised."""
    parser = parser_class(max_form_memory_size=1000, max_form_parts=10)
    try:
        _stream, form, files = parser.parse(io.BytesIO(body), "multipart/form-data", len(body), {"boundary": boundary})
    except RequestEntityTooLarge as exc:
        return type(exc)
    return (
        list(form.items(multi=True)),
        [(name, item.filename, item.read()) for name, item in files.items(multi=True)],
    )


def test_client_body() -> tuple[bytes, str]:
    """What werkzeug's test client writes: no CRLF after an empty field, a leading CRLF; a full field last."""
    environ = EnvironBuilder(
        method="POST",
        data={"a": "", "b": "x", "leeg": "", "logo": (io.BytesIO(b""), ""), "c": "y"},
        content_type="multipart/form-data",
    ).get_environ()
    return environ["wsgi.input"].read(), parse_options_header(environ["CONTENT_TYPE"])[1]["boundary"]


test_client_body.__test__ = False  # type: ignore[attr-defined]

BODIES = {
    "fields, a repeated name, UTF-8, an empty value": browser_body(
        [("a", "één “twee”"), ("c", "x"), ("c", "y"), ("leeg", ""), ("nul", "a\x00b")]
    ),
    "a file and an empty file input": browser_body(
        [("name", "Stichting"), ("logo", ("logo.png", b"\x89PNG\r\n")), ("other", ("", b""))]
    ),
    "invalid UTF-8 in a value": (
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n\xff\xfe ok\r\n--b--\r\n',
        "b",
    ),
    "a part without a name": (b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n", "b"),
    "a field larger than the memory limit": browser_body([("a", "x" * 1001)]),
    "more parts than allowed": browser_body([(f"f{n}", "x") for n in range(11)]),
    "a body cut off before its last boundary": (b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx', "b"),
    "garbage": (b"not multipart at all", "b"),
    "a line break in a part's name": (b'--b\r\nContent-Disposition: form-data; name="\n"\r\n\r\n\r\n--b--\r\n', "b"),
    "the test client's body": test_client_body(),
    "an empty field without its CRLF": (
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n'
        b'--b\r\nContent-Disposition: form-data; name="c"\r\n\r\nx\r\n--b--\r\n',
        "b",
    ),
    "a field with its own charset": (
        b'--b\r\nContent-Disposition: form-data; name="a"\r\nContent-Type: text/plain; charset=latin-1\r\n\r\n'
        b"\xe9\r\n--b--\r\n",
        "b",
    ),
}


@pytest.mark.parametrize("case", BODIES)
def test_reads_every_body_as_werkzeug_does(case):
    body, boundary = BODIES[case]
    assert parsed(FastFormDataParser, body, boundary) == parsed(FormDataParser, body, boundary)


def test_the_test_clients_empty_fields_stay_empty():
    fields, _files = parsed(FastFormDataParser, *test_client_body())
    assert fields == [("a", ""), ("b", "x"), ("leeg", ""), ("c", "y")]


def test_a_browser_body_is_read_without_werkzeugs_multipart_parser(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("werkzeug's parser was used")

    monkeypatch.setattr(MultiPartParser, "parse", refuse)
    body, boundary = BODIES["a file and an empty file input"]
    fields, files = parsed(FastFormDataParser, body, boundary)
    assert fields == [("name", "Stichting")]
    assert files == [("logo", "logo.png", b"\x89PNG\r\n"), ("other", "", b"")]


def test_an_application_as_a_browser_sends_it_is_stored(app, client, monkeypatch):
    monkeypatch.setattr(MultiPartParser, "parse", lambda *a, **k: pytest.fail("werkzeug's parser was used"))
    form = valid_form(organisation_name="Stichting Eén “Browser”")
    fields = [
        (key, value) for key, values in form.items() for value in (values if isinstance(values, list) else [values])
    ]
    fields += [*form_tokens(client).items(), ("logo", ("logo.png", raster("png", (60, 30))))]
    body, boundary = browser_body(fields)
    response = client.post(FORM, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 303
    (stored,) = rows(app)
    assert stored.organisation_name == "Stichting Eén “Browser”"
    with db_session(app) as session:
        item = get(session, stored.id)
        assert item is not None and item.logo is not None and item.logo.kind == "png"


def test_a_nul_byte_in_a_browser_body_is_refused_with_the_dutch_page(client):
    body, boundary = browser_body([*list(form_tokens(client).items()), ("organisation_name", "a\x00b")])
    response = client.post(FORM, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert "Dit verzoek klopt niet" in response.get_data(as_text=True)
