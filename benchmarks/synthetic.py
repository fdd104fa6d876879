"""Synthetic partner sets for tests and benchmarks; never for content/."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from partners import schema
from partners.render import make_slug, render_record

_WORDS = [
    "Zorg",
    "Sport",
    "Jeugd",
    "Gezond",
    "Rookvrij",
    "Onderwijs",
    "Noord",
    "Zuid",
    "Oost",
    "West",
    "Vereniging",
    "Stichting",
    "Federatie",
    "Platform",
    "Netwerk",
    "Huis",
    "Kring",
    "Fonds",
]
_ODD_NAMES = [
    "Stichting ’t Hooge Huys",
    "Gemeente Súdwest-Fryslân",
    "Zorggroep d'Ouwe Dijk",
    "Café-Restaurant Ëlïsé & Zonen",
    "A" * 2 + " " + "Zeer lange naam " * 6 + "tot honderdtwintig tekens toe voor het testen",
]
LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80" width="200" height="80">'
    '<rect width="200" height="80" rx="8" fill="#{color}"/>'
    '<text x="100" y="48" font-size="22" text-anchor="middle" fill="#fff">{label}</text></svg>'
)


def synthetic_fields(count: int, seed: int = 7) -> list[dict]:
    """Field dicts for `count` partners of every type, some ended, some without logo."""
    rng = random.Random(seed)
    types = list(schema.TYPES)
    result, used = [], set()
    for index in range(count):
        if index < len(_ODD_NAMES):
            name = _ODD_NAMES[index][: schema.TITLE_MAX]
        else:
            name = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {index:05d}"
        slug = make_slug(name)
        while slug in used:
            slug += "-x"
        used.add(slug)
        since = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(4000))
        fields = {
            "Title": name,
            "Slug": slug,
            "Type": types[index % len(types)],
            "Website": f"https://www.{slug[:40]}.example.nl",
            "Since": since.isoformat(),
            "Summary": f"Synthetische partner nummer {index}.",
            "Sector": rng.choice(["zorg", "sport", "onderwijs", "gemeente"]),
            "Contributions": ", ".join(rng.sample(list(schema.CONTRIBUTIONS), 2)),
        }
        if index % 10 == 9:
            fields["Until"] = (since + dt.timedelta(days=365)).isoformat()
        result.append(fields)
    return result


def write_synthetic(content: Path, count: int, logos: bool = True, seed: int = 7) -> list[dict]:
    """Write `count` synthetic records (and SVG logos for most) under content/."""
    (content / "partners").mkdir(parents=True, exist_ok=True)
    (content / "logos").mkdir(parents=True, exist_ok=True)
    all_fields = synthetic_fields(count, seed)
    for index, fields in enumerate(all_fields):
        if logos and index % 7 != 3:  # every seventh partner has no logo: the fallback tile
            logo = f"logos/{fields['Slug']}.svg"
            color = f"{(index * 2654435761) & 0x7F7F7F:06x}"
            (content / logo).write_text(LOGO_SVG.format(color=color, label=f"P{index}"), encoding="utf-8")
            fields["Logo"] = logo
        text = render_record(fields, f"Beschrijving van {fields['Title']}.\n\nDoet mee sinds {fields['Since']}.")
        (content / "partners" / f"{fields['Slug']}.md").write_text(text, encoding="utf-8")
    return all_fields
