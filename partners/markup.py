"""Safe Markdown for partner descriptions: raw HTML is shown as text, no images, safe links only."""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_link(url: str) -> bool:
    """True for http(s) and mailto links and for links within the site."""
    url = url.strip()
    if not url:
        return False
    scheme = urlsplit(url).scheme.lower()
    if scheme:
        return scheme in SAFE_LINK_SCHEMES
    # No scheme: only a path or fragment of our own, never protocol-relative.
    return not url.startswith("//") and not url.startswith("\\")


# The only attributes a description may carry; everything else (on*, style, id) is dropped.
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}}


class _LinkAndImageFilter(Treeprocessor):
    """Drop images (they would load from elsewhere), unknown attributes and unsafe links."""

    def run(self, root: Element) -> None:
        """Filter the document tree in place."""
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "img":
                    # Keep the alt text so nothing the editor wrote silently vanishes.
                    alt = child.get("alt", "")
                    index = list(parent).index(child)
                    parent.remove(child)
                    if index == 0:
                        parent.text = (parent.text or "") + alt + (child.tail or "")
                    else:
                        prev = parent[index - 1]
                        prev.tail = (prev.tail or "") + alt + (child.tail or "")
                elif child.tag == "a":
                    if is_safe_link(child.get("href", "")):
                        child.set("rel", "nofollow noopener")
                    else:
                        child.attrib.pop("href", None)
        for element in root.iter():
            allowed = ALLOWED_ATTRIBUTES.get(element.tag, set())
            for name in list(element.attrib):
                if name not in allowed:
                    del element.attrib[name]


class SafeMarkdownExtension(Extension):
    """Treat raw HTML as text and filter links and images; load it last (md_in_html has its own raw-HTML processors)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Drop the raw-HTML processors; add the link and image filter."""
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_LinkAndImageFilter(md), "partners_safe_links", 0)
