"""Safe Markdown for descriptions: raw HTML shown as text, no images, only safe links."""

import pytest
from markdown import Markdown

from partners.markup import SafeMarkdownExtension, is_safe_link


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
