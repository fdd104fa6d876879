"""Property-based: SVGs generated from a grammar of elements, attributes and CSS go through the logo check.

Whatever comes in, the check either refuses it with a Dutch LogoError or returns an SVG that
parses, refers to nothing outside itself, holds no script and no event handler, carries text only
where a logo draws it, and comes out the same when checked again (publishing and the build do).
HOSTILE_EXAMPLES_SCALE=10 runs ten times as many examples.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import tinycss2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partners import schema
from partners.logos import LogoError, check_logo
from tests.hostile_corpus import FORBIDDEN

SCALE = float(os.environ.get("HOSTILE_EXAMPLES_SCALE", "1"))
EXAMPLES = max(1, int(100 * SCALE))
SVG_NS = "http://www.w3.org/2000/svg"
DRAWN_TEXT = {"text", "tspan", "textPath"}
NEVER = {"script", "foreignObject", "image", "feImage", "animate", "set", "animateMotion", "animateTransform"}
NEVER |= {"iframe", "title", "desc", "metadata"}
# The test's own list, not the sanitiser's: the functions that can load nothing.
HARMLESS_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "matrix", "translate", "translatex", "translatey", "scale"}
HARMLESS_FUNCTIONS |= {"scalex", "scaley", "rotate", "skew", "skewx", "skewy"}


# Words for people or programs, never part of the drawing: where a name or a number hides.
TEXT_ATTRIBUTES = {"title", "name", "label", "author", "alt", "lang", "role"}


def is_local_reference(url: str) -> bool:
    """A fragment of this document: the only reference a logo may hold."""
    return url.startswith("#")


# --- the grammar -------------------------------------------------------------------------------
elsewhere = st.sampled_from(
    [
        "https://evil.example/a.png",
        "http://evil.example/b.svg#x",
        "//evil.example/c.svg#y",
        "/logos/andere.svg#z",
        "d.svg#w",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "java\tscript:alert(1)",
        "\\68ttps://evil.example/e.png",
        "ftp://evil.example/f",
    ]
)
reference = st.one_of(elsewhere, st.sampled_from(["#g", "#clip", "#a.b", "#"]))


def css_escape(name: str, how: int) -> str:
    """A function name written with a CSS escape, as an attacker would hide it."""
    if how == 0 or not name:
        return name
    if how == 1:
        return f"\\{ord(name[0]):x} {name[1:]}"
    if how == 2:
        return name[:1] + f"\\{ord(name[1]):06x}" + name[2:] if len(name) > 1 else name
    return "\\" + name[0] + name[1:]  # a plain backslash before an ordinary letter


function_name = st.sampled_from(
    [
        *("url", "image-set", "-webkit-image-set", "cross-fade", "image", "element", "src", "var", "env", "attr"),
        *("paint", "expression", "rgb", "rgba", "hsl", "translate", "rotate", "calc"),
    ]
)


@st.composite
def css_function(draw) -> str:
    """url(...), image-set("..." 1x) and friends, maybe escaped, maybe with comments inside."""
    name = css_escape(draw(function_name), draw(st.integers(0, 3)))
    target = draw(reference)
    argument = draw(
        st.sampled_from(
            [
                target,
                f'"{target}"',
                f"'{target}' 1x",
                f"url({target}) 2x",
                "1, 2, 3",
                "10 20",
                f"--x, url({target})",
                "45deg",
            ]
        )
    )
    comment = draw(st.sampled_from(["", "/**/", "/* x */"]))
    return f"{name}({comment}{argument}{comment})"


css_value = st.one_of(
    css_function(),
    st.sampled_from(["red", "#0b5d50", "none", "2px", "50%", '"Open Sans", sans-serif', "inherit", "!important"]),
    st.sampled_from(["url(#g)", 'url("#clip")', "rgb(11, 93, 80)", "rotate(45deg)", "hsl(0 50% 50% / .5)"]),
    st.lists(st.one_of(css_function(), st.sampled_from(["red", "1px", ","])), min_size=2, max_size=3).map(" ".join),
)
css_property = st.sampled_from(
    [
        *("fill", "stroke", "mask", "filter", "clip-path", "font-family", "opacity", "transform", "marker-start"),
        *("background", "background-image", "cursor", "content", "mask-image", "list-style", "--spy", "behavior"),
        "src",
    ]
)
declaration = st.builds(lambda p, v: f"{p}:{v}", css_property, css_value)
declarations = st.lists(declaration, min_size=1, max_size=4).map(";".join)
selector = st.sampled_from(["rect", ".st0", "#a", "g > path", "a:hover", "*", '[href^="https://evil.example"]'])


@st.composite
def at_rule(draw) -> str:
    """@import, @font-face, @media, @namespace and @supports, with a reference to elsewhere."""
    target = draw(elsewhere)
    return draw(
        st.sampled_from(
            [
                f"@import url({target});",
                f'@import "{target}";',
                f"@font-face{{font-family:Spy;src:url({target})}}",
                f"@media all{{rect{{background:url({target})}}}}",
                f"@namespace x url({target});",
                f"@supports (color:red){{rect{{fill:url({target})}}}}",
                f"@{css_escape('import', 1)} url({target});",
            ]
        )
    )


stylesheet = st.lists(
    st.one_of(
        st.builds(lambda s, d: f"{s}{{{d}}}", selector, declarations), at_rule(), st.just("/* Jan 06-12345678 */")
    ),
    min_size=1,
    max_size=4,
).map(" ".join)
number = st.one_of(
    st.integers(-10, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["inf", "-inf", "NaN", "1e400", "9" * 40, "2147483648", "9223372036854775808", "0", "-1", "1e-9"]),
)
view_box = st.one_of(st.lists(number, min_size=3, max_size=5).map(" ".join), st.just("0 0 100 40"))
personal = st.sampled_from(["Jan Jansen", "06-12345678", "jan@example.nl", "Rookvrij", " "])
attribute = st.one_of(
    st.tuples(
        st.sampled_from(["fill", "stroke", "mask", "filter", "clip-path", "transform", "font-family"]), css_value
    ),
    st.tuples(st.just("style"), declarations),
    st.tuples(st.sampled_from(["href", "xlink:href", "src", "xml:base"]), reference),
    st.tuples(st.sampled_from(["onload", "onclick", "OnMouseOver", "onbegin"]), st.just("alert(1)")),
    st.tuples(st.sampled_from(["aria-label", "data-name", "inkscape:label", "class", "id"]), personal),
    st.tuples(st.sampled_from(["title", "name", "label", "author", "alt", "lang"]), personal),
    st.tuples(st.just("id"), st.sampled_from(["g", "clip", "a", "Laag_Jan_Jansen", "p0612345678"])),
    st.tuples(st.sampled_from(["width", "height", "x", "r", "rx"]), number),
    st.tuples(st.just("viewBox"), view_box),
    st.tuples(st.sampled_from(["attributeName", "to", "values", "begin"]), st.sampled_from(["href", "javascript:x"])),
)
ELEMENTS = ["g", "rect", "circle", "path", "text", "tspan", "defs", "linearGradient", "stop", "clipPath", "mask"]
ELEMENTS += ["filter", "use", "a", "symbol", "pattern", "svg", "script", "foreignObject", "image", "feImage"]
ELEMENTS += ["animate", "set", "title", "desc", "metadata", "h:script", "sodipodi:namedview", "iframe"]


def attributes_text(pairs: list[tuple[str, str]]) -> str:
    """Attributes, each name once, values escaped as XML requires."""
    return "".join(f" {name}={quoteattr(value)}" for name, value in dict(pairs).items())


leaf = st.one_of(
    st.builds(lambda n, a: f"<{n}{attributes_text(a)}/>", st.sampled_from(ELEMENTS), st.lists(attribute, max_size=3)),
    personal.map(escape),
    st.builds(lambda css: f"<style>{escape(css)}</style>", stylesheet),
    st.builds(lambda css: f"<style><![CDATA[{css.replace(']]>', '')}]]></style>", stylesheet),
    st.just("<!-- Jan Jansen, jan@example.nl -->"),
    st.builds(lambda t: f'<?xml-stylesheet href="{t}"?>', elsewhere),
)


def wrap(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
    """One element around generated children."""
    return st.builds(
        lambda n, a, kids: f"<{n}{attributes_text(a)}>{''.join(kids)}</{n}>",
        st.sampled_from(ELEMENTS),
        st.lists(attribute, max_size=3),
        children,
    )


content = st.recursive(leaf, lambda inner: wrap(st.lists(inner, max_size=5)), max_leaves=40)


@st.composite
def svg_document(draw) -> bytes:
    """A whole SVG document: root attributes, generated content, now and then a prolog or a broken end."""
    root_attrs = attributes_text(draw(st.lists(attribute, max_size=3)))
    body = "".join(draw(st.lists(content, min_size=1, max_size=6)))
    namespaces = (
        f' xmlns="{SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:h="http://www.w3.org/1999/xhtml"'
        ' xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"'
        ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"'
    )
    prolog = draw(st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>\n', "\ufeff"]))
    text = f"{prolog}<svg{namespaces}{root_attrs}>{body}</svg>"
    if draw(st.integers(0, 20)) == 20:
        text = text[: draw(st.integers(1, len(text)))]  # now and then a truncated file
    return text.encode("utf-8")


# --- what the output must be -------------------------------------------------------------------
def css_problems(tokens: list, where: str) -> list[str]:
    """Every reference to elsewhere and every function outside the allowlist, through nested blocks."""
    problems, stack = [], list(tokens)
    while stack:
        token = stack.pop()
        if token.type == "url" and not is_local_reference(token.value):
            problems.append(f"{where}: url({token.value})")
        elif token.type == "function":
            args = [t for t in token.arguments if t.type not in ("whitespace", "comment")]
            local_url = (
                token.lower_name == "url" and len(args) == 1 and is_local_reference(getattr(args[0], "value", ""))
            )
            if token.lower_name not in HARMLESS_FUNCTIONS and not local_url:
                problems.append(f"{where}: {token.lower_name}()")
            stack.extend(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            stack.extend(token.content)
        elif token.type == "at-rule":
            problems.append(f"{where}: @{token.lower_at_keyword}")
        elif token.type in ("qualified-rule",):
            stack.extend(token.prelude + token.content)
        elif token.type == "declaration":
            stack.extend(token.value)
    return problems


def output_problems(data: bytes) -> list[str]:
    """Everything in a checked SVG that a logo must not have."""
    root = ET.fromstring(data)  # it parses
    problems = [f"forbidden text {m.group()!r}" for m in FORBIDDEN.finditer(data)]
    if root.tag != f"{{{SVG_NS}}}svg":
        problems.append(f"root {root.tag}")
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in root.iter():
        namespace, _, name = element.tag[1:].partition("}")
        if namespace != SVG_NS or name in NEVER:
            problems.append(f"element {element.tag}")
        drawn = name in DRAWN_TEXT
        if (element.text or "").strip() and not drawn and name != "style":
            problems.append(f"text in <{name}>: {element.text!r}")
        parent = parents.get(element)
        parent_name = parent.tag.rsplit("}", 1)[-1] if parent is not None else ""
        if (element.tail or "").strip() and parent_name not in DRAWN_TEXT:
            problems.append(f"text after <{name}> in <{parent_name}>: {element.tail!r}")
        if name == "style":
            rules = tinycss2.parse_stylesheet(element.text or "", skip_comments=True, skip_whitespace=True)
            problems += css_problems(rules, "<style>")
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            if local.startswith(("on", "aria-", "data-")) or local in TEXT_ATTRIBUTES:
                problems.append(f"attribute {attribute}")
            if local == "id" and f"#{value}" not in data.decode():
                problems.append(f"id {value!r} that nothing refers to")
            if local == "href" and not is_local_reference(value):
                problems.append(f"href {value!r}")
            tokens = (
                tinycss2.parse_blocks_contents(value)
                if local == "style"
                else tinycss2.parse_component_value_list(value)
            )
            problems += css_problems(tokens, f"{name}@{attribute}")
    return problems


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(svg_document())
def test_generated_svgs_come_out_harmless_or_are_refused(data):
    try:
        logo = check_logo(data, "logo.svg")
    except LogoError as exc:
        assert str(exc) and not re.search(r"\b(the|file|error|invalid)\b", str(exc), re.I), exc
        return
    assert logo.kind == "svg"
    assert output_problems(logo.data) == [], (data, logo.data)
    assert 1 <= logo.width <= schema.LOGO_SVG_MAX_SIZE and 1 <= logo.height <= schema.LOGO_SVG_MAX_SIZE
    again = check_logo(logo.data, "logo.svg")
    assert (again.data, again.width, again.height) == (logo.data, logo.width, logo.height)


def test_the_output_check_finds_what_it_looks_for():
    """The assertions above can fail: an SVG with each kind of problem is reported."""
    bad = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);a{fill:image-set("x" 1x)}</style>'
        b'<g onload="x" aria-label="Jan" style="fill:url(http://e.example/a)">tekst</g>'
        b'<use href="http://e.example/a.svg#b"/><title>Jan</title><rect id="Jan_Jansen" title="Jan"/></svg>'
    )
    found = "\n".join(output_problems(bad))
    for expected in ["@import", "image-set()", "attribute onload", "attribute aria-label", "url(http://e.example/a)"]:
        assert expected in found, found
    assert "href 'http://e.example/a.svg#b'" in found and "element {http://www.w3.org/2000/svg}title" in found
    assert "text in <g>: 'tekst'" in found
    assert "attribute title" in found and "id 'Jan_Jansen' that nothing refers to" in found
