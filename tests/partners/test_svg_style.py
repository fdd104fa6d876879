"""The CSS of SVG logos: what a drawing needs stays, anything that could load from elsewhere goes."""

import pytest

from partners.logos import check_logo
from partners.svg_style import clean_attribute_value, clean_declarations, clean_stylesheet


@pytest.mark.parametrize(
    ("css", "kept"),
    [
        ("fill:#0b5d50", "fill:#0b5d50"),
        ("fill: rgb(11, 93, 80); stroke-width: 2px", "fill:rgb(11, 93, 80);stroke-width:2px"),
        ("fill:rgb(1 2 3 / 50%)", "fill:rgb(1 2 3 / 50%)"),
        ("fill:url(#verloop)", "fill:url(#verloop)"),
        ('fill:url("#verloop")', 'fill:url("#verloop")'),
        ("font-family:'Open Sans', Arial, sans-serif", 'font-family:"Open Sans", Arial, sans-serif'),
        ("transform:rotate(45deg) translate(1px,2px)", "transform:rotate(45deg) translate(1px,2px)"),
        ("fill:red!important", "fill:red!important"),
        ("FILL:Red", "fill:Red"),
        ("fill:url(https://evil.example/a.svg#x)", ""),
        ("fill:url(//evil.example/a.svg#x)", ""),
        ("fill:url(a.svg#x)", ""),
        ("fill:\\75 rl(https://evil.example/a.svg#x)", ""),
        ("fill:u\\72l(https://evil.example/a.svg#x)", ""),
        ('background:image-set("https://evil.example/a.png" 1x)', ""),
        ('fill:-webkit-image-set("https://evil.example/a.png" 1x)', ""),
        ("fill:cross-fade(url(https://evil.example/a.png), red)", ""),
        ("fill:var(--x, url(https://evil.example/a.png))", ""),
        ("fill:env(x)", ""),
        ("fill:rgb(var(--x))", ""),
        ("fill:rgb(calc(1 + 2), 0, 0)", ""),
        ('fill:"https://evil.example/a.png"', ""),
        ("--spy:url(https://evil.example/a.png)", ""),
        ("cursor:url(https://evil.example/a.cur), auto", ""),
        ("mask-image:url(#m)", ""),
        ("opacity:url(#a)", ""),
        ("content:'x'", ""),
        ("behavior:url(x.htc)", ""),
        ("fill:red;background:url(https://evil.example/a.png);stroke:blue", "fill:red;stroke:blue"),
        ("fill:red; }@import url(https://evil.example/x.css); rect{fill:blue", "fill:red"),
    ],
)
def test_declarations_keep_only_what_a_drawing_needs(css, kept):
    assert clean_declarations(css) == kept


@pytest.mark.parametrize(
    ("css", "kept"),
    [
        (".st0{fill:#0b5d50}.st1{fill:none;stroke:#000}", ".st0{fill:#0b5d50}.st1{fill:none;stroke:#000}"),
        ("g > path, #a:hover { fill : red }", "g > path, #a:hover{fill:red}"),
        ("/* Jan Jansen, 06-12345678 */ rect{fill:red}", "rect{fill:red}"),
        ("@import url(https://evil.example/x.css); rect{fill:red}", "rect{fill:red}"),
        ('@import "https://evil.example/x.css"; rect{fill:red}', "rect{fill:red}"),
        (
            "@font-face{font-family:Spy;src:url(https://evil.example/f.woff2)} text{font-family:Spy}",
            "text{font-family:Spy}",
        ),
        ("@media all{rect{background:url(https://evil.example/a.png)}}", ""),
        ("@namespace x url(https://evil.example/); rect{fill:red}", "rect{fill:red}"),
        ("rect{fill:red; & g{background:url(https://evil.example/a.png)}}", "rect{fill:red}"),
        ('rect[fill^="https://evil.example/"]{fill:red}', ""),
        ("rect:nth-child(2){fill:red}", ""),
        ("rect{background:url(https://evil.example/a.png)}", ""),
        ("https://evil.example/x.css); rect{fill:red}", ""),  # what a filter leaves of a cut-out @import
        ("<!-- rect{fill:red} -->", "rect{fill:red}"),
    ],
)
def test_stylesheets_keep_only_plain_rules(css, kept):
    assert clean_stylesheet(css) == kept


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("url(#verloop)", "url(#verloop)"),
        ("translate(10, 20) rotate(5)", "translate(10, 20) rotate(5)"),
        ("matrix(1 0 0 1 -5.5e1 .5)", "matrix(1 0 0 1 -5.5e1 .5)"),
        ("'Open Sans', sans-serif", '"Open Sans", sans-serif'),
        ("url(https://evil.example/f.svg#a)", None),
        ("\\75 rl(https://evil.example/f.svg#a)", None),
        ("image-set('https://evil.example/a.png' 1x)", None),
        ("https://evil.example/f.svg#a)", None),
        ("expression(alert(1))", None),
    ],
)
def test_attribute_values_with_css_syntax(value, kept):
    assert clean_attribute_value(value) == kept


def test_a_real_logo_export_keeps_its_colours():
    """An Illustrator-style export: classes in a <style>, gradients by reference, a wordmark in <text>."""
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 240 80">'
        b"<defs><style>.cls-1{fill:url(#g);}.cls-2{fill:#0b5d50;font-family:Arial, sans-serif;font-size:24px;}</style>"
        b'<linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#0b5d50"/>'
        b'<stop offset="1" style="stop-color:#e8f3f1;stop-opacity:.8"/></linearGradient></defs>'
        b'<title>Logo</title><rect class="cls-1" width="80" height="80" rx="8"/>'
        b'<use xlink:href="#r" transform="translate (90 0)"/>'
        b'<text class="cls-2" x="100" y="50">Rookvrij <tspan font-weight="bold">NL</tspan></text></svg>'
    )
    data = check_logo(svg, "logo.svg").data
    assert (
        b"<style>.cls-1{fill:url(#g)}.cls-2{fill:#0b5d50;font-family:Arial, sans-serif;font-size:24px}</style>" in data
    )
    assert b'style="stop-color:#e8f3f1;stop-opacity:.8"' in data
    assert b'transform="translate(90 0)"' in data and b'href="#r"' in data
    assert b'>Rookvrij <tspan font-weight="bold">NL</tspan>' in data
    assert b"<title" not in data
