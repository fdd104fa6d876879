"""The Alliantiebureau's contact details as the site shows them, read from the settings."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

#: The settings that hold the details, in pelicanconf.py and in the form handler's config alike.
EMAIL, ADDRESS, PHONE = "CONTACT_EMAIL", "CONTACT_ADDRESS", "CONTACT_PHONE"
_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[a-z]{2,}", re.I)


class ContactError(ValueError):
    """A contact setting the site cannot show."""


@dataclasses.dataclass(frozen=True)
class Contact:
    """E-mail address (always), postal address lines and phone number (only when set)."""

    email: str
    address: tuple[str, ...] = ()
    phone: str = ""

    @property
    def phone_href(self) -> str:
        """The tel: link of the phone number: its digits, with a leading + kept and a "(0)" after it dropped."""
        plus = "+" if self.phone.startswith("+") else ""
        digits = re.sub(r"\D", "", self.phone.replace("(0)", "") if plus else self.phone)
        return f"tel:{plus}{digits}" if digits else ""


def _lines(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Address lines from a list or from one text with a line per line (as an environment variable gives it)."""
    if not value:
        return ()
    lines = value.splitlines() if isinstance(value, str) else list(value)
    return tuple(line.strip() for line in lines if line.strip())


def contact_from(settings: Mapping[str, object]) -> Contact:
    """The contact details in a settings mapping; a missing or malformed e-mail address is refused."""
    email = str(settings.get(EMAIL) or "").strip()
    if not _EMAIL.fullmatch(email):
        raise ContactError(f"{EMAIL} moet een e-mailadres zijn, zoals bureau@voorbeeld.nl, niet {email!r}.")
    address = settings.get(ADDRESS)
    phone = str(settings.get(PHONE) or "").strip()
    if phone and not re.fullmatch(r"\+?[\d\s()-]{6,20}", phone):
        raise ContactError(f"{PHONE} moet een telefoonnummer zijn, zoals 030 123 45 67, niet {phone!r}.")
    return Contact(email, _lines(address if isinstance(address, (str, list, tuple)) else None), phone)
