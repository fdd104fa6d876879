"""Read partner record files: the header by our own parser, the body by Python-Markdown, then validate."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from markdown import Markdown

from . import schema
from .logos import LogoError, check_logo
from .markup import SafeMarkdownExtension
from .validate import (
    PLACEHOLDER_DESCRIPTION,
    InvalidValue,
    Problem,
    check_description,
    record_from_values,
    validate_fields,
)

PARTNERS_DIR = "partners"
# The header rules of Python-Markdown's meta extension, which Pelican reads Markdown metadata with:
# an optional "---" first line, "Key: value" lines, and a blank line (or "---"/"...") to end it.
_META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_CONTINUATION_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")
_BEGIN_RE = re.compile(r"^-{3}(\s.*)?")
_END_RE = re.compile(r"^(-{3}|\.{3})(\s.*)?")


def problem_count(count: int) -> str:
    """“1 fout gevonden”, “2 fouten gevonden”: the count line under a list of problems."""
    return f"{count} {'fout' if count == 1 else 'fouten'} gevonden"


class RecordError(Exception):
    """One or more records are invalid; str() lists every problem as path:line: Field: reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclasses.dataclass
class Header:
    """A record's header: raw values and line numbers by field name, its problems, and the body."""

    values: dict[str, str]
    lines: dict[str, int]
    problems: list[Problem]
    body: str
    # Fields whose line is repeated: which value was meant is unknown, so only the repetition is reported.
    repeated: frozenset[str] = frozenset()


def _field_name(key: str) -> str:
    """The schema's spelling of a header key (keys are case-insensitive, as in Pelican)."""
    for field in schema.FIELDS:
        if field.lower() == key.lower():
            return field
    return key.capitalize()


def parse_header(text: str) -> Header:
    """Split a record's text into its header (values, line numbers, repeats and continued lines) and body."""
    text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    values: dict[str, str] = {}
    numbers: dict[str, int] = {}
    problems: list[Problem] = []
    repeats: dict[str, list[int]] = {}
    index = 1 if lines and _BEGIN_RE.match(lines[0]) else 0
    last = ""
    while index < len(lines):
        line, number = lines[index].expandtabs(4), index + 1  # tabs count as Markdown counts them
        if not line.strip() or _END_RE.match(line):
            index += 1  # the line that ends the header is no part of the body
            break
        match = _META_RE.match(line)
        if match:
            last = _field_name(match.group("key"))
            if last in numbers:
                repeats.setdefault(last, []).append(number)
            else:
                values[last], numbers[last] = match.group("value").strip(), number
        elif last and _CONTINUATION_RE.match(line):
            problems.append(Problem(last, "moet op één regel staan", line=number))
        else:
            break  # the body starts without a blank line
        index += 1
    body = lines[index:]
    if body and not body[0].strip(" \t"):
        body[0] = ""  # as Markdown empties every line of spaces; alone, the body's first line would escape that
    for field, extra in repeats.items():
        *first, final = [str(n) for n in (numbers[field], *extra)]
        reason = f"staat meer dan eens in de kop (regels {', '.join(first)} en {final}); laat één regel staan"
        problems.append(Problem(field, reason, line=extra[0]))
    return Header(values, numbers, sorted(problems, key=lambda p: p.line), "\n".join(body), frozenset(repeats))


def _markdown() -> Markdown:
    """A Markdown converter for descriptions: plain Markdown, raw HTML shown as text, safe links only."""
    return Markdown(extensions=[SafeMarkdownExtension()], output_format="html")


def read_record(
    path: Path, content_dir: Path | None = None, check_logo_file: bool = True
) -> tuple[schema.Record | None, list[Problem]]:
    """Return (Record or None, problems) for one record file."""
    return _read(Path(path), content_dir, check_logo_file, _markdown())


def _read(
    path: Path, content_dir: Path | None, check_logo_file: bool, md: Markdown
) -> tuple[schema.Record | None, list[Problem]]:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem("bestand", "is geen geldige UTF-8-tekst", shown, 1)]
    header = parse_header(text)
    values, field_problems = validate_fields(header.values)
    field_problems = [p for p in field_problems if p.field not in header.repeated]  # one problem per field

    def located(problem: Problem) -> Problem:
        """The problem with this file's path and the line of its field."""
        return Problem(problem.field, problem.reason, shown, problem.line or header.lines.get(problem.field, 1))

    problems = [located(p) for p in header.problems + field_problems]
    if "Slug" in values and values["Slug"] != path.stem:
        reason = f"'{values['Slug']}' moet gelijk zijn aan de bestandsnaam '{path.stem}'"
        problems.append(located(Problem("Slug", reason)))
    if check_logo_file and values.get("Logo") and content_dir is not None:
        reason = logo_file_problem(content_dir / str(values["Logo"]))
        if reason:
            problems.append(located(Problem("Logo", reason)))
    try:
        check_description(header.body)
    except InvalidValue as exc:
        start = " ".join(PLACEHOLDER_DESCRIPTION.split()[:3])
        problems.append(Problem("beschrijving", str(exc), shown, _line_of(text, start)))
    description = md.reset().convert(header.body)
    if len(description) > schema.DESCRIPTION_MAX * 4:
        problems.append(Problem("beschrijving", "is te lang", shown, len(header.lines) + 2))
    if problems:
        return None, sorted(problems, key=lambda p: p.line)
    return record_from_values(values, description=description, source=shown), []


def _line_of(text: str, words: str) -> int:
    """The number of the first line that holds `words`, or 1."""
    return next((n for n, line in enumerate(text.splitlines(), start=1) if words in line), 1)


def logo_file_problem(path: Path) -> str:
    """Return why the logo file at `path` is unusable, or an empty string."""
    if not path.is_file():
        return f"bestand {path} bestaat niet"
    try:
        check_logo(path.read_bytes(), path.name)
    except LogoError as exc:
        return f"{path.name}: {exc}"
    return ""


def load_records(content_dir: Path, check_logo_files: bool = True) -> tuple[list[schema.Record], list[Problem]]:
    """Read and validate every record under content_dir/partners, in file name order; slugs must be unique."""
    md = _markdown()  # one converter for all files: Markdown.reset() readies it for the next document
    records: list[schema.Record] = []
    problems: list[Problem] = []
    for path in sorted((Path(content_dir) / PARTNERS_DIR).glob("*.md")):
        record, found = _read(path, Path(content_dir), check_logo_files, md)
        problems += found
        if record:
            records.append(record)
    # The slug equals the file name, so a clash can only come from case-folding file systems.
    seen: dict[str, str] = {}
    for record in records:
        if record.slug in seen:
            reason = f"'{record.slug}' wordt ook gebruikt in {seen[record.slug]}"
            problems.append(Problem("Slug", reason, record.source, 1))
        seen[record.slug] = record.source
    return records, problems


def wall_order(records: list[schema.Record], today: dt.date) -> list[schema.Record]:
    """Active partners: founders first, then by type, alphabetical within each type."""
    order = {name: index for index, name in enumerate(schema.TYPES)}
    active = [r for r in records if r.is_active(today)]
    return sorted(active, key=lambda r: (order[r.type], r.title.casefold(), r.slug))
