"""Who may ask for a change: the sender's address against the partner's website domain and the contact on file."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..kinds import APPLICATION
from ..models import Submission


@dataclasses.dataclass(frozen=True)
class ContactOnFile:
    """The contact person of the partner's published application: the one the bureau knows."""

    name: str
    email: str


def contact_on_file(session: Session, slug: str) -> ContactOnFile | None:
    """The contact of the newest published application that became the partner `slug`, if the queue has one."""
    query = (
        select(Submission.contact_name, Submission.email)
        .where(
            Submission.kind == APPLICATION,
            Submission.state == "gepubliceerd",
            Submission.published_slug == slug,
        )
        .order_by(Submission.id.desc())
        .limit(1)
    )
    row = session.execute(query).first()
    return ContactOnFile(row.contact_name, row.email) if row is not None else None


def mail_domain(address: str) -> str:
    """The domain of an e-mail address, lower-cased."""
    return address.rpartition("@")[2].strip().lower().rstrip(".")


def site_domain(url: str) -> str:
    """The host of a website without a leading 'www.', lower-cased; '' for none."""
    host = (urlsplit(url or "").hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def same_organisation(address_domain: str, website_domain: str) -> bool:
    """True when the address's domain is the website's domain, or one is a subdomain of the other."""
    # Without the public-suffix list, only a domain with a dot counts: "nl" alone never matches.
    if not address_domain or not website_domain or "." not in address_domain or "." not in website_domain:
        return False
    return (
        address_domain == website_domain
        or address_domain.endswith("." + website_domain)
        or website_domain.endswith("." + address_domain)
    )


def sender_reasons(data: dict[str, Any], contact: ContactOnFile | None) -> list[str]:
    """Dutch reasons to look twice at a change request: [] when the sender belongs to the partner."""
    sender = str(data["email"]).strip().lower()
    if contact is not None and sender == contact.email.strip().lower():
        return []
    domain, website = mail_domain(sender), site_domain(str(data.get("website") or ""))
    if same_organisation(domain, website):
        return []
    where = f"@{domain}"
    if website:
        first = f"{where} hoort niet bij de website van de partner ({website})"
    else:
        first = f"de partner heeft geen website om {where} mee te vergelijken"
    if contact is not None:
        return [f"afzender niet herkend: {first} en is niet het adres van de contactpersoon die het bureau kent"]
    return [f"afzender niet herkend: {first}; het bureau kent geen contactpersoon van deze partner"]


def is_contact(data: dict[str, Any], contact: ContactOnFile | None) -> bool:
    """True when the request comes from the contact on file themselves."""
    return contact is not None and str(data["email"]).strip().lower() == contact.email.strip().lower()
