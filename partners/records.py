"""Read partner records with Pelican's own Markdown reader and validate them with line numbers."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import logging
import os
import pickle
import re
import threading
from pathlib import Path

from markdown import Markdown
from markdown.extensions.meta import MetaExtension
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader
from pelican.settings import DEFAULT_CONFIG

from . import schema
from .logos import LogoError, check_logo
from .markup import SafeMarkdownExtension
from .validate import Problem, record_from_values, validate_fields

logger = logging.getLogger("pelican.readers")
PARTNERS_DIR = "partners"
# The cache is trusted only by the exact code that wrote it: rules, schema and reader.
CACHE_VERSION = hashlib.sha256(
    b"".join(
        (Path(__file__).parent / name).read_bytes()
        for name in ("records.py", "schema.py", "validate.py", "markup.py", "logos.py")
    )
).hexdigest()
# The same pattern Python-Markdown's meta extension uses to recognise a header line.
_META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_CONTINUATION_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")


class RecordError(Exception):
    """One or more records are invalid; str() lists every problem as path:line: Field: reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _RecordReader(MarkdownReader):
    """Pelican's Markdown reader, converting many records with one Markdown instance per thread.

    Pelican builds a new Markdown object (and all its processors) for every file; for a thousand
    records that set-up costs more than the conversion. `Markdown.reset()` is Python-Markdown's
    own way to convert the next document with the same instance; the metadata rules stay
    Pelican's (no formatted fields: every value is plain text).
    """

    def __init__(self, settings):
        super().__init__(settings)
        assert not self.settings["FORMATTED_FIELDS"], "records have no formatted fields"
        # Pelican adds the meta extension by name; Python-Markdown resolves a name by scanning every
        # installed package's entry points (50 ms, in a rebuild that re-reads one record). Same
        # extension, same place in the list, as an instance.
        extensions = self.settings["MARKDOWN"]["extensions"]
        extensions[:] = [MetaExtension() if e == "markdown.extensions.meta" else e for e in extensions]
        self._local = threading.local()

    def convert(self, text: str, source_path: str = "") -> tuple[str, dict]:
        """(HTML, metadata) of a record's text, as Pelican's read() would give for the file."""
        md = getattr(self._local, "md", None)
        if md is None:
            md = self._local.md = Markdown(**self.settings["MARKDOWN"])
        else:
            md.reset()
        self._source_path = source_path
        if text.startswith("\ufeff"):  # what pelican_open's utf-8-sig drops
            text = text[1:]
        content = md.convert(text)
        return content, self._metadata(getattr(md, "Meta", {}))

    def read(self, source_path):
        with open(source_path, encoding="utf-8") as handle:
            return self.convert(handle.read(), source_path)

    def _metadata(self, meta: dict) -> dict:
        """MarkdownReader._parse_metadata without formatted fields (that one would disable the
        meta preprocessor of the shared instance)."""
        output = {}
        for name, value in meta.items():
            name = name.lower()
            if not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True) or len(value) == 1:
                if len(value) > 1:
                    logger.warning("Duplicate definition of `%s` for %s. Using first one.", name, self._source_path)
                output[name] = self.process_metadata(name, value[0])
            else:
                output[name] = self.process_metadata(name, value)
        return output


@functools.lru_cache(maxsize=1)
def _reader() -> _RecordReader:
    """A Pelican Markdown reader configured for records: safe body, plain metadata."""
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings["FORMATTED_FIELDS"] = []
    settings["MARKDOWN"] = {
        # Plain Markdown only: attr_list or md_in_html would let a record add attributes or raw HTML.
        "extensions": [SafeMarkdownExtension()],
        "output_format": "html5",
    }
    return _RecordReader(settings)


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
    content, metadata = _reader().convert(text, shown)
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
            Problem(
                "Slug",
                f"'{values['Slug']}' moet gelijk zijn aan de bestandsnaam '{path.stem}'",
                shown,
                lines.get("Slug", 1),
            )
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
    return [Path(name) for name in _record_files(str(folder))]


