"""The procedure as the applicant reads it: each step's name and what it means, per kind of item."""

from __future__ import annotations

import dataclasses

from ..kinds import APPLICATION, CHANGE


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of the procedure on the status page."""

    state: str
    name: str
    meaning: str


STEPS: dict[str, tuple[Step, ...]] = {
    APPLICATION: (
        Step("nieuw", "Aanmelding ontvangen", "Wij hebben uw aanmelding ontvangen."),
        Step("in_behandeling", "In behandeling", "Het Alliantiebureau bespreekt met u de criteria en uw bijdrage."),
        Step(
            "stukken_verstuurd",
            "Partnerovereenkomst verstuurd",
            "Wij hebben u de partnerovereenkomst gestuurd. U laat haar tekenen en stuurt haar terug.",
        ),
        Step(
            "getekend", "Overeenkomst getekend", "De getekende overeenkomst is binnen: het partnerschap is definitief."
        ),
        Step("gepubliceerd", "Partner", "Uw organisatie staat op de partnerpagina van onze website."),
    ),
    CHANGE: (
        Step("nieuw", "Verzoek ontvangen", "Wij hebben uw wijzigingsverzoek ontvangen."),
        Step("in_behandeling", "In behandeling", "Het Alliantiebureau bekijkt uw verzoek."),
        Step("goedgekeurd", "Goedgekeurd", "Wij hebben uw verzoek goedgekeurd en verwerken het binnenkort."),
        Step("gepubliceerd", "Verwerkt", "De wijziging staat op onze website."),
    ),
}
#: closing state -> what the applicant reads instead of the steps ahead.
CLOSED: dict[str, str] = {
    "afgewezen": "Het Alliantiebureau heeft besloten deze aanvraag niet verder te behandelen.",
    "ingetrokken": "Deze aanmelding is ingetrokken.",
}


def progress(kind: str, state: str) -> list[tuple[Step, str]]:
    """(step, 'klaar' | 'nu' | 'nog niet') for every step; after a closing state the reached ones stay 'klaar'."""
    steps = STEPS.get(kind, STEPS[APPLICATION])
    states = [step.state for step in steps]
    if state not in states:
        return [(step, "nog niet") for step in steps]
    current = states.index(state)
    return [(step, "klaar" if i < current else "nu" if i == current else "nog niet") for i, step in enumerate(steps)]
