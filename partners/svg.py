"""SVG logos: a bounded first read, py-svg-hush, then one loop (no recursion) that keeps only the drawing.

What stays is what a logo shown through `<img>` needs: shapes, gradients, clip paths, masks,
filters, the text of a wordmark and its CSS (partners/svg_style.py). What goes: anything that runs,
loads, animates or links elsewhere, and every text that is not drawn (`<title>`, `<desc>`,
`<metadata>`, stray text, `aria-*` and `data-*` attributes), which is where editors' programs put
names, e-mail addresses and file paths.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from . import schema
from .svg_style import clean_attribute_value, clean_declarations, clean_stylesheet, is_local_reference

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Elements a logo never needs: they run, load, animate or embed something, or hold text nobody sees.
DROP_ELEMENTS = frozenset(
    {
        "script",
        "foreignObject",
        "image",
        "feImage",
        "animate",
        "set",
        "animateMotion",
        "animateTransform",
        "animateColor",
        "discard",
        "iframe",
        "audio",
        "video",
        "canvas",
        "title",
        "desc",
        "metadata",
    }
)
# Attributes that carry words for people or programs, never part of the drawing.
TEXT_ATTRIBUTES = frozenset({"role", "tabindex", "lang", "title", "name", "alt", "label", "author", "description"})
# Elements whose text is drawn: their text and spaces stay as written.
DRAWN_TEXT = frozenset({"text", "tspan", "textPath"})
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_LENGTH = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(?:px)?\s*\Z")
_CSS_SYNTAX = re.compile(r"[()\\:/]")
DEFAULT_SIZE = (160, 80)

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


class SvgRefused(ValueError):
    """The SVG cannot be made safe or is no usable logo; the message says why, in Dutch."""


def clean_svg(data: bytes) -> tuple[bytes, int, int]:
    """The sanitised, minified SVG and its intrinsic size; SvgRefused when it is refused."""
    if re.search(rb"<!ENTITY", data, re.IGNORECASE):
        raise SvgRefused("SVG-bestanden met entiteiten (<!ENTITY>) worden niet geaccepteerd")
    check_structure(data)
    from py_svg_hush import filter_svg  # imported only when an SVG is actually checked

    try:
        root = ET.fromstring(filter_svg(data))
    except (ET.ParseError, LookupError, ValueError):
        raise SvgRefused("het SVG-bestand kan niet worden gelezen") from None
    if _local(root.tag) != "svg":
        raise SvgRefused("het bestand is geen SVG-afbeelding")
    keep_drawing_only(root)
    drop_unreferenced_ids(root)
    width, height = intrinsic_size(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=False), width, height


def check_structure(data: bytes) -> None:
    """Read the XML once as a stream, refusing it before anything builds a tree of it when it nests too deep."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    depth = elements = 0
    try:
        for start in range(0, len(data), 16384):
            parser.feed(data[start : start + 16384])
            for event, element in parser.read_events():  # type: ignore[misc]  # start/end events: (name, Element)
                if event == "end":
                    depth -= 1
                    if isinstance(element, ET.Element):
                        element.clear()  # the stream keeps nothing it has seen
                    continue
                depth, elements = depth + 1, elements + 1
                if depth > schema.LOGO_SVG_MAX_DEPTH:
                    raise SvgRefused(f"het SVG-bestand is dieper genest dan {schema.LOGO_SVG_MAX_DEPTH} niveaus")
                if elements > schema.LOGO_SVG_MAX_ELEMENTS:
                    limit = f"{schema.LOGO_SVG_MAX_ELEMENTS:,}".replace(",", ".")
                    raise SvgRefused(f"het SVG-bestand heeft meer dan {limit} onderdelen")
        parser.close()
    except SvgRefused:
        raise
    except (ET.ParseError, LookupError, ValueError):
        raise SvgRefused("het SVG-bestand kan niet worden gelezen") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def keep_drawing_only(root: ET.Element) -> None:
    """Remove in place what a logo never needs: elements, attributes and text; one loop over a stack."""
    stack = [root]
    while stack:
        element = stack.pop()
        name = _local(element.tag)
        drawn = name in DRAWN_TEXT
        if name == "style":
            element.text = clean_stylesheet(element.text or "") or None
            for child in list(element):
                element.remove(child)
        elif not drawn:
            element.text = None  # text outside <text> is never drawn (layout whitespace, stray words)
        for child in list(element):
            if not isinstance(child.tag, str) or not child.tag.startswith("{" + SVG_NS + "}"):
                element.remove(child)  # comments, processing instructions, other vocabularies
            elif _local(child.tag) in DROP_ELEMENTS:
                element.remove(child)
            else:
                if not drawn:
                    child.tail = None
                stack.append(child)
        _keep_safe_attributes(element)


