"""The ten criteria for joining, in the exact wording shown to applicants, and its version hash.

The form shows these texts and stores `CRITERIA_HASH` with an application, so the bureau
can always tell which wording an applicant agreed to. Change a text and the hash changes.
"""

from __future__ import annotations

import hashlib
import json

#: slug -> the criterion as the applicant reads it ("Wij ...").
CRITERIA: dict[str, str] = {
    "missie": "Wij onderschrijven de missie en de twee pijlers van de Alliantie.",
    "bijdrage": "Wij leveren een actieve bijdrage, die we samen met het Alliantiebureau vastleggen.",
    "mede-afzender": "Wij treden op als mede-afzender van gezamenlijke activiteiten van de Alliantie.",
    "overeenkomst": "Wij tekenen een partnerovereenkomst met de wederzijdse rechten en plichten.",
    "alliantiedagen": "Wij nemen deel aan de Alliantiedagen, die twee keer per jaar plaatsvinden.",
    "transparantie": "Wij zijn open over onze eigen activiteiten op het gebied van tabaksontmoediging.",
    "afbreukrisico": "Wij vormen geen risico voor de goede naam van de Alliantie.",
    "geen-tabaksindustrie": "Wij hebben geen zakelijke relatie met de tabaksindustrie.",
    "vertrouwelijkheid": (
        "Wij houden besproken onderwerpen vertrouwelijk wanneer het bestuur of een "
        "vertegenwoordiger van de Alliantie daarom vraagt."
    ),
    "stopondersteuning": (
        "Bieden wij programma's aan om te stoppen met roken, dan gebruiken we bewezen effectieve "
        "interventies, met de multidisciplinaire richtlijn Behandeling van Tabaksverslaving als uitgangspunt."
    ),
}

#: Criteria that apply only in some cases; every other one is always required.
CONDITIONAL = frozenset({"stopondersteuning"})

COMPANY_ACKNOWLEDGEMENT = (
    "Wij begrijpen dat bedrijven een ‘status aparte’ hebben: geen stemrecht in de Alliantieraad "
    "over beleid en strategie, en geen bijzondere invloed op de andere partners."
)


def criteria_hash() -> str:
    """SHA-256 over the exact texts (and their order) the applicant sees."""
    payload = json.dumps([list(CRITERIA.items()), COMPANY_ACKNOWLEDGEMENT], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


CRITERIA_HASH = criteria_hash()
