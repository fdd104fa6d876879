"""What a tile without a logo shows: the organisation's initials."""

from __future__ import annotations

import re

# Words that do not give a letter: articles, prepositions and the legal forms many names begin with.
_SKIP = {"de", "het", "een", "van", "voor", "en", "der", "den", "op", "in", "aan", "te", "tot", "t", "s"}
_WORD = re.compile(r"[^\W\d_][\w’'-]*", re.UNICODE)


def initials(title: str) -> str:
    """One to three capitals for a name: a short acronym as it is (KWF), else the first letters of up to two words."""
    words = [w.strip("’'-") for w in _WORD.findall(title)]
    words = [w for w in words if w and w.casefold() not in _SKIP]
    if not words:
        return title.strip()[:1].upper() or "?"
    first = words[0]
    if first.isupper() and 2 <= len(first) <= 4:
        return first
    return "".join(word[0] for word in words[:2]).upper()