def _record_files(folder: str) -> list[str]:
    """record_paths as strings (what Path.glob("*.md") finds, sorted), without pathlib's overhead."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(".md"))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [f"{folder}/{name}" for name in names]


def _stamp(path: str | Path) -> tuple[int, int]:
    """What changes when a file changes: modification time and size."""
    try:
        info = os.stat(path)
    except OSError:
        return (0, -1)
    return (info.st_mtime_ns, info.st_size)


def _logo_stamp(content_dir: Path | str, record: schema.Record) -> tuple[int, int] | None:
    """The stat of the logo a record names: a changed logo invalidates the cached record."""
    return _stamp(f"{content_dir}/{record.logo}") if record.logo else None


def record_digest(record: schema.Record) -> str:
    """SHA-256 of repr(record): everything a page or row made from the record can depend on.

    The reprs of frozen dataclasses of strings, dates and tuples are complete. A record that
    load_records returned has its digest already (kept in the records cache beside the record),
    so a rebuild does not repr a thousand records to find the one page that changed.
    """
    known = _digests.get(id(record))
    if known is not None and known[0] is record:
        return known[1]
    return _digest(record)


def _digest(record: schema.Record) -> str:
    return hashlib.sha256(repr(record).encode()).hexdigest()


_digests: dict[int, tuple[schema.Record, str]] = {}  # the records of the last load_records, by id


def load_records(
    content_dir: Path, check_logo_files: bool = True, cache_file: Path | None = None
) -> tuple[list[schema.Record], list[Problem]]:
    """Read and validate every record under content_dir/partners; slugs must be unique.

    With `cache_file`, a record whose file and logo are unchanged since the last run is not
    parsed again: at a thousand partners that is most of an editor's rebuild.
    """
    global _digests
    cache = _read_cache(cache_file) if cache_file else {}
    fresh: dict[str, tuple] = {}
    records, problems = [], []
    digests: dict[int, tuple[schema.Record, str]] = {}
    content = str(content_dir)
    changed = False
    for path in _record_files(str(content_dir / PARTNERS_DIR)):
        key = (_stamp(path), CACHE_VERSION)
        hit = cache.get(path)
        record = None
        check_logo = check_logo_files
        # Only valid records are cached: an invalid one is read again, and stops the build anyway.
        if hit and check_logo_files and hit[0][1] == CACHE_VERSION:
            logo_stamp = _logo_stamp(content, hit[2])
            if hit[0] == key and hit[1] == logo_stamp:
                record, found = hit[2], []
                fresh[path] = hit
                digests[id(record)] = (record, hit[3])
            elif logo_stamp is not None and hit[1] == logo_stamp:
                check_logo = False  # the record changed, its logo file did not: it passed these checks
        if record is None:
            record, found = read_record(Path(path), content_dir, check_logo)
            if not check_logo and (record is None or record.logo != hit[2].logo):
                record, found = read_record(Path(path), content_dir, check_logo_files)  # check everything
            if record is not None:
                digest = _digest(record)
                fresh[path] = (key, _logo_stamp(content, record), record, digest)
                digests[id(record)] = (record, digest)
                changed = True
        problems += found
        if record:
            records.append(record)
    _digests = digests
    if cache_file and (changed or fresh.keys() != cache.keys()):
        _write_cache(cache_file, fresh)
    # The slug equals the file name, so a clash can only come from case folding filesystems.
    seen: dict[str, str] = {}
    for record in records:
        if record.slug in seen:
            problems.append(
                Problem("Slug", f"'{record.slug}' wordt ook gebruikt in {seen[record.slug]}", record.source, 1)
            )
        seen[record.slug] = record.source
    return records, problems


# The records cache this process last read or wrote: (file, its signature, its entries). `make
# serve` rebuilds in one process, and need not unpickle again the file it wrote itself. Entries
# are never changed once made (load_records builds a new dict), so sharing them is safe.
_kept: tuple[str, tuple, dict] | None = None


def _signature(info: os.stat_result) -> tuple[int, int, int]:
    """What changes when the cache file is replaced (a new inode) or written over."""
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _read_cache(cache_file: Path) -> dict:
    global _kept
    try:
        with open(cache_file, "rb") as handle:
            signature = _signature(os.fstat(handle.fileno()))
            if _kept is not None and _kept[0] == str(cache_file) and _kept[1] == signature:
                return _kept[2]
            entries = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return {}  # a missing or stale cache only costs time
    _kept = (str(cache_file), signature, entries) if isinstance(entries, dict) else None
    return entries


def _write_cache(cache_file: Path, entries: dict) -> None:
    global _kept
    _kept = None
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            signature = _signature(os.fstat(handle.fileno()))
        os.replace(tmp, cache_file)
    except OSError:
        return
    _kept = (str(cache_file), signature, entries)


def wall_order(records: list[schema.Record], today: dt.date) -> list[schema.Record]:
    """Active partners: founders first, then by type, alphabetical within each type."""
    order = {name: index for index, name in enumerate(schema.TYPES)}
    active = [r for r in records if r.is_active(today)]
    return sorted(active, key=lambda r: (order[r.type], r.title.casefold(), r.slug))
