"""Templates: the app's own first, then the theme's, so every page extends the site's base.html."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader

from partners.assets import AssetUrls
from partners.dates import nl_date

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SITENAME = "Alliantie Nederland Rookvrij!"


def init_app(app: Flask) -> None:
    """Load our templates, then the theme's; give them the site's asset URLs, name and Dutch dates."""
    theme = Path(app.config["THEME_DIR"])
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), FileSystemLoader(str(theme / "templates"))])
    app.jinja_env.globals.update(asset=AssetUrls(theme / "static"), SITENAME=SITENAME)
    app.jinja_env.filters["nl_date"] = nl_date
