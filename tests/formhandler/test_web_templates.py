"""Templates: the form pages extend the theme's own base.html; compiled templates never outlive their source."""

from __future__ import annotations

import shutil

from partners import THEME_DIR


def test_the_form_page_is_the_sites_page(client):
    html = client.get("/aanmelden/").get_data(as_text=True)
    assert '<html lang="nl"' in html and "Alliantie Nederland Rookvrij!" in html
    assert 'href="/theme/css/' in html  # the theme's own stylesheet, by its asset URL


def test_an_edited_template_is_rendered_anew_by_the_next_app(make_app, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(THEME_DIR, theme)
    first = make_app(THEME_DIR=str(theme)).test_client().get("/aanmelden/bestaat-niet").get_data(as_text=True)
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("<body", "<body data-bewerkt", 1), encoding="utf-8")
    second = make_app(THEME_DIR=str(theme)).test_client().get("/aanmelden/bestaat-niet").get_data(as_text=True)
    assert "data-bewerkt" not in first and "data-bewerkt" in second
