"""The kinds of queue item, and what a partner's change request can ask for: one table each."""

from __future__ import annotations

import dataclasses

APPLICATION = "aanmelding"
CHANGE = "wijziging"
#: kind -> its Dutch name in the admin.
KINDS: dict[str, str] = {APPLICATION: "Aanmelding", CHANGE: "Wijzigingsverzoek"}


@dataclasses.dataclass(frozen=True)
class Change:
    """One thing a partner can change: the record field, and how each place that shows it words it."""

    field: str  # the record field it changes, and its key in Submission.requested
    question: str  # the checkbox on the change form
    label: str  # the admin's comparison table; lower-cased in the history note of a publication
    in_mail: str  # the bureau's notice of a new request


#: form value -> the change, in the order the form and the admin show them.
CHANGES: dict[str, Change] = {
    "naam": Change("Title", "De naam van de organisatie", "Naam", "naam"),
    "website": Change("Website", "De website", "Website", "website"),
    "logo": Change("Logo", "Het logo", "Logo", "logo"),
    "samenvatting": Change("Summary", "De korte omschrijving (samenvatting)", "Samenvatting", "samenvatting"),
    "einde": Change("Until", "Het partnerschap beëindigen", "Einde partnerschap", "einde van het partnerschap"),
}
#: record field -> the change.
BY_FIELD: dict[str, Change] = {change.field: change for change in CHANGES.values()}
