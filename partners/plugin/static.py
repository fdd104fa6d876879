"""The theme's static files in the output: CSS and JavaScript minified, unchanged files left alone."""

from __future__ import annotations

import re
from pathlib import Path

from .files import write_if_changed

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_SPACE = re.compile(r"\s*([{};,>])\s*")


def minify_css(text: str) -> str:
    """Comments and layout whitespace out; nothing that changes meaning (no rewriting of values)."""
    text = _CSS_COMMENT.sub("", text)
    text = re.sub(r"\s+", " ", text)
    text = _CSS_SPACE.sub(r"\1", text)
    text = re.sub(r":\s+", ":", text)  # after a colon only: before one it may be a descendant selector
    return text.replace(";}", "}").strip() + "\n"


def minify_js(text: str) -> str:
    """Indentation, blank lines and whole-line comments out; code lines are kept as written."""
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


MINIFIERS = {".css": minify_css, ".js": minify_js}


def publish_static(static_dir: Path, target_dir: Path) -> int:
    """Copy the theme's static files into the output, minified; return how many files were (re)written."""
    written = 0
    for source in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        data = source.read_bytes()
        minify = MINIFIERS.get(source.suffix)
        if minify:
            data = minify(data.decode("utf-8")).encode("utf-8")
        written += write_if_changed(target_dir / source.relative_to(static_dir), data)
    return written
