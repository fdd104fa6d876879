"""The record schema: its fields, labels and the derived properties of a Record."""

import datetime as dt

import pytest

from partners import schema, validate
from partners.schema import Record


def record(**fields) -> Record:
    return Record(**{"title": "Naam", "slug": "naam", "type": "overheid", "since": dt.date(2020, 1, 1), **fields})


def test_every_field_has_one_rule_and_every_type_both_labels():
    assert set(schema.FIELDS) == set(validate.CHECKS)
    assert set(schema.FIELDS) >= schema.REQUIRED
    assert list(schema.TYPES) == list(schema.TYPE_SINGULAR)
    assert all(schema.SLUG_RE.match(slug) for slug in [*schema.TYPES, *schema.CONTRIBUTIONS])


@pytest.mark.parametrize(
    ("title", "initial"),
    [
        ("Longfonds", "L"),
        ("’t Hooge Huys", "T"),
        ("'s-Hertogenbosch", "S"),
        ("Ëlïsé & Zonen", "E"),
        ("ijsclub", "I"),
        ("3M Nederland", "#"),
        ("Øresund", "#"),
    ],
)
def test_initial_files_a_partner_under_a_letter_of_the_a_z_index(title, initial):
    assert record(title=title).initial == initial


@pytest.mark.parametrize(
    ("until", "active"), [(None, True), (dt.date(2026, 11, 29), True), (dt.date(2026, 11, 28), False)]
)
def test_a_partnership_ends_on_its_until_date(until, active):
    assert record(until=until).is_active(dt.date(2026, 11, 28)) is active


@pytest.mark.parametrize(
    ("kind", "label", "vote"),
    [
        ("oprichter", "Oprichtingspartner", True),
        ("overheid", "Overheid", True),
        ("bedrijf", "Bedrijf (status aparte)", False),
    ],
)
def test_type_label_and_vote(kind, label, vote):
    assert (record(type=kind).type_label, record(type=kind).has_vote) == (label, vote)
