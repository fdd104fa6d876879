"""The Pelican generator of everything made from the partner records: wall, partner pages, logos, open data."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from pelican.generators import Generator

from .. import export, schema
from ..contact import contact_from
from ..criteria import CRITERIA
from ..logos import LogoError
from ..records import RecordError, load_records, read_record, wall_order
from ..schema import Record
from ..validate import Problem
from .feeds import write_feeds, write_robots, write_sitemap
from .files import write_if_changed
from .logo_files import LogoFiles, WallLogo
from .static import publish_static
from .tiles import initials

# Every path under partners/ comes from schema.py, where the slugs they reserve are defined too.
WALL_URL = f"{schema.WALL_DIR}/"
WALL_VIEWS = schema.WALL_VIEW_DIRS  # folders under partners/ that are views of the wall, not partners


def wall_view_url(view: str, type_slug: str = "") -> str:
    """Site-relative URL of the A–Z view or of one type's view of the wall."""
    return f"{WALL_URL}{view}/{type_slug + '/' if type_slug else ''}"


def build_date(settings: dict) -> dt.date:
    """The date that decides which partnerships have ended; tests pin it with PARTNERS_TODAY."""
    value = settings.get("PARTNERS_TODAY")
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value or dt.date.today()


def partner_url(slug: str) -> str:
    """Site-relative URL of a partner page."""
    return f"{WALL_URL}{slug}/"


class PartnerGenerator(Generator):
    """Reads content/partners/*.md and writes every partner-derived file."""

    def generate_context(self) -> None:
        """Validate every record and logo first: a bad one stops the build before anything is written."""
        content = Path(self.path)
        records, problems = load_records(content, check_logo_files=False)
        self.logo_files = LogoFiles(content, Path(self.settings["CACHE_PATH"]) / "partners-logos")
        self.logos: dict[str, WallLogo] = {}
        for record in records:
            if record.logo:
                problems += self._process_logo(content, record)
        if problems:
            # Not logged here: Pelican's command prints them through ReportRecordErrors (plugin/__init__.py),
            # `partners serve` and the tests read them from the exception.
            raise RecordError(problems)
        today = build_date(self.settings)
        wall = wall_order(records, today)
        self.records = records
        self.today = today
        self.context.update(
            partners_wall=wall,
            partner_count=len(wall),
            founders=[r for r in wall if r.type == "oprichter"],
            partner_types=schema.TYPES,
            partner_logos=self.logos,
            partner_url=partner_url,
            initials=initials,
            # Absolute: the badge snippet on a partner page is pasted into other sites.
            public_site_url=self.settings.get("SITEURL")
            or self.settings.get("PARTNERS_DEV_SITEURL", "http://127.0.0.1:8000"),
            contribution_labels=schema.CONTRIBUTIONS,
            partner_criteria=CRITERIA,
            contact=contact_from(self.settings),
        )

    def _process_logo(self, content: Path, record: Record) -> list[Problem]:
        """Derive one record's logo files (from the cache when its bytes are known); the problems if refused."""
        try:
            self.logos[record.slug] = self.logo_files.process(record)
        except (LogoError, OSError) as exc:
            # Read the record again with its logo check, for the problem with its file and line.
            _, found = read_record(Path(record.source), content, check_logo_file=True)
            return found or [Problem("Logo", str(exc), record.source, 1)]
        return []

    def generate_output(self, writer: object) -> None:
        """Write the logos, the wall and its views, the partner pages, open data, feeds and site files."""
        out = Path(self.output_path)
        self.logo_files.write(out)
        self.logo_files.prune_cache()
        self._write_wall_pages()
        self._write_partner_pages(out)
        logo_urls = {slug: logo.url for slug, logo in self.logos.items()}
        rows = export.partner_rows(self.records, logo_urls, self.today)
        write_if_changed(out / "partners.json", export.rows_json(rows))
        write_if_changed(out / "partners.csv", export.rows_csv(rows))
        site_url = self.context["public_site_url"]
        write_feeds(out, self.records, site_url, self.settings["SITENAME"], self.today)
        write_sitemap(out, site_url, self._site_paths())
        write_robots(out, site_url)
        # THEME_STATIC_PATHS is empty: Pelican's own copy would rewrite every file in every build.
        publish_static(Path(self.theme) / "static", out / self.settings["THEME_STATIC_DIR"])

    def _write(self, name: str, template_name: str, **values: object) -> None:
        """Render a template with the site's context into output/NAME, as Pelican's writer would."""
        template = self.get_template(template_name)
        html = template.render({**self.context, "output_file": name, **values})
        write_if_changed(Path(self.output_path) / name, html.encode("utf-8"))

    def _write_wall_pages(self) -> None:
        """The wall, its A-Z index and one view per type (the filter that works without JavaScript)."""
        wall = self.context["partners_wall"]
        self._write(f"{WALL_URL}{schema.WALL_INDEX}", "partners", partners=wall, active_type=None, view="wall")
        by_name = sorted(wall, key=lambda r: r.title.casefold())
        self._write(
            f"{wall_view_url(schema.WALL_AZ_DIR)}index.html", "partners", partners=by_name, active_type=None, view="a-z"
        )
        for type_slug in schema.TYPES:
            of_type = [r for r in wall if r.type == type_slug]
            name = f"{wall_view_url(schema.WALL_TYPE_DIR, type_slug)}index.html"
            self._write(name, "partners", partners=of_type, active_type=type_slug, view="wall")

    def _write_partner_pages(self, out: Path) -> None:
        """One page per partner; the page folder of a partner that is no longer in the records goes."""
        for record in self.records:
            ended = not record.is_active(self.today)
            logo = self.logos.get(record.slug)
            self._write(f"{partner_url(record.slug)}index.html", "partner", partner=record, logo=logo, ended=ended)
        current = {r.slug for r in self.records} | set(WALL_VIEWS)
        for folder in (out / WALL_URL).iterdir():
            if folder.is_dir() and folder.name not in current:
                shutil.rmtree(folder)

    def _site_paths(self) -> list[str]:
        """Every public HTML path, for the sitemap."""
        paths = [page.url for page in self.context.get("pages", [])]
        paths += [WALL_URL, wall_view_url(schema.WALL_AZ_DIR)]
        paths += [wall_view_url(schema.WALL_TYPE_DIR, t) for t in schema.TYPES]
        paths += [partner_url(r.slug) for r in self.records]
        return paths
