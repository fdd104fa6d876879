"""The signed agreement an applicant uploads: a PDF parsed with pypdf (refused if it can act), or a scan re-encoded."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import warnings
import zlib
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Under MAX_CONTENT_LENGTH (2 MiB) with room for the rest of the form.
MAX_BYTES = 2_000_000
MAX_PAGES = 30
# A scan of an A4 page at 300 dpi is about 2500 × 3500 pixels; more is never a signature page.
MAX_PIXELS = 6000 * 6000
# What all page content streams of one PDF may inflate to: a real agreement's text is a few hundred kB.
MAX_INFLATED = 20_000_000
# Objects visited while looking for actions: far more than any agreement has, few enough to stay fast.
MAX_OBJECTS = 50_000
#: Keys and names that make a PDF do something when it is opened or touched.
ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/AA": "automatische acties",
    "/EmbeddedFiles": "ingesloten bestanden",
    "/EmbeddedFile": "ingesloten bestanden",
    "/RichMedia": "ingesloten media",
    "/XFA": "een XFA-formulier",
}
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "een opdracht om een programma te starten",
    "/SubmitForm": "een opdracht om gegevens te versturen",
    "/ImportData": "een opdracht om gegevens te laden",
    "/GoToE": "ingesloten bestanden",
    "/Rendition": "ingesloten media",
    "/Sound": "ingesloten media",
    "/Movie": "ingesloten media",
}
ACTIVE_ANNOTATIONS = {"/FileAttachment": "ingesloten bestanden", "/RichMedia": "ingesloten media"}
# pypdf logs every repair it makes (a truncated file, a bad xref) at WARNING; the refusal says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)
KINDS = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
EXTENSIONS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg"}


class SignedError(ValueError):
    """The upload cannot be accepted; the message is the Dutch reason, ready for the field."""


@dataclasses.dataclass(frozen=True)
class Signed:
    """An accepted signed agreement: the bytes to store, their kind and page count."""

    data: bytes
    kind: str
    pages: int

    @property
    def sha256(self) -> str:
        """The sha256 of the stored bytes, hex."""
        return hashlib.sha256(self.data).hexdigest()


def sniff(data: bytes) -> str | None:
    """pdf, png or jpeg by the file's first bytes, whatever its name says."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def check_signed(data: bytes) -> Signed:
    """Accept a PDF without actions or embedded files, or a PNG/JPEG scan (re-encoded); else SignedError."""
    if not data:
        raise SignedError("Het bestand is leeg. Kies het bestand met de getekende overeenkomst.")
    if len(data) > MAX_BYTES:
        raise SignedError("Het bestand is groter dan 2 MB. Maak de scan kleiner of sla de PDF kleiner op.")
    kind = sniff(data)
    if kind is None:
        raise SignedError("Dit bestand is geen PDF, PNG of JPEG. Stuur de getekende overeenkomst als PDF of als scan.")
    return _check_pdf(data) if kind == "pdf" else _check_scan(data, kind)


def _check_pdf(data: bytes) -> Signed:
    """Parse with pypdf; refuse encryption, too many pages, and anything that can run or carry files."""
    # The original bytes are stored, not a rewritten copy: rewriting would break a digital signature.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about repairable damage; what counts is below
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise SignedError(
                    "Deze PDF is beveiligd met een wachtwoord of versleuteld. Stuur een versie zonder beveiliging."
                )
            pages = len(reader.pages)
            if pages == 0:
                raise SignedError("Deze PDF heeft geen pagina’s. Stuur de getekende overeenkomst opnieuw.")
            if pages > MAX_PAGES:
                raise SignedError(
                    f"Deze PDF heeft {pages} pagina’s; een getekende overeenkomst heeft er hoogstens {MAX_PAGES}."
                )
            for page in reader.pages:
                page.mediabox  # noqa: B018 -- every page must be readable, not only counted
            found = _active_content(reader) or _inflates_too_far(reader)
    except SignedError:
        raise
    except (PyPdfError, PdfReadError, ValueError, TypeError, KeyError, AttributeError, RecursionError, OSError):
        raise SignedError(
            "Deze PDF is beschadigd of onvolledig en kan niet worden gelezen. "
            "Sla haar opnieuw op en probeer het nog eens."
        ) from None
    if found:
        raise SignedError(
            f"Deze PDF bevat {found}. Zulke PDF’s nemen wij niet aan, omdat ze iets kunnen uitvoeren. "
            "Druk de overeenkomst af naar een nieuwe PDF (of maak een scan) en stuur die."
        )
    return Signed(data, "pdf", pages)


def _active_content(reader: PdfReader) -> str:
    """What active content the PDF holds (its Dutch name), or '' for none: every reachable object is looked at."""
    root = reader.trailer["/Root"].get_object()
    open_action = root.get("/OpenAction") if isinstance(root, DictionaryObject) else None
    if open_action is not None and isinstance(open_action.get_object(), DictionaryObject):
        return "een actie die bij het openen wordt uitgevoerd"  # a destination array only turns to a page
    seen: set[int] = set()
    stack: list[Any] = [reader.trailer]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            if len(seen) > MAX_OBJECTS:
                return "te veel onderdelen om te controleren"
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            found = _active_in(node)
            if found:
                return found
            stack.extend(value for key, value in node.items() if key not in ("/Parent", "/P"))
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return ""


def _inflates_too_far(reader: PdfReader) -> str:
    """'' unless the pages' content streams unpack to more than MAX_INFLATED bytes (a decompression bomb)."""
    budget = MAX_INFLATED
    for page in reader.pages:
        contents = page.get("/Contents")
        if contents is None:
            continue
        streams = contents.get_object()
        for stream in streams if isinstance(streams, ArrayObject) else [streams]:
            stream = stream.get_object()
            if stream.get("/Filter") != "/FlateDecode":
                continue
            inflater = zlib.decompressobj()
            try:
                budget -= len(inflater.decompress(stream._data, budget + 1))
            except zlib.error:
                return "een beschadigde inhoud"
            if budget < 0 or inflater.unconsumed_tail:
                return "inhoud die uitgepakt veel te groot wordt"
    return ""


def _active_in(node: DictionaryObject) -> str:
    """The active content this one dictionary holds, or ''."""
    for key, what in ACTIVE_KEYS.items():
        if key in node:
            return what
    action = node.get("/S")
    if isinstance(action, NameObject) and action in ACTIVE_ACTIONS:
        return ACTIVE_ACTIONS[action]
    subtype = node.get("/Subtype")
    if isinstance(subtype, NameObject) and subtype in ACTIVE_ANNOTATIONS:
        return ACTIVE_ANNOTATIONS[subtype]
    return ""


def _check_scan(data: bytes, kind: str) -> Signed:
    """Open the scan behind Pillow's bomb guard and keep only its pixels, upright, re-encoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise SignedError("Deze scan is te groot (te veel pixels). Scan de overeenkomst op 300 dpi of minder.")
            image.load()
            image = ImageOps.exif_transpose(image)  # a phone photo is stored sideways with a rotation tag
    except SignedError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise SignedError(
            "Deze scan is te groot (te veel pixels). Scan de overeenkomst op 300 dpi of minder."
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise SignedError(
            "Deze scan is beschadigd of onvolledig. Maak de scan opnieuw en probeer het nog eens."
        ) from None
    pixels = image.convert("L" if image.mode in ("1", "L", "LA", "I", "I;16") else "RGB")
    # A new image from the bare pixels: no EXIF, GPS, ICC profile or comment survives.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if kind == "png":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "JPEG", quality=85)
    return Signed(out.getvalue(), kind, 1)
