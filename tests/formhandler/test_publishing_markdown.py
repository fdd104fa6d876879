"""Names from the queue stay plain text in a record's Markdown."""

from __future__ import annotations

import pytest

from formhandler.publishing.markdown import markdown_text


@pytest.mark.parametrize(
    "name, shown",
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("A & B *nadruk* [link](javascript:alert(1))", "A &amp; B \\*nadruk\\* \\[link\\](javascript:alert(1))"),
        ("`code` _schuin_ \\", "\\`code\\` \\_schuin\\_ \\\\"),
        ("1. Eerste", "1\\. Eerste"),
        ("2) Tweede", "2\\) Tweede"),
        ("# Kop", "\\# Kop"),
        ("- Lijst", "\\- Lijst"),
        ("+ Plus", "\\+ Plus"),
        ("Gewoon een naam", "Gewoon een naam"),
    ],
)
def test_names_stay_plain_text_in_markdown(name, shown):
    assert markdown_text(name) == shown
