"""The generated sentence that names a new partner, and a rename that rewrites it and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest

from formhandler.publishing.sentence import partner_sentence, rename_in_sentence

SINCE = dt.date(2024, 1, 15)


@pytest.mark.parametrize(
    "old, new, rest",
    [
        ("Stichting Oude Naam", "Stichting Nieuwe Naam", "\n\nStichting Oude Naam werd in 1990 opgericht."),
        ("A*B & Co", "C_D \\ E", "\n\nOver A*B & Co: sinds 1990 actief."),  # Markdown characters, a backslash
        (
            "GGD",
            "GGD Regio Utrecht",
            "\n\nDe GGD doet mee; GGD is partner van de Alliantie Nederland Rookvrij! sinds 1 mei 2020.",
        ),
    ],
)
def test_only_the_generated_sentence_is_renamed(old, new, rest):
    body = partner_sentence(old, SINCE) + rest
    assert rename_in_sentence(body, old, new) == partner_sentence(new, SINCE) + rest


@pytest.mark.parametrize(
    "body",
    [
        "Stichting Oude Naam is al jaren actief.",  # the editor's own first sentence
        "Sinds kort: Stichting Oude Naam is partner van de Alliantie Nederland Rookvrij! sinds 15 januari 2024.",
        "Stichting Oude Naamloos is partner van de Alliantie Nederland Rookvrij! sinds 15 januari 2024.",
        "",
    ],
)
def test_a_body_without_the_generated_sentence_stays_as_it_is(body):
    assert rename_in_sentence(body, "Stichting Oude Naam", "Stichting Nieuwe Naam") == body
