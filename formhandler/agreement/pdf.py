"""The agreement laid out as a PDF with fpdf2, in DejaVu Sans (embedded, so every name prints)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .template import Block

FONTS = Path(__file__).with_name("fonts")
FONT = "DejaVu"
MIMETYPE = "application/pdf"
_SIZES = {"title": 17.0, "heading": 12.5, "text": 10.5, "bullet": 10.5}


class _Document(FPDF):
    """A4 portrait with a footer that names the agreement and the page."""

    footer_text = ""

    def footer(self) -> None:
        """Agreement number and page of pages at the foot of every page."""
        self.set_y(-15)
        self.set_font(FONT, size=8)
        self.cell(0, 10, f"{self.footer_text} · pagina {self.page_no()} van {{nb}}", align="C")


def filename(item_id: int) -> str:
    """The attachment's file name."""
    return f"partnerovereenkomst-{item_id}.pdf"


def make_pdf(blocks: list[Block], *, title: str, footer: str, moment: dt.datetime) -> bytes:
    """The PDF of `blocks`; dated `moment`, so the same step makes the same document."""
    pdf = _Document(format="A4")
    pdf.footer_text = footer
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_author("Alliantie Nederland Rookvrij!")
    pdf.set_lang("nl")
    pdf.set_creation_date(moment)
    pdf.add_page()
    for block in blocks:
        _write(pdf, block)
    return bytes(pdf.output())


def _write(pdf: FPDF, block: Block) -> None:
    """One block: headings bold with space above, bullets indented with a dash, gaps as half a line."""
    if block.kind == "gap":
        pdf.ln(2.5)
        return
    size = _SIZES[block.kind]
    pdf.set_font(FONT, "B" if block.kind in ("title", "heading") else "", size)
    height = size * 0.5
    if block.kind == "heading":
        if pdf.get_y() > pdf.page_break_trigger - 30:  # never a heading alone at the foot of a page
            pdf.add_page()
        pdf.ln(2)
    if block.kind == "bullet":
        pdf.set_x(pdf.l_margin + 4)
        pdf.cell(4, height, "–")
        pdf.multi_cell(0, height, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    pdf.multi_cell(0, height, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if block.kind == "title":
        pdf.ln(2)
