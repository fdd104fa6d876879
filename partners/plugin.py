"""Pelican plugin: validate partner records and build the wall, partner pages and open data.

Enable with ``PLUGINS = ["partners.plugin"]``. A record that fails validation stops
the build with every problem listed as ``path:line: Field: reason``.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import functools
import gc
import hashlib
import logging
import os
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from . import export, schema
from .assets import publish_static
from .compress import compress_tree
from .criteria import CRITERIA
from .logo_pipeline import OUTPUT_DIR as LOGO_DIR
from .logo_pipeline import LogoPipeline
from .page_cache import PageCache
from .records import RecordError, load_records, record_digest, wall_order
from .writer import SameBytesWriter, build_writes, finish_build, start_build

logger = logging.getLogger(__name__)

WALL_URL = "partners/"
LAZY_AFTER = 12  # tiles beyond the first rows load lazily: they are below the fold on a phone
# Per output folder: the partner page folders whose page and .gz this build wrote or checked,
# which the .gz sweep in `precompress` then need not enter.
_gz_done: dict[str, frozenset[str]] = {}


def build_date(settings) -> dt.date:
    """The date that decides which partnerships have ended; tests pin it."""
    value = settings.get("PARTNERS_TODAY")
    return dt.date.fromisoformat(value) if isinstance(value, str) else value or dt.date.today()


def partner_url(slug: str) -> str:
    """Site-relative URL of a partner page."""
    return f"{WALL_URL}{slug}/"


@contextlib.contextmanager
def _collector_paused():
    """No cyclic garbage collection while the records, caches and pages are built.

    These steps allocate many objects that all live until the build ends (records, cache
    entries, tiles); each full collection would walk all of them again for nothing. Reference
    counting still frees everything else at once; the collector runs normally afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class PartnerGenerator(Generator):
    """Reads content/partners/*.md and writes every partner-derived file."""

    def generate_context(self):
        """Validate all records first: a bad record stops the build before anything is written."""
        with _collector_paused():
            self._generate_context()

    def _generate_context(self):
        _gz_done.pop(os.fspath(self.output_path), None)
        content = Path(self.path)
        cache_dir = Path(self.settings.get("CACHE_PATH", ".cache"))
        records, problems = load_records(content, cache_file=cache_dir / "partner-records.pickle")
        if problems:
            for problem in problems:
                logger.error("partners: %s", problem)
            raise RecordError(problems)
        # From here on the records are valid, and output work can start in the writing helper
        # while this process goes on: the page folders first (a new folder is slow on some
        # disks), then the logo files as soon as they are known.
        out = Path(self.output_path)
        background = start_build()
        background.make_folders(os.fspath(out / WALL_URL), [r.slug for r in records])
        today = build_date(self.settings)
        pipeline = LogoPipeline(content, cache_dir / "logos")
        try:
            tiles = {r.slug: pipeline.process(r) for r in records if r.logo}
        finally:
            pipeline.save()  # what was derived stays derived, even when a later logo fails
        pipeline.write(out, background)
        wall = wall_order(records, today)
        ended = sorted((r for r in records if not r.is_active(today)), key=lambda r: r.until, reverse=True)
        self.logos = tiles
        self.pipeline = pipeline
        self.records = records
        self.context.update(
            partners_all=sorted(records, key=lambda r: r.title.casefold()),
            partners_wall=wall,
            partners_ended=ended,
            partner_count=len(wall),
            founders=[r for r in wall if r.type == "oprichter"],
            partner_types=schema.TYPES,
            partner_logos=tiles,
            partner_url=partner_url,
            # Absolute: the badge snippet on a partner page is pasted into other sites.
            public_site_url=self.settings.get("SITEURL")
            or self.settings.get("PARTNERS_DEV_SITEURL", "http://127.0.0.1:8000"),
            contribution_labels=schema.CONTRIBUTIONS,
            partner_criteria=CRITERIA,
            build_today=today,
        )

    def generate_output(self, writer):
        """Write the wall, its filtered views, the partner pages, open data, feed and site files."""
        with _collector_paused():
            self._generate_output(writer)

    def _generate_output(self, writer):
        out = Path(self.output_path)
        cache_dir = Path(self.settings.get("CACHE_PATH", ".cache"))
        today = self.context["build_today"]
        # Open data first: its two files and their .gz are written by the helper while the
        # pages render here.
        out.mkdir(parents=True, exist_ok=True)
        writes = build_writes()
        export.write_open_data(
            out,
            self.records,
            self.logos,
            today,
            cache_file=cache_dir / "open-data.pickle",
            write=lambda path, data: writes.write(os.fspath(path), data),
        )
        self._write_wall_pages(writer, out)
        self._write_partner_pages(writer, out)
        site_url = self.context["public_site_url"]
        export.write_feed(
            out, self.records, site_url, self.settings["SITENAME"], today, cache_file=cache_dir / "feeds.key"
        )
        export.write_sitemap(out, site_url, self._site_paths())
        export.write_robots(out, site_url)
        # Pelican's own copy rewrites every theme file each build (THEME_STATIC_PATHS is empty);
        # this one minifies and leaves unchanged files alone.
        publish_static(Path(self.theme) / "static", out / self.settings.get("THEME_STATIC_DIR", "theme"))

    def _write_wall_pages(self, writer, out: Path) -> None:
        """The wall, its type views and A-Z; skipped when no tile on them changed (e.g. a summary edit)."""
        wall = self.context["partners_wall"]
        views = {
            f"{WALL_URL}index.html": (wall, None, "wall"),
            f"{WALL_URL}a-z/index.html": (sorted(wall, key=lambda r: r.title.casefold()), None, "a-z"),
        }
        for type_slug in schema.TYPES:
            views[f"{WALL_URL}type/{type_slug}/index.html"] = (
                [r for r in wall if r.type == type_slug],
                type_slug,
                "wall",
            )
        template = self.get_template("partners")
        cache = PageCache(Path(self.settings.get("CACHE_PATH", ".cache")) / "wall-pages.pickle", self._shared_inputs())
        # A tile shows only slug, title, type and logo; the lead shows the count. Each tile's repr
        # is made once, not once per view it is on: the key is that of the list of tile tuples.
        tile_reprs = {r.slug: repr((r.slug, r.title, r.type, self.logos.get(r.slug))) for r in wall}
        for name, (partners, active_type, view) in views.items():
            tiles = _Repr("[" + ", ".join([tile_reprs[r.slug] for r in partners]) + "]")
            key = cache.key(tiles, active_type, view, len(wall))
            if not cache.fresh(name, key, out):
                writer.write_file(name, template, self.context, partners=partners, active_type=active_type, view=view)
                cache.store(name, key)
        cache.save()

    def _write_partner_pages(self, writer, out: Path) -> None:
        """Render each partner page, skipping pages whose inputs are unchanged since the last build."""
        page_template = self.get_template("partner")
        today = self.context["build_today"]
        cache = PageCache(
            Path(self.settings.get("CACHE_PATH", ".cache")) / "partner-pages.pickle", self._shared_inputs()
        )
        for record in self.records:
            name = f"{partner_url(record.slug)}index.html"
            logo = self.logos.get(record.slug)
            ended = not record.is_active(today)
            key = cache.key(record_digest(record), logo, ended)
            if cache.fresh(name, key, out):
                continue
            writer.write_file(name, page_template, self.context, partner=record, logo=logo, ended=ended)
            cache.store(name, key)
        cache.prune(out)
        cache.save()
        # Every page was either written with its .gz (write_with_gz) or found fresh with its .gz.
        _gz_done[os.fspath(self.output_path)] = frozenset(partner_url(r.slug).rstrip("/") for r in self.records)

    def _shared_inputs(self) -> str:
        """Everything besides the record that shapes a partner page: theme files and settings."""
        if getattr(self, "_shared_digest", None) is None:
            self._shared_digest = self._hash_shared_inputs()
        return self._shared_digest

    def _hash_shared_inputs(self) -> str:
        theme = Path(self.theme)
        files = sorted(p for p in theme.rglob("*") if p.is_file())
        digest = hashlib.sha256()
        for path in files:
            digest.update(str(path.relative_to(theme)).encode() + path.read_bytes())
        for setting in ("SITENAME", "SITEURL", "JINJA_ENVIRONMENT", "PARTNERS_DEV_SITEURL"):
            digest.update(repr(self.settings.get(setting)).encode())
        return digest.hexdigest()

    def _site_paths(self) -> list[str]:
        """Every public HTML path, for the sitemap."""
        paths = [page.url for page in self.context.get("pages", [])]
        paths += [WALL_URL, f"{WALL_URL}a-z/"] + [f"{WALL_URL}type/{t}/" for t in schema.TYPES]
        paths += [partner_url(r.slug) for r in self.records]
        return paths


