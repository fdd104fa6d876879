"""The hostile corpus in tests/hostile/: one folder per class of attack, and what must never survive sanitising.

Upload classes hold files (logos a form or an editor could hand in); document classes hold the
files an applicant sends back on the status page; case classes hold one JSON object each
(`cases.json`, with a `description` and named lists) for the form handler's tests; text classes hold one JSON
list of strings each (`cases.json`): names, descriptions, cells and field values. A new case is
a new file or a new line in a list; every test that reads its class picks it up.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HOSTILE = Path(__file__).parent / "hostile"
UPLOAD_CLASSES = (
    "svg-active",  # scripts, event handlers, animation, javascript: and data: links
    "svg-external-refs",  # elements and attributes that load from another file or origin
    "svg-style",  # CSS that loads from elsewhere: functions, escapes, comments, at-rules
    "svg-sizes",  # numbers that overflow, nesting and element counts beyond the limits
    "svg-personal-text",  # names, phone numbers and addresses in text nobody sees
    "svg-entities",  # entity expansion and external entities
    "svg-malformed",  # not XML, not SVG, unknown encodings
    "raster-sizes",  # declared sizes that cost far more to decode than the file's bytes
    "raster-malformed",  # truncated files and other formats dressed up as a logo
    "raster-metadata",  # EXIF, GPS and text chunks
    "file-names",  # names that try to leave the upload's folder
)
TEXT_CLASSES = (
    "slugs",  # organisation names whose slug is a page the site writes itself
    "description-links",  # links in a description that hide their scheme behind character references
    "csv-formulas",  # cells a spreadsheet would run as a formula
    "control-characters",  # C0 and C1 controls and bidi overrides
)
DOCUMENT_CLASSES = (
    "agreements",  # signed agreements: PDFs and scans that run, embed, launch or explode (status page)
)
CASE_CLASSES = (
    "control-sequences",  # C1, bidi and line separators in form fields and in what the CLI prints
    "route-ids",  # item ids no integer column can hold
    "session-cookie",  # values a view might copy into a flash message (the session cookie)
    "log-injection",  # usernames that forge, hide or recolour log lines, or are a password
    "unicode-case",  # the same person in another case or Unicode normal form
    "erasure",  # people whose data must leave no readable copy after privacy erase
    "lockout",  # device cookies an attacker may forge to escape an account lock
    "server-paths",  # ways publishing fails on disk; none may show the server's folders
    "bare-responses",  # requests nginx answers itself, which must carry the security headers
)
# Nothing that can execute, load from elsewhere or animate may survive sanitising.
FORBIDDEN = re.compile(
    rb"<script|\bon[a-z]+\s*=|foreignObject|javascript:|data:|https?://(?!www\.w3\.org)|@import|<!ENTITY|<!DOCTYPE"
    rb"|<animate|<set\b|<image|<feImage|href=\"(?!#)|image-set|url\((?!#|\"#|&quot;#)|<title|<desc|<metadata",
    re.IGNORECASE,
)


def hostile_files(*classes: str) -> list[Path]:
    """The files of the named upload classes (all of them when none is named), in a stable order."""
    folders = classes or UPLOAD_CLASSES
    return sorted((path for folder in folders for path in (HOSTILE / folder).iterdir() if path.is_file()), key=str)


def hostile_file(name: str) -> Path:
    """The one upload in the corpus with this file name, whatever its class."""
    (path,) = [path for path in hostile_files() if path.name == name]
    return path


def hostile_texts(text_class: str) -> list[str]:
    """The strings of one text class."""
    cases = json.loads((HOSTILE / text_class / "cases.json").read_text(encoding="utf-8"))
    assert isinstance(cases, list) and all(isinstance(case, str) for case in cases), text_class
    return cases
