"""What the reviewer reads about each step: the button on the detail page, the confirm button, what will happen."""

from __future__ import annotations

import dataclasses

from ..kinds import APPLICATION, CHANGE

#: Steps that close an item or write to the site: styled as consequential, always confirmed on their page.
CONSEQUENTIAL = frozenset({"afgewezen", "ingetrokken", "spam", "gepubliceerd"})


@dataclasses.dataclass(frozen=True)
class StepText:
    """The words of one step."""

    button: str  # on the detail page
    confirm: str  # on the step page
    happens: str  # what will happen, on the step page


_APPLICATION = {
    "in_behandeling": StepText(
        "In behandeling nemen",
        "In behandeling nemen",
        "De aanmelding gaat naar ‘In behandeling’. U neemt contact op met de aanvrager en bespreekt de criteria "
        "en de bijdrage.",
    ),
    "stukken_verstuurd": StepText(
        "Stukken versturen",
        "Stukken versturen",
        "De aanvrager krijgt de partnerovereenkomst als PDF, opgesteld voor deze organisatie, met de vaste bijlagen. "
        "Op de statuspagina kan de aanvrager de getekende overeenkomst terugsturen.",
    ),
    "getekend": StepText(
        "Overeenkomst getekend",
        "Vastleggen dat de overeenkomst getekend is",
        "U legt vast dat de getekende overeenkomst binnen is en klopt. Daarmee is het partnerschap definitief; "
        "daarna kunt u publiceren.",
    ),
    "gepubliceerd": StepText(
        "Publiceren",
        "Ja, nu publiceren",
        "Het partnerrecord en het logo hieronder worden in de contentmap van de site geschreven. Pas als dat "
        "gelukt is, gaat het welkomstbericht naar de aanvrager.",
    ),
    "afgewezen": StepText(
        "Afwijzen",
        "Ja, afwijzen",
        "De aanmelding wordt afgewezen en afgesloten; dat is niet terug te draaien. Vul in het bericht zo nodig "
        "de reden aan.",
    ),
    "ingetrokken": StepText(
        "Intrekken",
        "Ja, intrekken",
        "De aanmelding wordt ingetrokken en afgesloten, bijvoorbeeld omdat de aanvrager daarom vroeg; dat is niet "
        "terug te draaien.",
    ),
    "spam": StepText(
        "Spam",
        "Ja, als spam afsluiten",
        "Het item wordt als spam afgesloten; dat is niet terug te draaien. De afzender krijgt geen bericht en de "
        "statuslink werkt niet meer.",
    ),
}
_CHANGE = {
    **_APPLICATION,
    "in_behandeling": StepText(
        "In behandeling nemen",
        "In behandeling nemen",
        "Het verzoek gaat naar ‘In behandeling’. Komt het terug van ‘Goedgekeurd’, dan keurt u het daarna opnieuw "
        "goed, op de versie van het record van dat moment.",
    ),
    "goedgekeurd": StepText(
        "Goedkeuren",
        "Goedkeuren",
        "U keurt de wijziging goed op het record zoals het nu is. Verandert een redacteur het record daarna nog, "
        "dan weigert publiceren.",
    ),
    "gepubliceerd": StepText(
        "Publiceren",
        "Ja, nu publiceren",
        "De wijziging wordt in het partnerrecord geschreven (en het logo vervangen). Pas als dat gelukt is, "
        "gaat het bericht naar de aanvrager.",
    ),
    "afgewezen": StepText(
        "Afwijzen",
        "Ja, afwijzen",
        "Het verzoek wordt afgewezen en afgesloten; dat is niet terug te draaien. Vul in het bericht zo nodig de "
        "reden aan.",
    ),
}
TEXTS: dict[str, dict[str, StepText]] = {APPLICATION: _APPLICATION, CHANGE: _CHANGE}


def step_text(kind: str, target: str) -> StepText:
    """The words for moving an item of `kind` to `target`."""
    return TEXTS.get(kind, _APPLICATION).get(target, StepText(target, target, ""))
