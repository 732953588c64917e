"""WordprocessingML written as text: runs, paragraphs, frames, tables' cells, sections.

The DOCX files are written without python-docx (its import and its style look-ups were
most of a letter's time): each function returns the markup python-docx wrote for the
same thing, element for element, so that a document reads back the same in python-docx,
Word and LibreOffice. Sizes come in points or millimetres and are written in the units
the format wants (twips, half-points, EMU rounded as python-docx rounds them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

EMU_PER_MM = 36000
EMU_PER_TWIP = 635
TWIPS_PER_MM = 1440 / 25.4
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile("[\x00-\x1f\ufffe\uffff]")
ORDINAL = re.compile(r"(?<=\b1)(er)(?=\b)")  # « 1er décembre », « 1er août »


def escape(value: str) -> str:
    """Text as XML content (``xml.sax.saxutils.escape`` would import urllib and http)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mm_twips(mm: float) -> int:
    """Millimetres as python-docx writes them in twips (through whole EMU)."""
    return round(int(mm * EMU_PER_MM) / EMU_PER_TWIP)


def pt_twips(points: float) -> int:
    return round(points * 20)


def frame_twips(mm: float) -> str:
    """A frame's position or size (``w:framePr``), rounded straight from millimetres."""
    return str(round(mm * TWIPS_PER_MM))


def text(value: str, preserve: bool | None = None) -> str:
    """Escaped run content; line breaks and tabs as python-docx writes them. Spaces at
    either end are kept (``xml:space``), as python-docx does; ``preserve`` forces it."""
    if not _SPECIAL.search(value):  # the usual case, kept fast: one cell among 250,000
        keep = preserve if preserve is not None else value != value.strip()
        space = ' xml:space="preserve"' if keep else ""
        return f"<w:t{space}>{escape(value)}</w:t>"
    clean = _XML_INVALID.sub("\ufffd", value)  # a hand-edited journal cannot break the file
    out = []
    for part in re.split(r"(\r\n|\n|\r|\t)", clean):
        if part == "\t":
            out.append("<w:tab/>")
        elif part in ("\n", "\r", "\r\n"):
            out.append("<w:br/>")
        elif part:
            out.append(text(part, preserve))
    return "".join(out)


def run_props(
    *,
    bold: bool | None = None,
    italic: bool | None = None,
    color: str | None = None,
    size: float | None = None,
    superscript: bool = False,
) -> str:
    """``w:rPr`` in schema order; None leaves a property to the style, False turns it off."""
    props = []
    for tag, flag in (("b", bold), ("i", italic)):
        if flag is not None:
            props.append(f"<w:{tag}/>" if flag else f'<w:{tag} w:val="0"/>')
    if color:
        props.append(f'<w:color w:val="{color}"/>')
    if size is not None:
        props.append(f'<w:sz w:val="{round(size * 2)}"/>')
    if superscript:
        props.append('<w:vertAlign w:val="superscript"/>')
    return f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""


def run(value: str = "", *, tail: str = "", **props) -> str:
    """One run: its properties, its text, then ``tail`` (a break)."""
    return f"<w:r>{run_props(**props)}{text(value) if value else ''}{tail}</w:r>"


def runs(
    value: str, *, bold: bool = False, italic: bool = False, size=None, tail: str = ""
) -> list[str]:
    """Runs of ``value``, the « er » of « 1er » raised as French writes it on paper;
    ``tail`` (a line break) ends the last one."""
    parts = [(i, part) for i, part in enumerate(ORDINAL.split(value)) if part]
    return [
        run(
            part,
            bold=bold,
            italic=italic,
            size=size,
            superscript=i % 2 == 1,  # the « er » at odd places
            tail=tail if (i, part) == parts[-1] else "",
        )
        for i, part in parts
    ]


def frame(x: float, y: float, w: float, h: float | None = None) -> str:
    """A paragraph pinned at page position (x, y) mm, as a Word frame."""
    size = f' w:h="{frame_twips(h)}" w:hRule="exact"' if h is not None else ""
    return (
        f'<w:framePr w:w="{frame_twips(w)}" w:x="{frame_twips(x)}" w:y="{frame_twips(y)}" '
        f'w:hAnchor="page" w:vAnchor="page" w:wrap="around"{size}/>'
    )


def borders(sides: tuple[str, ...] = ("top",), style: str = "single") -> str:
    """Thin grey borders: a fold mark (top only) or an outline (all four sides)."""
    edges = "".join(
        f'<w:{side} w:val="{style}" w:sz="4" w:space="0" w:color="808080"/>' for side in sides
    )
    return f"<w:pBdr>{edges}</w:pBdr>"


@dataclass
class Paragraph:
    """``w:p``: its runs' markup and its properties, written in schema order. Kept open
    until the document is written, as a layout sets « keep with next » afterwards."""

    content: list[str] = field(default_factory=list)
    style: str = ""
    keep_next: bool | None = None
    frame: str = ""
    borders: str = ""
    before: int | None = None  # twips
    after: int | None = None
    indent: int | None = None
    align: str = ""
    section: str = ""

    def xml(self) -> str:
        spaced = (f' w:before="{self.before}"' if self.before is not None else "") + (
            f' w:after="{self.after}"' if self.after is not None else ""
        )
        keep = self.keep_next
        props = "".join(
            (
                f'<w:pStyle w:val="{self.style}"/>' if self.style else "",
                "" if keep is None else ("<w:keepNext/>" if keep else '<w:keepNext w:val="0"/>'),
                self.frame,
                self.borders,
                f"<w:spacing{spaced}/>" if spaced else "",
                f'<w:ind w:left="{self.indent}"/>' if self.indent is not None else "",
                f'<w:jc w:val="{self.align}"/>' if self.align else "",
                self.section,
            )
        )
        return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{''.join(self.content)}</w:p>"


def page_break() -> Paragraph:
    return Paragraph([run(tail='<w:br w:type="page"/>')])


def field_code(instruction: str) -> str:
    """A field Word and LibreOffice compute (PAGE, NUMPAGES), showing « 1 » until then."""
    return f'<w:fldSimple w:instr="{instruction}"><w:r><w:t>1</w:t></w:r></w:fldSimple>'
