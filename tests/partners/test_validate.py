"""Every field rule of the partner record, one row per rule, valid and broken."""

import datetime as dt
import random
import re
import unicodedata

import pytest

from partners import validate
from partners.validate import _BIDI_CONTROLS, InvalidValue, clean_line, has_control_characters, validate_fields
from tests.hostile_corpus import hostile_texts

VALID = {"Title": "Gemeente Utrecht", "Slug": "gemeente-utrecht", "Type": "overheid", "Since": "2020-05-01"}


@pytest.mark.parametrize(
    ("check", "value", "expected"),
    [
        (validate.check_title, "  KWF Kankerbestrijding ", "KWF Kankerbestrijding"),
        (validate.check_title, "Stichting ’t Hooge Huys", "Stichting ’t Hooge Huys"),
        (validate.check_title, "A" * 120, "A" * 120),
        (validate.check_slug, "gemeente-utrecht-2", "gemeente-utrecht-2"),
        (validate.check_type, "bedrijf", "bedrijf"),
        (validate.check_website, "https://www.longfonds.nl/over-ons?x=1", "https://www.longfonds.nl/over-ons?x=1"),
        (validate.check_website, "http://voorbeeld.nl", "http://voorbeeld.nl"),
        (validate.check_website, "", ""),
        (validate.check_logo_path, "logos/kwf.svg", "logos/kwf.svg"),
        (validate.check_logo_path, "logos/kwf.JPEG", "logos/kwf.JPEG"),
        (validate.check_date, "2013-10-01", dt.date(2013, 10, 1)),
        (validate.check_summary, "Eén regel.", "Eén regel."),
        (validate.check_contributions, "kennis, lobby", ("kennis", "lobby")),
    ],
)
def test_valid_values_are_cleaned(check, value, expected):
    assert check(value) == expected


@pytest.mark.parametrize(
    ("check", "value", "reason"),
    [
        (validate.check_title, "X", "minstens 2 tekens"),
        (validate.check_title, "A" * 121, "hoogstens 120 tekens"),
        (validate.check_title, "Naam\nSave_as: index.html", "op één regel"),
        (validate.check_title, "Naam\rTwee", "op één regel"),
        (validate.check_title, "Naam\u2028Twee", "op één regel"),
        (validate.check_title, "Naam\x00", "ongeldig teken (U+0000)"),
        (validate.check_title, "Naam\u202egnirts", "ongeldig teken (U+202E)"),
        (validate.check_slug, "Gemeente-Utrecht", "alleen kleine letters"),
        (validate.check_slug, "gemeente--utrecht", "alleen kleine letters"),
        (validate.check_slug, "-utrecht", "alleen kleine letters"),
        (validate.check_slug, "utrecht_", "alleen kleine letters"),
        (validate.check_slug, "a" * 81, "hoogstens 80"),
        (validate.check_type, "vereniging", "moet een van deze zijn"),
        (validate.check_website, "javascript:alert(1)", "https:// of http://"),
        (validate.check_website, "ftp://voorbeeld.nl", "https:// of http://"),
        (validate.check_website, "www.voorbeeld.nl", "https:// of http://"),
        (validate.check_website, "https://user:pw@voorbeeld.nl", "gebruikersnaam of wachtwoord"),
        (validate.check_website, "https://localhost", "domeinnaam"),
        (validate.check_website, "https://voorbeeld.nl/a b", "spaties"),
        (validate.check_website, "https://voorbeeld.nl:99999", "is niet te lezen"),
        (validate.check_logo_path, "../secret.svg", "direct in logos/"),
        (validate.check_logo_path, "logos/../../etc/passwd.svg", "direct in logos/"),
        (validate.check_logo_path, "logos/sub/x.svg", "direct in logos/"),
        (validate.check_logo_path, "logos/x.gif", "moet eindigen op"),
        (validate.check_logo_path, "logos/.svg", "geen geldige bestandsnaam"),
        (validate.check_date, "1-10-2013", "JJJJ-MM-DD"),
        (validate.check_date, "2013-02-30", "geen bestaande datum"),
        (validate.check_summary, "x" * 201, "hoogstens 200"),
        (validate.check_sector, "s" * 61, "hoogstens 60"),
        (validate.check_contributions, "kennis, koffie", "onbekende bijdrage ‘koffie’"),
        (validate.check_contributions, "kennis, kennis", "meer dan eens"),
    ],
)
def test_invalid_values_name_the_reason(check, value, reason):
    with pytest.raises(InvalidValue, match=re.escape(reason)):
        check(value)


