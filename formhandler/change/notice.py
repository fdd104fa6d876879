"""The notice to a partner's contact on file that someone asked to change their organisation's page."""

from __future__ import annotations

from typing import Any

from flask import current_app

from ..kinds import BY_FIELD
from ..mail.texts import build_mails, one_line
from ..models import OutboxMessage
from ..queue import MailBuilder
from .checks import ContactOnFile, is_contact


def contact_notice(item: Any, contact: ContactOnFile) -> OutboxMessage:
    """Tell the contact on file that a change was asked for their organisation, and how to object."""
    name = one_line(item.organisation_name)
    asked = ", ".join(BY_FIELD[key].in_mail if key in BY_FIELD else key for key in item.requested or {})
    notify_to = current_app.config["NOTIFY_TO"]
    body = f"""Beste {one_line(contact.name)},

Het Alliantiebureau heeft een verzoek ontvangen om de gegevens van {name} op de website van
Alliantie Nederland Rookvrij! te wijzigen. Het verzoek heeft nummer #{item.id}.
Gevraagd: {asked or "niets aangegeven"}.

U krijgt dit bericht omdat u bij ons bekend bent als contactpersoon van {name}.
Weet u van dit verzoek? Dan hoeft u niets te doen.
Weet u er niets van? Mail dan naar {notify_to} en noem nummer #{item.id}.
Het Alliantiebureau bekijkt het verzoek hoe dan ook voordat er iets verandert.

Met vriendelijke groet,
Het Alliantiebureau van Alliantie Nederland Rookvrij!
"""
    return OutboxMessage(to_addr=contact.email, subject=f"Wijzigingsverzoek voor {name}"[:200], body=body)


def mails_with_contact_notice(contact: ContactOnFile | None) -> MailBuilder:
    """The usual mails of a change request, plus the notice when someone other than the contact on file asks."""

    def build(item: Any) -> list[OutboxMessage]:
        mails = build_mails(item)
        if mails and contact is not None and not is_contact({"email": item.email}, contact):
            mails.append(contact_notice(item, contact))
        return mails

    return build
