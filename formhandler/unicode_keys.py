"""One Unicode normalisation: text is stored in NFC, and compared case-folded in NFC (issue 20)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from email.utils import parseaddr
from typing import Any


def nfc(text: str) -> str:
    """`text` in NFC: 'é' typed as one character or as 'e' and an accent is then the same string."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """`text` for comparing: case-folded (all scripts, unlike SQL lower()) and in NFC."""
    # casefold() can leave a string that is no longer NFC: normalise on both sides of it.
    return nfc(nfc(text).casefold())


def email_key(address: str) -> str:
    """The form of an e-mail address (bare or as 'Naam <adres>') that look-ups compare."""
    bare = parseaddr(address)[1] if "<" in address else address
    return fold(bare.strip())


def nfc_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` with every text in it, also in lists and mappings, in NFC."""
    return {key: _nfc_value(value) for key, value in data.items()}


def _nfc_value(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_value(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _nfc_value(v) for k, v in value.items()}
    return value