@pytest.mark.parametrize("missing", ["Title", "Slug", "Type", "Since"])
def test_required_fields(missing):
    fields = {k: v for k, v in VALID.items() if k != missing}
    _, problems = validate_fields(fields)
    assert [(p.field, p.reason) for p in problems] == [(missing, "is verplicht")]


def test_unknown_field_is_refused():
    _, problems = validate_fields({**VALID, "Save_as": "index.html"})
    assert [p.field for p in problems] == ["Save_as"]
    assert "onbekend veld" in problems[0].reason


def test_until_before_since_is_refused():
    _, problems = validate_fields({**VALID, "Until": "2019-01-01"})
    assert [(p.field, p.reason) for p in problems] == [("Until", "ligt vóór de datum in Since")]


def test_every_problem_is_reported_not_only_the_first():
    _, problems = validate_fields({"Title": "X", "Slug": "X", "Type": "x", "Since": "gisteren"})
    assert [p.field for p in problems] == ["Title", "Slug", "Type", "Since"]


def test_problem_prints_as_path_line_field_reason():
    problem = validate.Problem("Slug", "is verplicht", "content/partners/x.md", 2)
    assert str(problem) == "content/partners/x.md:2: Slug: is verplicht"


def test_clean_line_refuses_the_first_line_break_or_control_character():
    """The rule as first written, a loop over the characters, against clean_line on seeded random strings."""

    def by_loop(value):
        if any(ch in value for ch in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
            return "moet op één regel staan"
        for ch in value:
            if (unicodedata.category(ch) == "Cc" and ch != "\t") or ch in _BIDI_CONTROLS:
                return f"bevat een ongeldig teken (U+{ord(ch):04X})"
        return value.strip()

    def by_regex(value):
        try:
            return clean_line(value, max_length=10_000)
        except InvalidValue as exc:
            return str(exc)

    rng = random.Random(5)
    alphabet = [chr(i) for i in range(0xB0)] + sorted(_BIDI_CONTROLS) + ["é", "\u2028", "\u200b", "a", " "]
    for _ in range(5000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))
        assert by_regex(value) == by_loop(value), repr(value)


@pytest.mark.parametrize("text", hostile_texts("control-characters"))
def test_has_control_characters_finds_every_hostile_case(text):
    assert has_control_characters(text) is True


@pytest.mark.parametrize("text", ["Gemeente Utrecht", "Café ’t Hooge Huys", "tab\tertussen", "zero\u200bwidth", ""])
def test_has_control_characters_passes_ordinary_text(text):
    assert has_control_characters(text) is False


def test_has_control_characters_is_clean_lines_rule():
    """The form reuses it: it must say yes exactly where clean_line refuses a character."""
    for code in [*range(0xB0), *map(ord, _BIDI_CONTROLS), 0x200B, 0x2028, 0xFEFF]:
        char = chr(code)
        try:
            clean_line(f"a{char}b", max_length=10)
            refused = False
        except InvalidValue as exc:
            refused = "ongeldig teken" in str(exc) or "één regel" in str(exc)
        assert has_control_characters(char) is refused, hex(code)


@pytest.mark.parametrize(
    ("value", "example"),
    [
        ("1 maart 2025", "2025-03-01 voor 1 maart 2025"),
        ("15 December, 2024", "2024-12-15 voor 15 december 2024"),
        ("01-03-2025", "2025-03-01 voor 1 maart 2025"),
        ("1/3/2025", "2025-03-01 voor 1 maart 2025"),
        ("31 februari 2025", "2013-10-01 voor 1 oktober 2013"),
        ("ergens in het voorjaar van het jaar 2025", "2013-10-01 voor 1 oktober 2013"),
    ],
)
def test_a_date_in_another_format_is_asked_for_as_jjjj_mm_dd(value, example):
    """Not “mag hoogstens 10 tekens lang zijn”: the format is the problem, and the message shows the date meant."""
    with pytest.raises(InvalidValue) as error:
        validate.check_date(value)
    assert str(error.value) == f"moet een datum zijn als JJJJ-MM-DD, bijvoorbeeld {example}"
