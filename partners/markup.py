"""Safe Markdown for partner descriptions: raw HTML is shown as text, no images, safe links only."""

from __future__ import annotations

import html
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


# What a browser's URL parser ignores: C0 controls and spaces around the URL, tabs and newlines within.
_URL_EDGES = "".join(chr(code) for code in range(0x21))
_URL_IGNORED = str.maketrans("", "", "\t\n\r")


def browser_url(href: str) -> str:
    """The URL a browser reads from this href as Markdown writes it into the page.

    Python-Markdown leaves character references in an href as they are, and the browser decodes
    them: `javascript&#58;` and `java&#9;script:` are `javascript:` to the browser. The check must
    see what the browser sees, so decode once (as the HTML parser does) and drop what the URL
    parser drops (WHATWG URL: leading and trailing C0 controls and spaces, every tab and newline).
    """
    return html.unescape(href).strip(_URL_EDGES).translate(_URL_IGNORED)


def is_safe_link(url: str) -> bool:
    """True for http(s) and mailto links and for links within the site, as the browser will read them."""
    url = browser_url(url)
    if not url:
        return False
    scheme = urlsplit(url).scheme.lower()
    if scheme:
        return scheme in SAFE_LINK_SCHEMES
    # No scheme: only a path or fragment of our own, never protocol-relative ("\\" counts as "/").
    return not url.replace("\\", "/").startswith("//")


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
