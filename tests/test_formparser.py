"""The multipart parser behind request.form and request.files: werkzeug's results and limits, faster."""

import pytest
from flask import Flask, jsonify, request

from formhandler.formparser import FormRequest

BOUNDARY = "----WebKitFormBoundaryq8FLy1QlqPX2kDBh"


def body(*parts: bytes, boundary: str = BOUNDARY, end: bool = True) -> bytes:
    """A multipart body as Chromium writes it."""
    out = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    return out + (b"--" + boundary.encode() + b"--\r\n" if end else b"")


def field(name: str, value: bytes) -> bytes:
    return f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value


def upload(name: str, filename: str, data: bytes, kind: str = "image/png") -> bytes:
    return (
        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
    ).encode() + data


@pytest.fixture
def echo():
    """A bare app with the project's request class that answers what it parsed."""
    app = Flask(__name__)
    app.request_class = FormRequest
    app.config.update(MAX_CONTENT_LENGTH=2 * 1024 * 1024, MAX_FORM_MEMORY_SIZE=1024, MAX_FORM_PARTS=10)

    @app.post("/")
    def show():
        return jsonify(
            form=list(request.form.items(multi=True)),
            files={
                name: [storage.filename, storage.mimetype, len(storage.read())]
                for name, storage in request.files.items()
            },
        )

    return app.test_client()


def post(client, data: bytes, boundary: str = BOUNDARY):
    return client.post("/", data=data, content_type=f"multipart/form-data; boundary={boundary}")


def test_fields_repeated_fields_and_a_file(echo):
    response = post(
        echo,
        body(
            field("naam", "Zoë & Co".encode()),
            field("keuze", b"a"),
            field("keuze", b"b"),
            field("leeg", b""),
            upload("logo", "logo.png", b"\x89PNG" + b"x" * 3000),
        ),
    )
    assert response.json == {
        "form": [["naam", "Zoë & Co"], ["keuze", "a"], ["keuze", "b"], ["leeg", ""]],
        "files": {"logo": ["logo.png", "image/png", 3004]},
    }


def test_a_file_input_left_empty_is_a_nameless_empty_file(echo):
    """What a browser sends when no logo was chosen: the form sees no file (FileStorage is falsy)."""
    response = post(echo, body(upload("logo", "", b"", "application/octet-stream")))
    assert response.json["files"] == {"logo": ["", "application/octet-stream", 0]}


def test_a_file_larger_than_the_field_limit_is_kept(echo):
    """The per-field memory limit is for text; a file is spooled, as werkzeug does."""
    response = post(echo, body(upload("logo", "groot.png", b"x" * 200_000)))
    assert response.json["files"]["logo"][2] == 200_000


def test_invalid_utf8_becomes_replacement_characters(echo):
    response = post(echo, body(field("naam", b"caf\xe9")))
    assert response.json["form"] == [["naam", "caf\ufffd"]]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(body(field("naam", b"x" * 1025)), id="text field over MAX_FORM_MEMORY_SIZE"),
        pytest.param(body(*[field(f"f{i}", b"x") for i in range(11)]), id="more parts than MAX_FORM_PARTS"),
        pytest.param(
            body(b'Content-Disposition: form-data; name="naam"\r\nX-' + b"a" * 5000 + b": b\r\n\r\nx"),
            id="part header line over 4 kB",
        ),
    ],
)
def test_over_a_limit_is_413(echo, data):
    assert post(echo, data).status_code == 413


@pytest.mark.parametrize(
    "data, boundary",
    [
        pytest.param(body(field("naam", b"x"), end=False), BOUNDARY, id="no closing boundary"),
        pytest.param(b"geen multipart", BOUNDARY, id="no boundary in the body"),
        pytest.param(body(field("naam", b"x")), "", id="empty boundary"),
    ],
)
def test_a_malformed_body_reads_as_an_empty_form(echo, data, boundary):
    """As werkzeug's silent parsing: no error page here; the CSRF check refuses the empty form."""
    response = post(echo, data, boundary)
    assert response.status_code == 200
    assert response.json == {"form": [], "files": {}}


def test_the_app_answers_a_malformed_body_with_the_form_and_a_dutch_notice(client):
    response = client.post(
        "/aanmelden/",
        data=body(field("organisation_name", b"x"), end=False),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 200
    assert "beveiligingskenmerk" in response.get_data(as_text=True)


def test_the_app_refuses_an_oversized_text_field_with_413(client, app):
    limit = app.config["MAX_FORM_MEMORY_SIZE"]
    response = client.post(
        "/aanmelden/",
        data=body(field("motivation", b"x" * (limit + 1))),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 413
    assert "Te groot" in response.get_data(as_text=True)
