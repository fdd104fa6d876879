"""Pelican settings for development builds; publishconf.py adds the production overrides."""

from pathlib import Path

from partners import THEME_DIR
from partners.assets import AssetUrls
from partners.dates import nl_date

ROOT = Path(__file__).resolve().parent

SITENAME = "Alliantie Nederland Rookvrij!"
SITEURL = ""
# Absolute links in the feed and sitemap of a development build point here.
PARTNERS_DEV_SITEURL = "http://127.0.0.1:8000"
# The Alliantiebureau's contact details: in the footer of every page, on /contact/ and in the
# privacy and accessibility statements. Address and phone appear only when set (address: one
# string per line). The form handler's CONTACT_* settings (docs/settings.md) hold the same values.
CONTACT_EMAIL = "bureau@alliantienederlandrookvrij.nl"
CONTACT_ADDRESS: list[str] = []
CONTACT_PHONE = ""
PATH = "content"
# The theme (templates/ and static/) lives in the partners package, partners/theme/, and is installed
# with it as package data: the form handler's pages extend the same base.html.
THEME = str(THEME_DIR)
TIMEZONE = "Europe/Amsterdam"
DEFAULT_LANG = "nl"
LOCALE = ("nl_NL.UTF-8", "C.UTF-8", "")

# Partner records are not articles: the partners plugin reads and validates them.
ARTICLE_PATHS: list[str] = []
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
# The partners plugin copies the theme's static/ minified and only when changed (partners/plugin/static.py).
THEME_STATIC_PATHS: list[str] = []
PLUGINS = ["partners.plugin"]
DIRECT_TEMPLATES: list[str] = []
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
AUTHOR_SAVE_AS = CATEGORY_SAVE_AS = TAG_SAVE_AS = ""
ARTICLE_SAVE_AS = ""
DEFAULT_PAGINATION = False

FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None

# Escape everything by default; trusted HTML (rendered Markdown) is marked |safe in templates.
# auto_reload off: every build (also each `make serve` rebuild) makes a new environment anyway, and
# the wall includes _tile.html a thousand times, each of which would otherwise stat the file.
JINJA_ENVIRONMENT = {
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "auto_reload": False,
}
JINJA_GLOBALS = {"asset": AssetUrls(THEME_DIR / "static")}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# Pelican's cache of what its reader made of each page; the partners plugin ignores it when the
# settings or the Pelican/Markdown versions changed (partners/plugin/content_cache.py). Pages are
# recognised by their bytes, not their mtime.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "sha256"
CACHE_PATH = str(ROOT / ".cache" / "pelican")
DELETE_OUTPUT_DIRECTORY = False
RELATIVE_URLS = False
JINJA_FILTERS = {"nl_date": nl_date}
