"""Read partner records with Pelican's own Markdown reader and validate them with line numbers."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import os
import pickle
import re
from pathlib import Path

from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG

from . import schema
from .logos import LogoError, check_logo
from .markup import SafeMarkdownExtension
from .validate import Problem, record_from_values, validate_fields

PARTNERS_DIR = "partners"
# The cache is trusted only by the exact code that wrote it: rules, schema and reader.
CACHE_VERSION = hashlib.sha256(b"".join(
    (Path(__file__).parent / name).read_bytes()
    for name in ("records.py", "schema.py", "validate.py", "markup.py", "logos.py")
)).hexdigest()
# The same pattern Python-Markdown's meta extension uses to recognise a header line.
_META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_CONTINUATION_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")


class RecordError(Exception):
    """One or more records are invalid; str() lists every problem as path:line: Field: reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@functools.lru_cache(maxsize=1)
def _reader() -> MarkdownReader:
    """A Pelican Markdown reader configured for records: safe body, plain metadata."""
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings["FORMATTED_FIELDS"] = []
    settings["MARKDOWN"] = {
        # Plain Markdown only: attr_list or md_in_html would let a record add attributes or raw HTML.
        "extensions": [SafeMarkdownExtension()],
        "output_format": "html5",
    }
    return MarkdownReader(settings)


def header_lines(text: str) -> tuple[dict[str, int], list[Problem]]:
    """Map each header key (as written) to its line number; flag repeats and continued lines."""
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    last_key = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        if not line.strip():
            break
        match = _META_RE.match(line)
        if match:
            key = match.group("key")
            canonical = key.capitalize() if key.lower() != "title" else "Title"
            if canonical in lines:
                problems.append(Problem(canonical, "staat meer dan eens in de kop", line=number))
            else:
                lines[canonical] = number
            last_key = canonical
        elif _CONTINUATION_RE.match(line) and last_key:
            problems.append(Problem(last_key, "moet op één regel staan", line=number))
        else:
            break
    return lines, problems


def read_record(path: Path, content_dir: Path | None = None, check_logo_file: bool = True):
    """Return (Record or None, problems) for one record file."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem("bestand", "is geen geldige UTF-8-tekst", shown, 1)]
    lines, problems = header_lines(text)
    content, metadata = _reader().read(str(path))
    raw = {}
    for key, value in metadata.items():
        field = _canonical(key)
        if isinstance(value, list):  # a repeated or continued key; already reported
            value = " ".join(str(v) for v in value)
        raw[field] = str(value)
    values, field_problems = validate_fields(raw)
    problems = [Problem(p.field, p.reason, shown, p.line or lines.get(p.field, 1)) for p in problems]
    problems += [Problem(p.field, p.reason, shown, lines.get(p.field, 1)) for p in field_problems]
    if "Slug" in values and values["Slug"] != path.stem:
        problems.append(
            Problem("Slug", f"'{values['Slug']}' moet gelijk zijn aan de bestandsnaam '{path.stem}'", shown, lines.get("Slug", 1))
        )
    if check_logo_file and values.get("Logo") and content_dir is not None:
        reason = logo_file_problem(content_dir / str(values["Logo"]))
        if reason:
            problems.append(Problem("Logo", reason, shown, lines.get("Logo", 1)))
    if len(content) > schema.DESCRIPTION_MAX * 4:
        problems.append(Problem("beschrijving", "is te lang", shown, len(lines) + 2))
    if problems:
        return None, sorted(problems, key=lambda p: p.line)
    return record_from_values(values, description=content, source=shown), []


def logo_file_problem(path: Path) -> str:
    """Return why the logo file at `path` is unusable, or an empty string."""
    if not path.is_file():
        return f"bestand {path} bestaat niet"
    try:
        check_logo(path.read_bytes(), path.name)
    except LogoError as exc:
        return f"{path.name}: {exc}"
    return ""


def _canonical(key: str) -> str:
    """Pelican lowercases metadata keys; map them back to the record's field names."""
    for field in schema.FIELDS:
        if field.lower() == key.lower():
            return field
    return key.capitalize()


def record_paths(content_dir: Path) -> list[Path]:
    """Every record file, in a stable order."""
    folder = content_dir / PARTNERS_DIR
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


def _stamp(path: Path) -> tuple[int, int]:
    """What changes when a file changes: modification time and size."""
    try:
        info = path.stat()
    except OSError:
        return (0, -1)
    return (info.st_mtime_ns, info.st_size)


def _logo_stamp(content_dir: Path, record: schema.Record) -> tuple[int, int] | None:
    """The stat of the logo a record names: a changed logo invalidates the cached record."""
    return _stamp(content_dir / record.logo) if record.logo else None


def load_records(content_dir: Path, check_logo_files: bool = True, cache_file: Path | None = None
                 ) -> tuple[list[schema.Record], list[Problem]]:
    """Read and validate every record under content_dir/partners; slugs must be unique.

    With `cache_file`, a record whose file and logo are unchanged since the last run is not
    parsed again: at a thousand partners that is most of an editor's rebuild.
    """
    cache = _read_cache(cache_file) if cache_file else {}
    fresh: dict[str, tuple] = {}
    records, problems = [], []
    for path in record_paths(content_dir):
        key = (_stamp(path), CACHE_VERSION)
        hit = cache.get(str(path))
        # Only valid records are cached: an invalid one is read again, and stops the build anyway.
        if hit and check_logo_files and hit[0] == key and hit[1] == _logo_stamp(content_dir, hit[2]):
            record, found = hit[2], []
        else:
            record, found = read_record(path, content_dir, check_logo_files)
        if record is not None:
            fresh[str(path)] = (key, _logo_stamp(content_dir, record), record)
        problems += found
        if record:
            records.append(record)
    if cache_file:
        _write_cache(cache_file, fresh)
    # The slug equals the file name, so a clash can only come from case folding filesystems.
    seen: dict[str, str] = {}
    for record in records:
        if record.slug in seen:
            problems.append(Problem("Slug", f"'{record.slug}' wordt ook gebruikt in {seen[record.slug]}", record.source, 1))
        seen[record.slug] = record.source
    return records, problems


def _read_cache(cache_file: Path) -> dict:
    try:
        with open(cache_file, "rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return {}  # a missing or stale cache only costs time


def _write_cache(cache_file: Path, entries: dict) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache_file)
    except OSError:
        pass


def wall_order(records: list[schema.Record], today: dt.date) -> list[schema.Record]:
    """Active partners: founders first, then by type, alphabetical within each type."""
    order = {name: index for index, name in enumerate(schema.TYPES)}
    active = [r for r in records if r.is_active(today)]
    return sorted(active, key=lambda r: (order[r.type], r.title.casefold(), r.slug))
