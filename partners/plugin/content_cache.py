"""Keep Pelican's content cache honest: it is used only by builds with the settings and versions that made it.

Pelican caches what its readers made of each page, keyed by the page file alone: a build with
other Markdown settings (or another Markdown or Pelican version) would reuse HTML the new
settings would not make. Templates and plugins are not part of what is cached (pages are
rendered anew in every build), so they need no key.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

KEY_FILE = "partners-content-cache.key"
KEY_SETTING = "PARTNERS_CONTENT_CACHE_KEY"  # the key of this build, from its start to its end
# The one setting check_before_build changes, and the key itself.
_NOT_IN_KEY = frozenset({"LOAD_CONTENT_CACHE", KEY_SETTING})


def _describe(value: object) -> object:
    """A stable JSON stand-in for a setting value JSON cannot hold (a set, a path, a function, an object)."""
    if isinstance(value, (set, frozenset)):
        return sorted(map(repr, value))
    if isinstance(value, Path):
        return str(value)
    kind = type(value)
    return f"<{kind.__module__}.{getattr(value, '__qualname__', kind.__qualname__)}>"


def cache_key(settings: dict) -> str:
    """SHA-256 of every setting and of the Pelican and Markdown versions."""
    shown = {name: value for name, value in settings.items() if name not in _NOT_IN_KEY}
    versions = [importlib.metadata.version(name) for name in ("pelican", "markdown")]
    text = json.dumps([versions, shown], sort_keys=True, default=_describe)
    return hashlib.sha256(text.encode()).hexdigest()


def check_before_build(settings: dict) -> None:
    """Ignore a content cache made under another key; its key file goes until this build has succeeded."""
    key_file = Path(settings["CACHE_PATH"]) / KEY_FILE
    settings[KEY_SETTING] = cache_key(settings)
    try:
        fresh = key_file.read_text() == settings[KEY_SETTING]
    except OSError:
        fresh = False
    if not fresh:
        if settings.get("LOAD_CONTENT_CACHE"):
            logger.info("partners: settings or versions changed; Pelican's content cache is not used")
        settings["LOAD_CONTENT_CACHE"] = False
        key_file.unlink(missing_ok=True)


def record_after_build(settings: dict) -> None:
    """Note the key of the content cache this build wrote."""
    if settings.get("CACHE_CONTENT") and settings.get(KEY_SETTING):
        key_file = Path(settings["CACHE_PATH"]) / KEY_FILE
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(settings[KEY_SETTING])
