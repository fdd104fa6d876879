"""Reading a built site as a browser gets it: the tags of a page, the tiles of the wall, the badge snippet."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path


class _Tags(HTMLParser):
    """Collect (tag, attrs) pairs of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(path: Path, name: str | None = None) -> list[dict]:
    """The attributes of every tag (or every tag called `name`) in an HTML file, in document order."""
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return [attrs for tag, attrs in parser.tags if name is None or tag == name]


def wall_tiles(path: Path) -> list[str]:
    """The inner HTML of each tile: every <li> of the wall's lists (<ul class="wall">), in page order."""
    page = path.read_text(encoding="utf-8")
    lists = re.findall(r'<ul class="wall(?: founders)?" role="list">(.*?)</ul>', page, re.S)
    return [tile for chunk in lists for tile in re.findall(r"<li>(.*?)</li>", chunk, re.S)]


def tile_hrefs(path: Path) -> list[str]:
    """Each tile's link (its first and only href), in page order."""
    hrefs = [re.search(r'href="([^"]+)"', tile) for tile in wall_tiles(path)]
    assert all(hrefs), "every tile links to its partner"
    return [found[1] for found in hrefs if found]


def badge_snippet(page: Path) -> str | None:
    """The HTML a partner copies from its page (the textarea's text, unescaped), or None."""
    found = re.search(r'<textarea id="badge-code"[^>]*>(.*?)</textarea>', page.read_text(encoding="utf-8"), re.S)
    return html.unescape(found.group(1)) if found else None
