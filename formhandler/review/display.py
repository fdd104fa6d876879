"""How the admin shows stored values: phone numbers, counts per kind, and a record's change word by word."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

import phonenumbers
from markupsafe import Markup, escape

from formhandler.kinds import APPLICATION, CHANGE

#: kind -> (one, more): the words a count of that kind reads with.
KIND_WORDS: dict[str, tuple[str, str]] = {
    APPLICATION: ("aanmelding", "aanmeldingen"),
    CHANGE: ("wijzigingsverzoek", "wijzigingsverzoeken"),
}
# A word with the spaces after it (and any spaces the text starts with): a change never splits a word,
# and the spaces between words do not count as matches that cut a changed sentence into pieces.
_TOKEN = re.compile(r"\S+\s*|\s+")


def national_phone(value: str | None) -> str:
    """A stored E.164 number as people write it: Dutch numbers nationally, others internationally."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        return value  # stored before the form checked numbers: show what was given
    if not phonenumbers.is_valid_number(number):
        return value
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if number.country_code == 31 else style.INTERNATIONAL)


def kind_count(number: int, kind: str) -> str:
    """‘1 aanmelding’, ‘3 wijzigingsverzoeken’."""
    one, more = KIND_WORDS[kind]
    return f"{number} {one if number == 1 else more}"


def kinds_count(by_kind: Mapping[str, int]) -> str:
    """‘2 aanmeldingen en 1 wijzigingsverzoek’: each kind that occurs, in the order of KIND_WORDS."""
    parts = [kind_count(by_kind[kind], kind) for kind in KIND_WORDS if by_kind.get(kind)]
    if not parts:
        return "0 verzoeken"
    return " en ".join(parts)


def word_diff(old: str, new: str) -> Markup:
    """The new text with what went out in <del> and what came in in <ins>, word by word, all escaped."""
    before, after = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(before[i1:i2])))
            continue
        # The spaces after a changed run stay outside the marks, so a mark covers words only.
        gone, came = "".join(before[i1:i2]), "".join(after[j1:j2])
        if gone:
            out.append(_marked("del", "weg", gone.rstrip()))
        if gone and came:
            out.append(" ")
        if came:
            out.append(_marked("ins", "nieuw", came.rstrip()))
        out.append(escape((came or gone)[len((came or gone).rstrip()) :]))
    return Markup("".join(out))


def _marked(tag: str, spoken: str, text: str) -> str:
    """One changed run, with a word for screen readers, which do not announce <del> and <ins>."""
    hidden = '<span class="visually-hidden">'
    return f"<{tag}>{hidden}[{spoken}: </span>{escape(text)}{hidden}]</span></{tag}>"
