"""The bureau's contact details, from the settings, on every public page: the built site and the form's pages."""

from __future__ import annotations

import re
import shutil

import pytest

from partners.contact import ContactError, contact_from
from tests.conftest import ROOT, run_pelican

#: Settings an operator could set; none of these are the real bureau's (it has given only its e-mail address).
CONTACT: dict[str, object] = {
    "CONTACT_EMAIL": "vragen@bureau.voorbeeld.nl",
    "CONTACT_ADDRESS": ["Postbus 1234", "3500 AB Utrecht"],
    "CONTACT_PHONE": "030 123 45 67",
}
DETAILS = [
    '<a href="mailto:vragen@bureau.voorbeeld.nl">vragen@bureau.voorbeeld.nl</a>',
    "<span>Postbus 1234</span>",
    "<span>3500 AB Utrecht</span>",
    'Telefoon: <a href="tel:0301234567">030 123 45 67</a>',
]
STATEMENTS = ["contact/index.html", "privacy/index.html", "toegankelijkheid/index.html"]


@pytest.fixture(scope="module")
def contact_site(tmp_path_factory):
    """The real content with a founder, built with every contact setting set."""
    base = tmp_path_factory.mktemp("contact")
    shutil.copytree(ROOT / "content", base / "content")
    return run_pelican(base / "content", base / "output", **CONTACT)  # type: ignore[arg-type]


def public_pages(output):
    """Every HTML page of a build."""
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 15
    return pages


def test_every_page_shows_the_contact_details_from_the_settings(contact_site):
    for page in public_pages(contact_site):
        html = page.read_text(encoding="utf-8")
        footer = html[html.index('<footer class="site-footer">') :]
        assert [d for d in DETAILS if d not in footer] == [], page
        assert 'href="/contact/"' in footer


@pytest.mark.parametrize("path", STATEMENTS)
def test_the_contact_page_and_the_statements_say_how_to_reach_the_bureau(contact_site, path):
    html = (contact_site / path).read_text(encoding="utf-8")
    card = re.search(r'<section class="contact-card[^"]*".*?</section>', html, re.S)
    assert card, "a contact card in the page itself, not only in the footer"
    assert [d for d in DETAILS if d not in card[0]] == []


def test_address_and_phone_appear_only_when_set(real_site):
    """The real settings hold only the e-mail address: no address lines, no phone, nothing invented."""
    for page in public_pages(real_site):
        html = page.read_text(encoding="utf-8")
        assert 'href="mailto:bureau@alliantienederlandrookvrij.nl"' in html, page
        assert "Telefoon" not in html and "tel:" not in html, page
        details = re.findall(r'<address class="contact-details">(.*?)</address>', html, re.S)
        # Only the e-mail line (beside the bureau's name): no lines for an address or a phone that are not set.
        assert details and all(len(re.findall(r"<span>", d)) == 1 for d in details), page


def test_the_form_handler_shows_the_same_details_as_the_site():
    """pelicanconf.py and the form handler's defaults agree (docs/settings.md asks to keep them equal)."""
    import pelicanconf
    from formhandler.config import default_config

    defaults = default_config("/tmp")
    assert contact_from(defaults) == contact_from(vars(pelicanconf))


@pytest.mark.parametrize("path", ["/aanmelden/", "/aanmelden/wijziging/"])
def test_the_forms_show_the_contact_details_from_their_settings(make_app, path):
    app = make_app(**{**CONTACT, "CONTACT_ADDRESS": "Postbus 1234\n3500 AB Utrecht"})
    html = app.test_client().get(path).get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">') :]
    assert [d for d in DETAILS if d not in footer] == []


@pytest.mark.parametrize(
    "settings, message",
    [
        ({}, "CONTACT_EMAIL moet een e-mailadres zijn, zoals bureau@voorbeeld.nl, niet ''."),
        (
            {"CONTACT_EMAIL": "bureau"},
            "CONTACT_EMAIL moet een e-mailadres zijn, zoals bureau@voorbeeld.nl, niet 'bureau'.",
        ),
        (
            {"CONTACT_EMAIL": "a@b.nl", "CONTACT_PHONE": "bel ons"},
            "CONTACT_PHONE moet een telefoonnummer zijn, zoals 030 123 45 67, niet 'bel ons'.",
        ),
    ],
)
def test_a_contact_setting_the_site_cannot_show_is_refused(settings, message):
    with pytest.raises(ContactError) as refused:
        contact_from(settings)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    "phone, href", [("030 123 45 67", "tel:0301234567"), ("+31 (0)30-1234567", "tel:+31301234567"), ("", "")]
)
def test_phone_link(phone, href):
    assert contact_from({"CONTACT_EMAIL": "a@b.nl", "CONTACT_PHONE": phone}).phone_href == href
