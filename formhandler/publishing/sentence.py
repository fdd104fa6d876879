"""The sentence publishing writes into a new partner's description, and keeping it true after a rename."""

from __future__ import annotations

import datetime as dt
import re

from partners.dates import MONTHS, nl_date

from .markdown import markdown_text

ALLIANCE = "Alliantie Nederland Rookvrij!"
_SENTENCE_TAIL = rf" is partner van de {re.escape(ALLIANCE)} sinds \d{{1,2}} (?:{'|'.join(MONTHS)}) \d{{4}}\."


def partner_sentence(name: str, since: dt.date) -> str:
    """The first sentence of a new partner's description: it names the organisation."""
    return f"{markdown_text(name.strip())} is partner van de {ALLIANCE} sinds {nl_date(since)}."


def rename_in_sentence(body: str, old_name: str, new_name: str) -> str:
    """The body with the organisation's name replaced in the generated sentence only, wherever else it occurs."""
    # Only the sentence publishing wrote names the organisation for us; everywhere else the name is
    # the editor's own prose ("opgericht als Stichting Oude Naam"), which a rename must not rewrite.
    pattern = re.compile(rf"^{re.escape(markdown_text(old_name.strip()))}(?={_SENTENCE_TAIL})", re.MULTILINE)
    return pattern.sub(lambda _match: markdown_text(new_name.strip()), body, count=1)
