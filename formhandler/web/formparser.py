"""Multipart bodies read by python-multipart; werkzeug's own parser reads every body this one does not."""

from __future__ import annotations

import functools
import io
from typing import IO, Any

from flask import Flask, Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser
from werkzeug.datastructures import FileStorage, Headers, MultiDict
from werkzeug.formparser import FormDataParser
from werkzeug.http import parse_options_header


class _Unusual(Exception):
    """A body the fast path leaves to werkzeug: its limits, its errors and its reading of odd input then hold."""


@functools.lru_cache(maxsize=256)
def _disposition(value: str) -> tuple[str, str | None, str | None]:
    """(kind, name, filename) of a Content-Disposition; a form's fields repeat theirs in every post."""
    kind, options = parse_options_header(value)
    return kind, options.get("name"), options.get("filename")


def _read_parts(body: bytes, boundary: bytes, max_field_bytes: int | None, max_parts: int | None) -> list[tuple]:
    """(name, filename or None, headers, data) of every part of a well-formed body; _Unusual otherwise."""
    parts: list[tuple] = []
    delimiter = b"--" + boundary
    headers: list[tuple[str, str]] = []
    field: list[bytes] = []
    value: list[bytes] = []
    data: list[bytes] = []
    ended = False

    def on_header_field(chunk: bytes, start: int, end: int) -> None:
        field.append(chunk[start:end])

    def on_header_value(chunk: bytes, start: int, end: int) -> None:
        value.append(chunk[start:end])

    def on_header_end() -> None:
        headers.append((b"".join(field).decode("latin-1"), b"".join(value).decode("latin-1")))
        field.clear()
        value.clear()

    def on_part_data(chunk: bytes, start: int, end: int) -> None:
        data.append(chunk[start:end])

    def on_part_end() -> None:
        disposition, has_type = "", False
        for key, value in headers:
            if "\r" in value or "\n" in value:  # werkzeug's Headers refuses these
                raise _Unusual
            lower = key.lower()
            if lower == "content-disposition" and not disposition:
                disposition = value
            elif lower == "content-type":
                has_type = True
        kind, name, filename = _disposition(disposition)
        if kind != "form-data" or not name:
            raise _Unusual
        payload = b"".join(data)
        # The delimiter inside a part: a part that ends without its CRLF, as werkzeug's test client writes
        # an empty field, which this parser would read as data. werkzeug reads it as the end of the part.
        if delimiter in payload:
            raise _Unusual
        # werkzeug decodes a field by its own charset; only the default (UTF-8) is read here.
        if filename is None and (has_type or (max_field_bytes and len(payload) > max_field_bytes)):
            raise _Unusual
        try:
            part_headers = Headers(headers) if filename is not None else None
        except ValueError as exc:  # a character werkzeug's Headers refuses
            raise _Unusual from exc
        parts.append((name, filename, part_headers, payload))
        if max_parts is not None and len(parts) > max_parts:
            raise _Unusual
        headers.clear()
        data.clear()

    def on_end() -> None:
        nonlocal ended
        ended = True

    parser = MultipartParser(
        boundary,
        {
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_end": on_end,
        },
    )
    try:
        parser.write(body)
    except FormParserError as exc:
        raise _Unusual from exc
    if not ended:  # no closing boundary: a cut-off body
        raise _Unusual
    return parts


class FastFormDataParser(FormDataParser):
    """werkzeug's FormDataParser whose multipart path compiles no regular expressions per boundary."""

    def parse(
        self,
        stream: IO[bytes],
        mimetype: str,
        content_length: int | None,
        options: dict[str, str] | None = None,
    ) -> tuple[IO[bytes], MultiDict[str, Any], MultiDict[str, Any]]:
        boundary = (options or {}).get("boundary", "")
        if mimetype != "multipart/form-data" or not boundary.isascii() or not boundary:
            return super().parse(stream, mimetype, content_length, options)
        body = stream.read()  # already limited to MAX_CONTENT_LENGTH by werkzeug
        try:
            parts = _read_parts(body, boundary.encode("ascii"), self.max_form_memory_size, self.max_form_parts)
        except _Unusual:
            return super().parse(io.BytesIO(body), mimetype, content_length, options)
        fields = [
            (name, payload.decode("utf-8", "replace")) for name, filename, _h, payload in parts if filename is None
        ]
        files = [
            (name, FileStorage(io.BytesIO(payload), filename, name, headers=part_headers))
            for name, filename, part_headers, payload in parts
            if filename is not None
        ]
        return stream, self.cls(fields), self.cls(files)


class FastFormRequest(Request):
    """Flask's request with the faster multipart parser."""

    form_data_parser_class = FastFormDataParser


def init_app(app: Flask) -> None:
    app.request_class = FastFormRequest
