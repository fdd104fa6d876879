"""How the admin shows stored values: national phone numbers, counts per kind, the word-level diff."""

from __future__ import annotations

import pytest

from formhandler.review.display import kinds_count, national_phone, word_diff


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("+31301234567", "030 123 4567"),
        ("+31612345678", "06 12345678"),
        ("+3197012345678", "0970 123 45678"),
        ("+3222345678", "+32 2 234 56 78"),
        ("030-1234567 (oud)", "030-1234567 (oud)"),  # not a number: shown as given
        ("", ""),
        (None, ""),
    ],
)
def test_national_phone(stored, shown):
    assert national_phone(stored) == shown


@pytest.mark.parametrize(
    "by_kind, text",
    [
        ({"aanmelding": 1}, "1 aanmelding"),
        ({"aanmelding": 2}, "2 aanmeldingen"),
        ({"wijziging": 1}, "1 wijzigingsverzoek"),
        ({"aanmelding": 3, "wijziging": 2}, "3 aanmeldingen en 2 wijzigingsverzoeken"),
        ({}, "0 verzoeken"),
    ],
)
def test_kinds_count(by_kind, text):
    assert kinds_count(by_kind) == text


def _plain(markup: str) -> str:
    """The diff with the screen-reader words and tags taken out, as ins/del pairs."""
    return (
        markup.replace('<span class="visually-hidden">[weg: </span>', "")
        .replace('<span class="visually-hidden">[nieuw: </span>', "")
        .replace('<span class="visually-hidden">]</span>', "")
    )


@pytest.mark.parametrize(
    "old, new, shown",
    [
        (
            "Title: Stichting Oude Naam\n",
            "Title: Stichting Nieuwe Naam\n",
            "Title: Stichting <del>Oude</del> <ins>Nieuwe</ins> Naam\n",
        ),
        ("Summary: kort\n", "Summary: kort en goed\n", "Summary: <del>kort</del> <ins>kort en goed</ins>\n"),
        ("Until: 2026-11-01\nX\n", "X\n", "<del>Until: 2026-11-01</del>\nX\n"),
        ("a & b\n", "a & <b>\n", "a &amp; <del>b</del> <ins>&lt;b&gt;</ins>\n"),
        ("zelfde\n", "zelfde\n", "zelfde\n"),
        (
            "Summary: Oude samenvatting.\n",
            "Summary: Nu ook actief.\n",
            "Summary: <del>Oude samenvatting.</del> <ins>Nu ook actief.</ins>\n",
        ),
    ],
)
def test_word_diff(old, new, shown):
    assert _plain(str(word_diff(old, new))) == shown


def test_word_diff_names_the_change_for_screen_readers():
    html = str(word_diff("oud", "nieuw"))
    assert html == (
        '<del><span class="visually-hidden">[weg: </span>oud<span class="visually-hidden">]</span></del> '
        '<ins><span class="visually-hidden">[nieuw: </span>nieuw<span class="visually-hidden">]</span></ins>'
    )
