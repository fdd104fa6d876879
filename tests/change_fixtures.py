"""Builders for change-request tests: a partner on disk, the change form's tokens, and posting it."""

from __future__ import annotations

import io
import re

from PIL import Image

from partners.render import render_record

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#0a5"/></svg>'
)
FORM = "/aanmelden/wijziging/"
THANKS = "/aanmelden/wijziging/bedankt/"
PARTNER = {
    "Title": "Stichting Oude Naam",
    "Slug": "stichting-oude-naam",
    "Type": "maatschappelijke-organisatie",
    "Website": "https://oud.example.nl",
    "Logo": "logos/stichting-oude-naam.svg",
    "Since": "2024-01-15",
    "Summary": "Oude samenvatting.",
    "Contributions": "kennis",
}
BODY = "Stichting Oude Naam is partner van de Alliantie Nederland Rookvrij! sinds 15 januari 2024."
GONE = {
    "Title": "Gemeente Al Weg",
    "Slug": "gemeente-al-weg",
    "Type": "overheid",
    "Since": "2020-01-01",
    "Until": "2025-01-01",
}


def write_partners(content_dir) -> None:
    """One active partner with a logo, and one whose partnership already ended."""
    (content_dir / "logos" / "stichting-oude-naam.svg").write_bytes(SVG)
    (content_dir / "partners" / "stichting-oude-naam.md").write_text(render_record(PARTNER, BODY), encoding="utf-8")
    (content_dir / "partners" / "gemeente-al-weg.md").write_text(render_record(GONE, "Weg."), encoding="utf-8")


def png(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 30), colour).save(out, "PNG")
    return out.getvalue()


def form_tokens(client) -> dict:
    """GET the change form and read the CSRF token and the signed start time."""
    html = client.get(FORM).get_data(as_text=True)
    return {
        name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html).group(1)
        for name in ("csrf_token", "started")
    }


def change_form(**fields) -> dict:
    """A valid request for the partner on disk; None leaves a field out."""
    data = {
        "partner": "stichting-oude-naam",
        "changes": ["samenvatting"],
        "new_summary": "Nieuwe samenvatting.",
        "contact_name": "Petra Privé",
        "contact_role": "Communicatie",
        "email": "petra@oud.example.nl",
        "privacy_consent": "y",
        "homepage_url": "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def post_change(client, tokens: dict | None = None, **fields):
    """POST the change form as a browser does (multipart), with fresh tokens unless given."""
    data = {**change_form(**fields), **(form_tokens(client) if tokens is None else tokens)}
    if isinstance(data.get("logo"), bytes):
        data["logo"] = (io.BytesIO(data["logo"]), "nieuw-logo.png")
    return client.post(FORM, data=data, content_type="multipart/form-data")


#: kind -> (form fields, the requested dict stored)
KINDS = {
    "naam": ({"changes": ["naam"], "new_name": "Stichting Nieuwe Naam"}, {"Title": "Stichting Nieuwe Naam"}),
    "website": (
        {"changes": ["website"], "new_website": "www.nieuw.example.nl"},
        {"Website": "https://www.nieuw.example.nl"},
    ),
    "logo": ({"changes": ["logo"], "logo": png()}, {"Logo": "nieuw"}),
    "samenvatting": (
        {"changes": ["samenvatting"], "new_summary": "Nu ook actief in Zwolle."},
        {"Summary": "Nu ook actief in Zwolle."},
    ),
    "einde": ({"changes": ["einde"], "end_date": "2026-11-01"}, {"Until": "2026-11-01"}),
}
