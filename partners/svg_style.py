"""The CSS of an SVG logo, parsed with tinycss2: only the properties and values a drawing needs survive.

Style stays because logo exports (Illustrator's `.st0{fill:…}`, Inkscape's `style=`) carry their
colours in it; dropping it would turn many logos black. What survives is re-serialised from the
parsed tokens, so the browser reads exactly what was checked: no at-rule (`@import`,
`@font-face`), no function but colours and transforms, no `url()` but a reference into the file
itself, no property that can load anything (`background`, `content`, `cursor`, `mask-image`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import tinycss2
from tinycss2 import ast

# SVG presentation properties (SVG 2, "Styling") and the text properties a wordmark uses.
PROPERTIES = frozenset(
    {
        "alignment-baseline",
        "baseline-shift",
        "clip-path",
        "clip-rule",
        "color",
        "color-interpolation",
        "color-interpolation-filters",
        "direction",
        "display",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "filter",
        "flood-color",
        "flood-opacity",
        "font",
        "font-family",
        "font-kerning",
        "font-size",
        "font-size-adjust",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "isolation",
        "letter-spacing",
        "lighting-color",
        "marker",
        "marker-end",
        "marker-mid",
        "marker-start",
        "mask",
        "mix-blend-mode",
        "opacity",
        "overflow",
        "paint-order",
        "shape-rendering",
        "stop-color",
        "stop-opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "text-decoration",
        "text-rendering",
        "transform",
        "transform-origin",
        "unicode-bidi",
        "vector-effect",
        "visibility",
        "word-spacing",
        "writing-mode",
    }
)
# Properties whose value may name a gradient, clip path, mask, filter or marker in the same file.
REFERENCING = frozenset(
    {"fill", "stroke", "clip-path", "mask", "filter", "marker", "marker-start", "marker-mid", "marker-end"}
)
COLOUR_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla"})
TRANSFORM_FUNCTIONS = frozenset(
    {"matrix", "translate", "translatex", "translatey", "scale", "scalex", "scaley", "rotate", "skew", "skewx", "skewy"}
)
_FLAT_TOKENS = (ast.WhitespaceToken, ast.NumberToken, ast.PercentageToken, ast.DimensionToken)
_VALUE_TOKENS = (*_FLAT_TOKENS, ast.IdentToken, ast.HashToken)
_VALUE_LITERALS = frozenset({",", "/"})
_SELECTOR_LITERALS = frozenset({".", ",", ">", "+", "~", "*", ":"})
_LOCAL_REFERENCE = re.compile(r"#[A-Za-z0-9_][\w.:-]*\Z")


def is_local_reference(url: str) -> bool:
    """True for `#id`: a reference into the logo itself, never to another file or origin."""
    return bool(_LOCAL_REFERENCE.match(url))


def _literal(token: ast.Node, allowed: frozenset[str]) -> bool:
    return isinstance(token, ast.LiteralToken) and token.value in allowed


def _local_url(token: ast.Node) -> bool:
    """`url(#id)` or `url("#id")`."""
    if isinstance(token, ast.URLToken):
        return is_local_reference(token.value)
    if isinstance(token, ast.FunctionBlock) and token.lower_name == "url":
        args = [t for t in token.arguments if not isinstance(t, ast.WhitespaceToken)]
        return len(args) == 1 and isinstance(args[0], ast.StringToken) and is_local_reference(args[0].value)
    return False


def _flat_arguments(function: ast.FunctionBlock) -> bool:
    """Numbers, percentages, dimensions, commas, slashes and `none` only: rgb(1 2 3 / 50%), rotate(45deg)."""
    return all(
        isinstance(t, _FLAT_TOKENS)
        or _literal(t, _VALUE_LITERALS)
        or (isinstance(t, ast.IdentToken) and t.lower_value == "none")
        for t in function.arguments
    )


def _safe_token(token: ast.Node, allow_strings: bool) -> bool:
    """One component value of an allowed declaration or attribute."""
    if isinstance(token, _VALUE_TOKENS) or _literal(token, _VALUE_LITERALS):
        return True
    if isinstance(token, ast.StringToken):
        return allow_strings
    if _local_url(token):
        return True
    if isinstance(token, ast.FunctionBlock):
        return token.lower_name in COLOUR_FUNCTIONS | TRANSFORM_FUNCTIONS and _flat_arguments(token)
    return False  # url(elsewhere), blocks, bad tokens, …


def safe_value(tokens: Iterable[ast.Node], *, allow_strings: bool = False) -> bool:
    """True when every component value is one a logo may have."""
    return all(_safe_token(t, allow_strings) for t in tokens if not isinstance(t, ast.Comment))


def _declaration_text(declaration: ast.Declaration) -> str:
    """One checked declaration, serialised from its tokens."""
    value = tinycss2.serialize(declaration.value).strip()
    return f"{declaration.lower_name}:{value}" + ("!important" if declaration.important else "")


def clean_declarations(text: str) -> str:
    """A `style=` attribute or a rule's body with only allowed properties and values; empty when none is."""
    kept = []
    for node in tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True):
        if not isinstance(node, ast.Declaration) or node.lower_name not in PROPERTIES:
            continue  # nested rules, at-rules, parse errors and other properties
        value = [t for t in node.value if not isinstance(t, ast.Comment)]
        if any(_local_url(t) for t in value) and node.lower_name not in REFERENCING:
            continue
        if value and safe_value(value, allow_strings=node.lower_name in ("font", "font-family")):
            kept.append(_declaration_text(node))
    return ";".join(kept)


def _safe_selector(prelude: list[ast.Node]) -> bool:
    """Type, class and id selectors with combinators and pseudo-classes: `.st0`, `#a`, `g > path`."""
    tokens = [t for t in prelude if not isinstance(t, ast.Comment)]
    return any(not isinstance(t, ast.WhitespaceToken) for t in tokens) and all(
        isinstance(t, (ast.WhitespaceToken, ast.IdentToken, ast.HashToken)) or _literal(t, _SELECTOR_LITERALS)
        for t in tokens
    )


def clean_stylesheet(text: str) -> str:
    """A `<style>` element's CSS with only plain rules of allowed declarations; every at-rule goes."""
    rules = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if not isinstance(rule, ast.QualifiedRule) or not _safe_selector(rule.prelude):
            continue
        body = clean_declarations(tinycss2.serialize(rule.content))
        if body:
            selector = " ".join(tinycss2.serialize(rule.prelude).split())
            rules.append(f"{selector}{{{body}}}")
    return "".join(rules)


def clean_attribute_value(value: str) -> str | None:
    """A presentation attribute's value (fill="url(#a)", transform="rotate(9)") as checked tokens; None when unsafe."""
    tokens = [
        t for t in tinycss2.parse_component_value_list(value, skip_comments=True) if not isinstance(t, ast.Comment)
    ]
    if not safe_value(tokens, allow_strings=True):
        return None
    return tinycss2.serialize(tokens).strip()
