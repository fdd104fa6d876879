"""What the outbox sends for a new queue item: the Dutch confirmation and the bureau's notice."""

from __future__ import annotations

from typing import Any

from flask import current_app

from partners.schema import TYPE_SINGULAR

from ..kinds import BY_FIELD, CHANGE
from ..models import OutboxMessage


def build_mails(item: Any) -> list[OutboxMessage]:
    """The confirmation to the sender and the notice to the bureau for a new item (any object with its columns)."""
    if item.state == "spam":  # never mail an address a bot typed in
        return []
    name = one_line(item.organisation_name)
    if item.kind == CHANGE:
        return [
            OutboxMessage(
                to_addr=item.email,
                subject=f"Bevestiging van uw wijziging voor {name}"[:200],
                body=_change_confirmation(name, item.id),
                status_link=True,
            ),
            OutboxMessage(
                to_addr=current_app.config["NOTIFY_TO"],
                subject=f"Nieuwe wijziging: {name}"[:200],
                body=_change_notice(item, name),
            ),
        ]
    return [
        OutboxMessage(
            to_addr=item.email,
            subject="Bevestiging van uw aanmelding bij de Alliantie Nederland Rookvrij!",
            body=_confirmation(name, item.id),
            status_link=True,
        ),
        OutboxMessage(
            to_addr=current_app.config["NOTIFY_TO"],
            subject=f"Nieuwe aanmelding: {name}"[:200],
            body=_notice(item, name),
        ),
    ]


def _confirmation(name: str, item_id: int) -> str:
    """The applicant's confirmation: what happens next."""
    notify_to = current_app.config["NOTIFY_TO"]
    return f"""Goedendag,

Hartelijk dank voor de aanmelding van {name} als partner van de Alliantie Nederland Rookvrij!
Wij hebben uw aanmelding goed ontvangen onder nummer {item_id}.

Wat gebeurt er nu?
1. Het Alliantiebureau neemt contact met u op.
2. Samen bekijken we of uw organisatie voldoet aan de criteria voor het partnerschap.
3. Daarna sturen wij u de stukken voor het partnerschap.
4. U stuurt de getekende overeenkomst naar ons terug.
5. Dan is het partnerschap definitief.
6. Wij stellen nieuwe partners voor in de Alliantieraad en in onze nieuwsbrief.

Heeft u een vraag? Mail dan naar {notify_to} en noem nummer {item_id}.

U krijgt dit bericht omdat dit e-mailadres is ingevuld op het aanmeldformulier van onze website.
Heeft u zich niet aangemeld? Laat het ons dan weten, dan verwijderen wij de gegevens.

Met vriendelijke groet,
Het Alliantiebureau van de Alliantie Nederland Rookvrij!
"""


def _notice(item: Any, name: str) -> str:
    """The bureau's notice; minimal on purpose: contact details stay in the admin, behind a login."""
    kind = TYPE_SINGULAR.get(item.organisation_type, item.organisation_type)
    return f"""Er is een nieuwe aanmelding binnengekomen, nummer {item.id}.

Organisatie: {name}
Soort: {kind}
Plaats: {one_line(item.city) or "niet ingevuld"}

Bekijk en behandel de aanmelding in het beheer: {admin_link(item.id)}
"""


def _change_confirmation(name: str, item_id: int) -> str:
    """The partner's confirmation of a change request."""
    notify_to = current_app.config["NOTIFY_TO"]
    return f"""Goedendag,

Wij hebben uw verzoek ontvangen om de gegevens van {name} op de website van
de Alliantie Nederland Rookvrij! te wijzigen. Uw verzoek heeft nummer {item_id}.

Het Alliantiebureau bekijkt uw verzoek. Is er iets onduidelijk, dan nemen wij contact met u op.
Na goedkeuring passen wij de partnerpagina aan.

Heeft u een vraag? Mail dan naar {notify_to} en noem nummer {item_id}.

U krijgt dit bericht omdat dit e-mailadres is ingevuld op het wijzigingsformulier van onze website.
Heeft u dit verzoek niet gedaan? Laat het ons dan weten.

Met vriendelijke groet,
Het Alliantiebureau van de Alliantie Nederland Rookvrij!
"""


def _change_notice(item: Any, name: str) -> str:
    """The bureau's notice of a change request: who and what, nothing personal."""
    asked = ", ".join(BY_FIELD[key].in_mail if key in BY_FIELD else key for key in item.requested or {})
    asked = asked or "niets aangegeven"
    return f"""Er is een wijzigingsverzoek binnengekomen, nummer {item.id}.

Partner: {name}
Gevraagd: {asked}

Bekijk en behandel het verzoek in het beheer: {admin_link(item.id)}
"""


def admin_link(item_id: int) -> str:
    """The absolute address of an item in the admin: a mail has no page to be relative to."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/beheer/{item_id}"


def one_line(text: str | None) -> str:
    """The text on one line: a name typed with line breaks cannot add mail headers or lines."""
    return " ".join((text or "").split())
