"""Field rules of a partner record: one function per field, shared by build, CLI and form."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from . import schema
from .dates import MONTHS, nl_date

# Bidirectional overrides and isolates let a name display as something it is not.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY_MONTH_YEAR_RE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Unicode category Cc (U+0000-U+001F, U+007F-U+009F) except the tab, and the bidi controls:
# one regex search finds the same first offending character as a loop over unicodedata.category.
_BAD_CHARACTER = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f" + "".join(sorted(_BIDI_CONTROLS)) + "]")


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with a record, located as precisely as we can."""

    field: str
    reason: str
    path: str = ""
    line: int = 0

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path else ""
        return f"{where}{self.field}: {self.reason}"


class InvalidValue(ValueError):
    """A field value broke a rule; the message is the Dutch reason."""


def clean_line(value: str, *, max_length: int, min_length: int = 0) -> str:
    """Return `value` stripped, refusing line breaks, control characters and wrong lengths."""
    if _LINE_BREAKS.search(value):
        raise InvalidValue("moet op één regel staan")
    bad = _BAD_CHARACTER.search(value)  # has_control_characters' rule, naming the offending character
    if bad:
        raise InvalidValue(f"bevat een ongeldig teken (U+{ord(bad.group()):04X})")
    value = value.strip()
    if len(value) < min_length:
        raise InvalidValue(f"moet minstens {min_length} tekens lang zijn")
    if len(value) > max_length:
        raise InvalidValue(f"mag hoogstens {max_length} tekens lang zijn (nu {len(value)})")
    return value


def has_control_characters(text: str) -> bool:
    """True when `text` holds a character clean_line refuses: a line break, a control or a bidi character."""
    return bool(_LINE_BREAKS.search(text) or _BAD_CHARACTER.search(text))


def check_title(value: str) -> str:
    """Organisation name: 2–120 characters on one line."""
    return clean_line(value, min_length=schema.TITLE_MIN, max_length=schema.TITLE_MAX)


def check_slug(value: str) -> str:
    """Lowercase letters and digits separated by single hyphens, and no address the site uses itself."""
    value = clean_line(value, max_length=schema.SLUG_MAX)
    if not schema.SLUG_RE.match(value):
        raise InvalidValue("alleen kleine letters a-z, cijfers en losse koppeltekens, bijvoorbeeld ‘gemeente-utrecht’")
    if value in schema.RESERVED_SLUGS:
        raise InvalidValue(
            f"‘{value}’ is het adres van een pagina van de site zelf (/{schema.WALL_DIR}/{value}/); "
            f"kies een andere, bijvoorbeeld ‘{value}{schema.RESERVED_SLUG_SUFFIX}’"
        )
    return value


def check_type(value: str) -> str:
    """One of the four partner types."""
    value = clean_line(value, max_length=40)
    if value not in schema.TYPES:
        raise InvalidValue("moet een van deze zijn: " + ", ".join(schema.TYPES))
    return value


def check_website(value: str) -> str:
    """An absolute http(s) URL with a host and without credentials."""
    value = clean_line(value, max_length=schema.WEBSITE_MAX)
    if not value:
        return ""
    if any(ch.isspace() for ch in value):
        raise InvalidValue("mag geen spaties bevatten")
    try:
        parts = urlsplit(value)
        port = parts.port  # noqa: F841 -- raises on a malformed port
    except ValueError:
        raise InvalidValue("is niet te lezen; controleer het op typfouten") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidValue("moet beginnen met https:// of http://")
    if not parts.hostname or "." not in parts.hostname:
        raise InvalidValue("heeft geen geldige domeinnaam, zoals voorbeeld.nl")
    if parts.username is not None or parts.password is not None:
        raise InvalidValue("mag geen gebruikersnaam of wachtwoord bevatten")
    return value


def check_logo_path(value: str) -> str:
    """A path under logos/ with an allowed extension (the file itself is checked elsewhere)."""
    value = clean_line(value, max_length=200)
    if not value:
        return ""
    parts = value.split("/")
    if parts[0] != schema.LOGO_DIR or len(parts) != 2 or parts[1] in ("", ".", ".."):
        raise InvalidValue(f"moet een bestand direct in {schema.LOGO_DIR}/ zijn, bijvoorbeeld logos/naam.svg")
    if "\\" in value or parts[1].startswith("."):
        raise InvalidValue("is geen geldige bestandsnaam")
    ext = "." + parts[1].rsplit(".", 1)[-1].lower() if "." in parts[1] else ""
    if ext not in schema.LOGO_EXTENSIONS:
        raise InvalidValue("moet eindigen op " + ", ".join(schema.LOGO_EXTENSIONS))
    return value