class _Repr:
    """Stands in a page cache key for a value whose repr is already made."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def get_generators(pelican_object):
    """Hand Pelican our generator."""
    return PartnerGenerator


def get_writer(pelican_object):
    """Hand Pelican a writer that skips files whose bytes did not change."""
    return SameBytesWriter


def precompress(pelican_object):
    """After everything is written: .gz beside each text file, for nginx's gzip_static."""
    finish_build()
    # output/logos is the logo pipeline's: it writes (and checks) the .gz files there itself; so
    # did the partner pages step for the page folders.
    done = _gz_done.pop(os.fspath(pelican_object.output_path), frozenset())
    written, removed = compress_tree(Path(pelican_object.output_path), skip=done | {LOGO_DIR})
    logger.debug("partners: %d .gz written, %d removed", written, removed)


def cache_templates(generator):
    """Keep compiled templates in CACHE_PATH/jinja (keyed by Jinja on the template's source), so a
    rebuild does not parse and compile the theme again; every generator has its own environment."""
    cache_path = generator.settings.get("CACHE_PATH")
    if cache_path and generator.env.bytecode_cache is None:
        folder = Path(cache_path) / "jinja"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # a read-only cache only costs time
        generator.env.bytecode_cache = _bytecode_cache(str(folder))


@functools.lru_cache(maxsize=4)
def _bytecode_cache(folder: str):
    from jinja2 import FileSystemBytecodeCache

    return FileSystemBytecodeCache(folder)


def _freeze_at_exit() -> None:
    """Spare the interpreter's last collections at exit (see register)."""
    gc.freeze()


def register():
    """Connect the plugin to Pelican's signals."""
    # A `pelican` process ends right after its build, and the interpreter's last garbage
    # collections would walk every record, cache entry and compiled template once more: 50-70 ms
    # of a 0.35 s rebuild. Freezing what is alive at exit skips that walk; registered last, it
    # runs first among the exit handlers. Reference counting still frees what it frees.
    atexit.unregister(_freeze_at_exit)
    atexit.register(_freeze_at_exit)
    signals.generator_init.connect(cache_templates)
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(precompress)
