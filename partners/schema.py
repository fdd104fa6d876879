"""The partner record: its fields, the allowed values and every limit, defined once.

The build, the `python -m partners` CLI and the registration form all read these
constants, so a rule exists in one place only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata

#: Partner types in wall order, with the Dutch label shown on the site.
TYPES: dict[str, str] = {
    "oprichter": "Oprichtingspartners",
    "maatschappelijke-organisatie": "Maatschappelijke organisaties",
    "overheid": "Overheden",
    "bedrijf": "Bedrijven",
}

#: Singular labels, for a partner page.
TYPE_SINGULAR: dict[str, str] = {
    "oprichter": "Oprichtingspartner",
    "maatschappelijke-organisatie": "Maatschappelijke organisatie",
    "overheid": "Overheid",
    "bedrijf": "Bedrijf (status aparte)",
}

#: The seven kinds of active contribution from the seed, as slugs.
CONTRIBUTIONS: dict[str, str] = {
    "eigen-activiteiten": "Eigen activiteiten om tabaksgebruik te ontmoedigen",
    "werkgroepen": "Menskracht voor de werkgroepen",
    "achterban": "Alliantieboodschappen delen met de eigen achterban",
    "netwerk": "Netwerken en sleutelpersonen inbrengen",
    "kennis": "Kennis ontwikkelen over tabaksontmoediging",
    "lobby": "Lobby voor de doelen van de Alliantie",
    "financiering": "Activiteiten uit het beleidsplan financieren",
}

#: Field order of a record file; also the set of allowed header keys.
FIELDS: tuple[str, ...] = (
    "Title",
    "Slug",
    "Type",
    "Website",
    "Logo",
    "Since",
    "Until",
    "Summary",
    "Sector",
    "Contributions",
)
REQUIRED: frozenset[str] = frozenset({"Title", "Slug", "Type", "Since"})

TITLE_MIN = 2
TITLE_MAX = 120
SUMMARY_MAX = 200
SECTOR_MAX = 60
WEBSITE_MAX = 300
DESCRIPTION_MAX = 5000

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80

# Everything the plugin writes under /partners/ besides the partner pages (/partners/<slug>/): the
# wall, its A–Z view and one view per type. The generator takes its output paths from here, and a
# slug may never be one of these names, or a partner page would overwrite a page of the site.
WALL_DIR = "partners"
WALL_INDEX = "index.html"
WALL_AZ_DIR = "a-z"
WALL_TYPE_DIR = "type"
WALL_VIEW_DIRS = (WALL_AZ_DIR, WALL_TYPE_DIR)
RESERVED_SLUGS: frozenset[str] = frozenset({*WALL_VIEW_DIRS, WALL_INDEX.removesuffix(".html")})
# make_slug turns a name whose slug is reserved ("A-Z", "Type") into this distinct one: "a-z-partner".
RESERVED_SLUG_SUFFIX = "-partner"

LOGO_DIR = "logos"
LOGO_EXTENSIONS: dict[str, str] = {
    ".svg": "svg",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".webp": "webp",
}
LOGO_MAX_BYTES = 512 * 1024
# A raster is decoded whole to be re-encoded: its pixel count bounds the memory and time a check
# costs (about 16 MB of RGBA at the maximum), whatever few bytes the file has. A wall tile shows a
# logo at 200×100 (400×200 on a sharp screen), so this leaves ten times more than it ever needs.
LOGO_MAX_PIXELS = 2048 * 2048
LOGO_MAX_SIDE = 4096
# An SVG's width, height and viewBox numbers (user units): finite, and at most this.
LOGO_SVG_MAX_SIZE = 100_000
# Nesting depth and element count of an SVG: a logo needs far less; deeper would strain the parsers.
LOGO_SVG_MAX_DEPTH = 100
LOGO_SVG_MAX_ELEMENTS = 20_000


@dataclasses.dataclass(frozen=True)
class Record:
    """One validated partner record, as the site and the queue see it."""

    title: str
    slug: str
    type: str
    since: dt.date
    website: str = ""
    logo: str = ""
    until: dt.date | None = None
    summary: str = ""
    sector: str = ""
    contributions: tuple[str, ...] = ()
    description: str = ""
    source: str = ""

    def is_active(self, today: dt.date) -> bool:
        """True while the partnership has not ended on `today`."""
        return self.until is None or self.until > today

    @property
    def type_label(self) -> str:
        """The singular Dutch label of the partner type."""
        return TYPE_SINGULAR[self.type]

    @property
    def initial(self) -> str:
        """The letter the A–Z index files this partner under ('#' for digits and symbols)."""
        first = unicodedata.normalize("NFKD", self.title.lstrip("'\"‘’“ "))[:1].upper()
        return first if "A" <= first <= "Z" else "#"

    @property
    def has_vote(self) -> bool:
        """Bedrijven have status aparte: no vote in the Alliantieraad."""
        return self.type != "bedrijf"
