"""Every setting is documented in docs/settings.md, and every error message people see is Dutch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from formhandler import default_config
from formhandler.errors import MESSAGES

DOC = Path(__file__).resolve().parent.parent / "docs" / "settings.md"
# Words that give away an English text; none is also a common Dutch word.
ENGLISH = {
    "the",
    "your",
    "you",
    "please",
    "error",
    "not",
    "found",
    "request",
    "too",
    "large",
    "many",
    "try",
    "again",
    "page",
    "forbidden",
    "access",
    "something",
    "went",
    "wrong",
    "unavailable",
}


@pytest.mark.parametrize("name", list(default_config("instance")))
def test_setting_has_a_row_in_the_table(name):
    rows = [line for line in DOC.read_text().splitlines() if line.startswith(f"| `{name}` |")]
    assert len(rows) == 1, f"{name} is not documented in docs/settings.md"
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert cells[1] == f"`FORMHANDLER_{name}`" and cells[2] and len(cells[3]) > 10


def test_no_documented_setting_is_gone():
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", DOC.read_text(), re.MULTILINE))
    assert documented == set(default_config("instance"))


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_error_message_is_dutch(code):
    title, message = MESSAGES[code]
    words = set(re.findall(r"[a-z]+", f"{title} {message}".lower()))
    assert not words & ENGLISH, (code, words & ENGLISH)
    assert words & {"de", "het", "een", "u", "uw", "niet", "deze", "dit", "er"}, code
