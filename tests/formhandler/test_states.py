"""The procedures: which step each kind of item may take from each state, and the Dutch refusals."""

from __future__ import annotations

import pytest

from formhandler.states import TransitionError, allowed_targets, check_transition


@pytest.mark.parametrize(
    "kind, state, targets",
    [
        ("aanmelding", "nieuw", ["in_behandeling", "afgewezen", "ingetrokken", "spam"]),
        ("aanmelding", "in_behandeling", ["stukken_verstuurd", "afgewezen", "ingetrokken", "spam"]),
        ("aanmelding", "getekend", ["gepubliceerd", "afgewezen", "ingetrokken", "spam"]),
        ("aanmelding", "gepubliceerd", []),
        ("aanmelding", "spam", []),
        ("wijziging", "nieuw", ["in_behandeling", "afgewezen", "spam"]),
        ("wijziging", "in_behandeling", ["goedgekeurd", "afgewezen", "spam"]),
        ("wijziging", "goedgekeurd", ["gepubliceerd", "in_behandeling", "afgewezen", "spam"]),
        ("wijziging", "gepubliceerd", []),
    ],
)
def test_targets_depend_on_the_kind(kind, state, targets):
    assert allowed_targets(state, kind) == targets


def test_an_application_is_the_default_kind():
    assert allowed_targets("in_behandeling") == ["stukken_verstuurd", "afgewezen", "ingetrokken", "spam"]
    check_transition("getekend", "gepubliceerd", publishing=True)


@pytest.mark.parametrize(
    "current, target, kind, message",
    [
        (
            "in_behandeling",
            "goedgekeurd",
            "aanmelding",
            "Van ‘In behandeling (contact opgenomen)’ kan het item niet naar ‘Goedgekeurd (wijziging)’.",
        ),
        ("in_behandeling", "stukken_verstuurd", "wijziging", "niet naar ‘Stukken verstuurd’."),
        (
            "goedgekeurd",
            "gepubliceerd",
            "wijziging",
            "Publiceren gaat via ‘publiceren’, zodat het partnerrecord wordt geschreven.",
        ),
        ("getekend", "gepubliceerd", "aanmelding", "Publiceren gaat via ‘publiceren’"),
        ("spam", "nieuw", "aanmelding", "Van ‘Spam’ kan het item niet naar ‘Nieuw’. Het is afgesloten."),
        ("nieuw", "nieuw", "aanmelding", "Het item heeft al de status ‘Nieuw’."),
        ("nieuw", "klaar", "aanmelding", "Onbekende status ‘klaar’. Kies uit: nieuw, in_behandeling,"),
        ("nieuw", "in_behandeling", "verzoekje", "Onbekende soort item ‘verzoekje’."),
    ],
)
def test_a_step_the_procedure_does_not_allow_is_refused_in_dutch(current, target, kind, message):
    with pytest.raises(TransitionError) as refused:
        check_transition(current, target, kind=kind)
    assert message in str(refused.value)
