"""The built public site in Debian's Chromium: layout, JavaScript filter, keyboard, axe-core."""

import os

import pytest

from tests.browser import ARTIFACTS, axe_violations, describe, screenshot
from tests.conftest import ROOT

# The committed README screenshots are refreshed only on request (UPDATE_SCREENSHOTS=1), so a
# test run never leaves the work tree dirty; otherwise they go to test-artifacts/.
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else ARTIFACTS

pytestmark = pytest.mark.browser


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = no horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [320, 1280])
def test_wall_fits_the_screen(page, site_url, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{site_url}/partners/")
    assert overflow(page) <= 0
    assert page.locator(".wall > li").count() > 20
    screenshot(page, f"wall-{width}")
    assert all(url.startswith(site_url) for url in page.requests_made), page.requests_made
    assert page.console_errors == []


def test_badge_code_is_copied_with_one_click(page, site_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{site_url}/partners/longfonds/")
    code = page.locator("#badge-code").input_value()
    assert code.startswith('<a href="') and "/partners/longfonds/" in code
    page.get_by_role("button", name="Kopieer de code").click()
    page.get_by_role("status").filter(has_text="Gekopieerd.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == code
    assert page.console_errors == []


def test_badge_code_is_selectable_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/partners/longfonds/")
        assert "/partners/longfonds/" in page.locator("#badge-code").input_value()
        assert not page.get_by_role("button", name="Kopieer de code").is_visible(), "no dead button without JS"
    finally:
        context.close()


def test_search_filters_instantly_by_name(page, site_url):
    page.goto(f"{site_url}/partners/")
    search = page.get_by_label("Zoek een partner op naam")
    search.fill("fryslan")  # without the accent: the search ignores diacritics
    visible = page.locator(".wall > li:visible")
    assert visible.count() == 1
    assert visible.first.inner_text().strip().endswith("Gemeente Súdwest-Fryslân")
    assert page.locator("#wall-status").inner_text() == "1 partner gevonden"
    search.fill("bestaat-niet")
    assert page.locator(".wall > li:visible").count() == 0
    assert page.locator("#wall-empty").is_visible()


def test_type_filter_works_in_place_with_javascript(page, site_url):
    page.goto(f"{site_url}/partners/")
    page.locator(".wall-filter").get_by_role("link", name="Overheden").click()
    assert page.url == f"{site_url}/partners/"
    assert page.locator("[data-group]:visible").count() == 1
    assert page.locator("[data-group='overheid']").is_visible()


def test_type_filter_and_wall_work_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/partners/")
    assert page.locator("#wall-search").is_hidden()  # no dead search box without JavaScript
    page.locator(".wall-filter").get_by_role("link", name="Overheden").click()
    assert page.url == f"{site_url}/partners/type/overheid/"
    assert page.locator("[data-group]").count() == 1
    context.close()


def test_keyboard_skip_link_and_tiles(page, site_url):
    page.goto(f"{site_url}/partners/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.wall > li') !== null"):
            break
    else:
        pytest.fail("no wall tile reachable by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "/partners/" in page.url and page.url != f"{site_url}/partners/"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/partners/",
        "/partners/a-z/",
        "/partners/longfonds/",
        "/partner-worden/",
        "/organisatie/",
        "/privacy/",
        "/toegankelijkheid/",
        "/contact/",
        "/over-de-alliantie/",
        "/404.html",
    ],
)
def test_axe_finds_no_wcag_violations(page, site_url, path):
    page.goto(f"{site_url}{path}")
    violations = axe_violations(page)
    assert violations == [], describe(violations)


#: The screens the docs show, each at a phone's and a desktop's width: (name, base-URL fixture, path, action).
SCREENS = [
    ("home", "real_url", "/", None),
    ("wall", "site_url", "/partners/", None),
    ("wall-zonder-logos", "plain_url", "/partners/", None),
    ("wall-leeg-filter", "plain_url", "/partners/", "Bedrijven"),
    ("partner-page", "site_url", "/partners/stichting-t-hooge-huys/", None),
    ("partner-zonder-logo", "site_url", "/partners/longfonds/", None),
    ("form", "live_url", "/aanmelden/", None),
]


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("name, base, path, action", SCREENS, ids=[screen[0] for screen in SCREENS])
def test_screens_fit_pass_axe_and_are_photographed(request, page, name, base, path, action, width):
    """Each screen: no horizontal scroll, zero axe violations, only its own origin; a screenshot for the docs
    (at most 2,400 pixels high)."""
    url = request.getfixturevalue(base)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{url}{path}")
    if action:
        page.locator(".wall-filter").get_by_role("link", name=action).click()
        page.locator("#wall-none").filter(has_text="nog geen partners").wait_for()
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    page.wait_for_load_state("networkidle")
    assert overflow(page) <= 0
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert all(request_url.startswith(url) for request_url in page.requests_made), page.requests_made
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert page.console_errors == []
    height = min(2400, page.evaluate("document.documentElement.scrollHeight"))
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = DOCS_SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": width, "height": height}, full_page=True)
    assert target.stat().st_size > 10_000


def test_an_empty_type_says_so_with_and_without_javascript(page, browser, plain_url):
    page.goto(f"{plain_url}/partners/")
    assert page.locator("#wall-none").is_hidden()
    page.locator(".wall-filter").get_by_role("link", name="Bedrijven").click()
    assert page.url == f"{plain_url}/partners/"
    assert page.locator("[data-group]:visible").count() == 0
    assert page.get_by_role("status").filter(has_text="In de groep ‘Bedrijven’ zijn nog geen partners.").is_visible()
    page.locator(".wall-filter").get_by_role("link", name="Overheden").click()
    assert page.locator("#wall-none").is_hidden() and page.locator("[data-group='overheid']").is_visible()
    context = browser.new_context(java_script_enabled=False)
    try:
        static = context.new_page()
        static.goto(f"{plain_url}/partners/type/bedrijf/")
        assert static.get_by_text("In de groep ‘Bedrijven’ zijn nog geen partners.").is_visible()
    finally:
        context.close()


PUBLIC_PATHS = [
    "/",
    "/over-de-alliantie/",
    "/rookvrije-generatie/",
    "/organisatie/",
    "/partner-worden/",
    "/contact/",
    "/privacy/",
    "/toegankelijkheid/",
    "/partners/",
    "/partners/a-z/",
    "/partners/type/overheid/",
    "/partners/longfonds/",
    "/bestaat-niet/",
]


def test_the_public_site_sets_no_cookie_and_asks_no_other_origin(browser, live_url):
    """Every public page through the app that serves them (`make run`): no cookie, no request elsewhere;
    only the forms set their one cookie."""
    context = browser.new_context()
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for path in PUBLIC_PATHS:
            page.goto(f"{live_url}{path}")
            page.wait_for_load_state("networkidle")
            assert context.cookies() == [], path
        assert requests and all(url.startswith(live_url) for url in requests), requests
        page.goto(f"{live_url}/aanmelden/")
        assert len(context.cookies()) == 1  # the form's own, which the privacy statement names
    finally:
        context.close()


def test_axe_finds_a_violation_where_there_is_one(page):
    """The checker itself: a page with an image without alt text and an unlabelled field fails."""
    page.set_content('<html lang="nl"><head><title>x</title></head><body><img src="/a.png"><input></body></html>')
    assert {v["id"] for v in axe_violations(page)} >= {"image-alt", "label"}


def _contrast(rgb_a: str, rgb_b: str) -> float:
    """WCAG contrast ratio of two computed CSS colours (rgb(r, g, b))."""

    def luminance(rgb: str) -> float:
        channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    "group, colour",
    [
        ("oprichter", "rgb(11, 93, 80)"),
        ("maatschappelijke-organisatie", "rgb(29, 79, 145)"),
        ("overheid", "rgb(106, 44, 112)"),
    ],
)
def test_tiles_without_logo_wear_their_types_colour_with_aa_contrast(page, plain_url, group, colour):
    page.goto(f"{plain_url}/partners/")
    tile = page.locator(f"[data-group='{group}'] .tile-fallback").first
    style = tile.evaluate(
        "a => { const s = getComputedStyle(a); return [s.borderTopColor, s.color, s.backgroundColor] }"
    )
    initials = tile.locator("b").evaluate("b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color] }")
    assert style[0] == colour and initials[0] == colour
    assert _contrast(initials[0], initials[1]) >= 4.5  # the initials: white on the type's colour
    assert _contrast(style[1], style[2]) >= 4.5  # the name under them
