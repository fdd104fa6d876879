"""Multipart form bodies parsed by the `multipart` library instead of werkzeug's own parser.

Why: werkzeug compiles two regular expressions for every request's random boundary and parses
each part's headers with a general-purpose header parser. For the application form (about 30
parts) that was ~2.5 ms of CPU, a fifth of all the work of storing an application; `multipart`
does the same in ~0.4 ms. The limits and the results stay werkzeug's: text fields in
`request.form`, files as FileStorage in `request.files`, 413 over a limit, and a malformed body
read as an empty form (werkzeug's "silent" parsing), which the CSRF check then refuses.
"""

from __future__ import annotations

import math

from flask import Request
from multipart import MultipartParser, ParserLimitReached
from werkzeug.datastructures import FileStorage, Headers
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser


class FastFormDataParser(FormDataParser):
    """werkzeug's FormDataParser with the multipart step done by `multipart`."""

    def _parse_multipart(self, stream, mimetype, content_length, options):
        boundary = options.get("boundary", "")
        if not boundary:
            raise ValueError("Missing boundary")
        per_field = self.max_form_memory_size or math.inf
        parser = MultipartParser(
            stream,
            boundary,
            content_length if content_length is not None else -1,
            part_limit=self.max_form_parts or math.inf,
            # A text field above the per-field limit is refused below; a file that large is
            # spooled to a temporary file instead of memory, as werkzeug does.
            spool_limit=int(min(per_field, 1024 * 1024)),
            memory_limit=self.max_content_length or 1024 * 1024 * 64,
        )
        fields, files = [], []
        try:
            for part in parser:
                if part.filename is None:
                    if part.size > per_field:
                        raise RequestEntityTooLarge()
                    # Invalid UTF-8 becomes U+FFFD, as werkzeug does, so validation can name the field.
                    fields.append((part.name, part.raw.decode("utf-8", "replace")))
                else:
                    files.append(
                        (
                            part.name,
                            FileStorage(
                                part.file, part.filename, part.name, part.content_type, headers=Headers(part.headerlist)
                            ),
                        )
                    )
        except ParserLimitReached:
            raise RequestEntityTooLarge() from None
        return stream, self.cls(fields), self.cls(files)


class FormRequest(Request):
    """Flask's Request with the faster multipart parser; everything else unchanged."""

    form_data_parser_class = FastFormDataParser