def drop_unreferenced_ids(root: ET.Element) -> None:
    """Drop every id nothing in the logo refers to: editors write layer and object names there ("Jan_visitekaartje").

    A reference always holds `#` and the id (href="#a", url(#a), a `#a` selector), so an id whose
    `#id` appears nowhere in the serialised logo is no reference target. A colour such as `#fff`
    may keep an id `fff` alive: harmless, it only keeps more.
    """
    text = ET.tostring(root, encoding="unicode")
    for element in root.iter():
        name = element.get("id")
        if name is not None and not re.search("#" + re.escape(name) + r"(?![\w.:-])", text):
            del element.attrib["id"]


def _keep_safe_attributes(element: ET.Element) -> None:
    """Drop every attribute that runs, loads, links elsewhere or carries text; clean style and CSS values."""
    for name in list(element.attrib):
        value = element.attrib.pop(name)
        cleaned = _clean_attribute(name, value)
        if cleaned is not None:
            element.set(name, cleaned)


def _clean_attribute(name: str, value: str) -> str | None:
    """The attribute's value as it may stay, or None when it goes."""
    namespace, _, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
    lowered = local.lower()
    if namespace not in ("", XLINK_NS) and name != f"{{{XML_NS}}}space":
        return None  # editors' own vocabularies (Inkscape, Illustrator, RDF) and xml:base
    if lowered.startswith(("on", "aria-", "data-")) or lowered in TEXT_ATTRIBUTES:
        return None
    if lowered == "href":
        return value if is_local_reference(value.strip()) else None
    if namespace == XLINK_NS:
        return None
    if lowered == "style":
        return clean_declarations(value) or None
    if _CSS_SYNTAX.search(value):  # functions, escapes, or the remains of a URL a filter cut short
        if lowered == "transform":
            value = re.sub(r"(\w)\s+\(", r"\1(", value)  # SVG 1.1 allows "rotate (9)"; CSS reads a function
        return clean_attribute_value(value)
    return value


def _number(text: str) -> float | None:
    """A finite float within the size limit, or None."""
    number = float(text)
    if not math.isfinite(number) or abs(number) > schema.LOGO_SVG_MAX_SIZE:
        return None
    return number


def _length(value: str | None) -> float | None:
    """A plain width or height ("120", "120px"); None when absent or in other units (cm, %)."""
    match = _LENGTH.match(value or "")
    if not match:
        return None
    number = _number(match.group(1))
    if number is None or number <= 0:
        limit = f"{schema.LOGO_SVG_MAX_SIZE:,}".replace(",", ".")
        raise SvgRefused(f"de breedte en hoogte van het SVG-bestand moeten getallen boven 0 en tot {limit} zijn")
    return number


def _view_box(value: str | None) -> tuple[float, float] | None:
    """The width and height of a viewBox; None when there is none, SvgRefused when it is no usable box."""
    if value is None:
        return None
    parts = value.replace(",", " ").split()
    numbers = [number for part in parts if _NUMBER.match(part) and (number := _number(part)) is not None]
    if len(parts) != 4 or len(numbers) != 4 or numbers[2] <= 0 or numbers[3] <= 0:
        limit = f"{schema.LOGO_SVG_MAX_SIZE:,}".replace(",", ".")
        raise SvgRefused(
            f"de viewBox van het SVG-bestand moet uit vier getallen tot {limit} bestaan, "
            "met een breedte en hoogte boven 0"
        )
    return numbers[2], numbers[3]


def intrinsic_size(root: ET.Element) -> tuple[int, int]:
    """The logo's size from width and height, else from the viewBox, else a sensible box; every number checked."""
    box = _view_box(root.get("viewBox"))
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width is not None and height is not None:
        return max(1, round(width)), max(1, round(height))
    if box is not None:
        return max(1, round(box[0])), max(1, round(box[1]))
    return DEFAULT_SIZE