def _dutch_date(value: str) -> dt.date | None:
    """The date in “1 maart 2025” or “01-03-2025”, to suggest its JJJJ-MM-DD form; None when it is neither."""
    words = value.lower().replace(",", " ").split()
    numeric = _DAY_MONTH_YEAR_RE.fullmatch(value)
    try:
        if len(words) == 3 and words[1] in MONTHS:
            return dt.date(int(words[2]), MONTHS.index(words[1]) + 1, int(words[0]))
        if numeric:
            return dt.date(int(numeric[3]), int(numeric[2]), int(numeric[1]))
    except ValueError:
        pass
    return None


def check_date(value: str) -> dt.date:
    """An ISO date, YYYY-MM-DD."""
    # The length is not the problem with “1 maart 2025”: the format is, so that is what the message names.
    value = clean_line(value, max_length=200)
    if not _ISO_DATE_RE.match(value):
        meant = _dutch_date(value)
        example = f"{meant.isoformat()} voor {nl_date(meant)}" if meant else "2013-10-01 voor 1 oktober 2013"
        raise InvalidValue(f"moet een datum zijn als JJJJ-MM-DD, bijvoorbeeld {example}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(f"‘{value}’ is geen bestaande datum") from None


def check_summary(value: str) -> str:
    """One line of at most 200 characters."""
    return clean_line(value, max_length=schema.SUMMARY_MAX)


def check_sector(value: str) -> str:
    """A short free label."""
    return clean_line(value, max_length=schema.SECTOR_MAX)


def check_contributions(value: str) -> tuple[str, ...]:
    """A comma list of contribution slugs, each at most once."""
    value = clean_line(value, max_length=300)
    items = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [item for item in items if item not in schema.CONTRIBUTIONS]
    if unknown:
        raise InvalidValue(f"onbekende bijdrage ‘{unknown[0]}’; kies uit: " + ", ".join(schema.CONTRIBUTIONS))
    if len(set(items)) != len(items):
        raise InvalidValue("noemt een bijdrage meer dan eens")
    return tuple(items)


# The description `partners new` writes. It reads like a real text, so only a rule stops it from
# being published as the partner's description.
PLACEHOLDER_DESCRIPTION = "Beschrijf hier in een paar zinnen de organisatie en haar bijdrage."


def check_description(text: str) -> str:
    """A record's description (its Markdown body): never with the placeholder `partners new` wrote in it."""
    if " ".join(PLACEHOLDER_DESCRIPTION.split()) in " ".join(text.split()):
        raise InvalidValue(
            "bevat nog de voorbeeldtekst van ‘partners new’; vervang die door een beschrijving "
            "van de organisatie en haar bijdrage"
        )
    return text


CHECKS: dict[str, Callable[[str], object]] = {
    "Title": check_title,
    "Slug": check_slug,
    "Type": check_type,
    "Website": check_website,
    "Logo": check_logo_path,
    "Since": check_date,
    "Until": check_date,
    "Summary": check_summary,
    "Sector": check_sector,
    "Contributions": check_contributions,
}


def validate_fields(fields: Mapping[str, str]) -> tuple[dict[str, object], list[Problem]]:
    """Check raw field strings; return the cleaned values and every problem found."""
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for name in fields:
        if name not in CHECKS:
            problems.append(Problem(name, "onbekend veld; toegestaan zijn: " + ", ".join(schema.FIELDS)))
    for name in schema.FIELDS:
        raw = fields.get(name)
        if raw is None or (not str(raw).strip() and name in schema.REQUIRED):
            if name in schema.REQUIRED:
                problems.append(Problem(name, "is verplicht"))
            continue
        try:
            values[name] = CHECKS[name](str(raw))
        except InvalidValue as exc:
            problems.append(Problem(name, str(exc)))
    since, until = values.get("Since"), values.get("Until")
    if isinstance(since, dt.date) and isinstance(until, dt.date) and until < since:
        problems.append(Problem("Until", "ligt vóór de datum in Since"))
    return values, problems


def record_from_values(values: Mapping[str, Any], description: str = "", source: str = "") -> schema.Record:
    """Build a Record from values that passed `validate_fields`."""
    return schema.Record(
        title=values["Title"],
        slug=values["Slug"],
        type=values["Type"],
        since=values["Since"],
        website=values.get("Website", "") or "",
        logo=values.get("Logo", "") or "",
        until=values.get("Until"),
        summary=values.get("Summary", "") or "",
        sector=values.get("Sector", "") or "",
        contributions=values.get("Contributions", ()) or (),
        description=description,
        source=source,
    )
