"""Safe Markdown for descriptions: raw HTML shown as text, no images, only safe links."""

import re
from html.parser import HTMLParser

import pytest
from markdown import Markdown

from partners.markup import SafeMarkdownExtension, is_safe_link
from tests.hostile_corpus import hostile_texts


def render(text: str) -> str:
    return Markdown(extensions=[SafeMarkdownExtension()], output_format="html").convert(text)


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://www.longfonds.nl", True),
        ("http://voorbeeld.nl/a?b=c", True),
        ("mailto:info@voorbeeld.nl", True),
        ("/partners/longfonds/", True),
        ("#bijdrage", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,x", False),
        ("//elders.example/x", False),
        ("\\\\elders.example\\x", False),
        ("", False),
    ],
)
def test_is_safe_link(url, safe):
    assert is_safe_link(url) is safe


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("Tekst <b onclick=x()>vet</b>", "<p>Tekst &lt;b onclick=x()&gt;vet&lt;/b&gt;</p>"),
        ("Logo: ![Longfonds](https://x.example/a.png) klaar", "<p>Logo: Longfonds klaar</p>"),
        ("[klik](javascript:alert(1))", "<p><a>klik</a></p>"),
        ("[site](https://www.kwf.nl)", '<p><a href="https://www.kwf.nl" rel="nofollow noopener">site</a></p>'),
        (
            '[site](https://www.kwf.nl "KWF")',
            '<p><a href="https://www.kwf.nl" rel="nofollow noopener" title="KWF">site</a></p>',
        ),
    ],
)
def test_descriptions_render_inert(text, html):
    assert render(text) == html


class _Hrefs(HTMLParser):
    """The href of every link as the browser's HTML parser reads it: character references decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value or "" for name, value in attrs if tag == "a" and name == "href"]


def scheme_the_browser_sees(href: str) -> str:
    """The scheme per the WHATWG URL parser: controls and spaces around it and tabs and newlines in it ignored."""
    url = re.sub(r"[\t\n\r]", "", href.strip("".join(map(chr, range(0x21)))))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else ""


@pytest.mark.parametrize("text", hostile_texts("description-links"))
def test_character_references_cannot_hide_a_links_scheme(text):
    parser = _Hrefs()
    parser.feed(render(text))
    assert parser.hrefs == [] or "&amp;#" in text  # "&amp;#58;" is the text "&#58;": a harmless relative link
    assert all(scheme_the_browser_sees(href) in ("", "http", "https", "mailto") for href in parser.hrefs)


@pytest.mark.parametrize(
    "url",
    ["javascript&#58;alert(1)", "java&#9;script:alert(1)", "&#1;javascript:x", "/\\elders.example", "&#47;/elders.nl"],
)
def test_is_safe_link_reads_the_url_as_the_browser_does(url):
    assert is_safe_link(url) is False


@pytest.mark.parametrize("url", ["https://kwf.nl/?a=1&amp;b=2", "mailto:info&#64;kwf.nl", "/partners/a-z/"])
def test_safe_links_with_references_stay(url):
    assert is_safe_link(url) is True
