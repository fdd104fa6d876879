"""Templates: the app's own first, then the theme's, so every page extends the site's base.html."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import BytecodeCache, ChoiceLoader, FileSystemLoader
from jinja2.bccache import Bucket

from partners.assets import AssetUrls
from partners.contact import contact_from
from partners.dates import nl_date

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SITENAME = "Alliantie Nederland Rookvrij!"


class ProcessBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app of this process; Jinja checks each against its source."""

    # Why: compiling the form's templates is most of each app's first page, and the tests build hundreds of apps.

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give the bucket what this process compiled before, if anything."""
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep what was just compiled."""
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = ProcessBytecodeCache()


def init_app(app: Flask) -> None:
    """Load our templates, then the theme's; give them the site's asset URLs, name, contact details and Dutch dates."""
    theme = Path(app.config["THEME_DIR"])
    app.jinja_options = {**app.jinja_options, "bytecode_cache": _COMPILED}
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), FileSystemLoader(str(theme / "templates"))])
    app.jinja_env.globals.update(asset=AssetUrls(theme / "static"), SITENAME=SITENAME, contact=contact_from(app.config))
    app.jinja_env.filters["nl_date"] = nl_date
