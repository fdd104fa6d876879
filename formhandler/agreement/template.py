"""The agreement's text: the bureau's template (or the default) filled in for one organisation, as blocks of text."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from partners.criteria import COMPANY_ACKNOWLEDGEMENT, CRITERIA
from partners.dates import nl_date
from partners.schema import CONTRIBUTIONS, TYPE_SINGULAR

from ..clock import local_date
from ..models import Submission

DEFAULT_TEMPLATE = Path(__file__).with_name("overeenkomst.txt")
# Every value the template prints starts with this mark, so no organisation name can make its
# line a heading or a bullet: the line's kind is read from what the template itself wrote.
_VALUE = "\x02"


class AgreementError(Exception):
    """The agreement cannot be made; the message says why, in Dutch."""


@dataclasses.dataclass(frozen=True)
class Block:
    """One line of the agreement: kind is title, heading, bullet, text or gap."""

    kind: str
    text: str = ""


def _printed(value: Any) -> str:
    """A value as the template prints it: one line, marked as a value."""
    text = "" if value is None else str(value)
    return _VALUE + " ".join(text.replace(_VALUE, "").split())


_ENVIRONMENT = SandboxedEnvironment(
    trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined, finalize=_printed, autoescape=False
)


def template_path(instance_path: str | Path, name: str) -> Path:
    """The bureau's template in the instance folder when it is there, else the default that ships with the app."""
    candidate = Path(instance_path) / Path(name).name
    return candidate if name and candidate.is_file() else DEFAULT_TEMPLATE


def retention_words(days: int) -> str:
    """'2 jaar' or '90 dagen': how long a signed agreement is kept after the partnership."""
    if days >= 365 and days % 365 == 0:
        return f"{days // 365} jaar"
    return "1 dag" if days == 1 else f"{days} dagen"


def context(item: Submission, moment: dt.datetime, retention_days: int) -> dict[str, Any]:
    """What the template can use, in Dutch names (docs/beheer.md lists them)."""
    criteria = [CRITERIA.get(slug, slug) for slug in item.criteria or ()]
    if item.company_acknowledged:
        criteria.append(COMPANY_ACKNOWLEDGEMENT)
    return {
        "nummer": item.id,
        "datum": nl_date(local_date(moment)),
        "organisatie": item.organisation_name,
        "plaats": item.city,
        "kvk": item.kvk_number,
        "soort": TYPE_SINGULAR.get(item.organisation_type, item.organisation_type),
        "bedrijf": item.organisation_type == "bedrijf",
        "website": item.website,
        "bijdragen": [CONTRIBUTIONS.get(slug, slug) for slug in item.contributions or ()],
        "criteria": criteria,
        "criteria_versie": item.criteria_hash,
        "criteria_datum": nl_date(local_date(item.criteria_accepted_at)),
        "bewaartermijn": retention_words(retention_days),
    }


def render_blocks(source: str, values: dict[str, Any]) -> list[Block]:
    """Fill in the template and read it line by line: '# ' title, '## ' heading, '- ' bullet, else text."""
    try:
        text = _ENVIRONMENT.from_string(source).render(values)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (regel {line})" if line else ""
        raise AgreementError(f"Het sjabloon van de overeenkomst bevat een fout{where}: {exc}") from None
    blocks: list[Block] = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        for prefix, kind in (("# ", "title"), ("## ", "heading"), ("- ", "bullet")):
            if line.startswith(prefix):
                blocks.append(Block(kind, line[len(prefix) :].replace(_VALUE, "").strip()))
                break
        else:
            line = line.replace(_VALUE, "").strip()
            blocks.append(Block("text", line) if line else Block("gap"))
    return blocks


def agreement_blocks(
    item: Submission, moment: dt.datetime, *, instance_path: str | Path, template: str, retention_days: int
) -> list[Block]:
    """The agreement for `item` as blocks, from the bureau's template or the default."""
    path = template_path(instance_path, template)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise AgreementError(f"Het sjabloon van de overeenkomst ({path.name}) kan niet worden gelezen.") from None
    return render_blocks(source, context(item, moment, retention_days))
