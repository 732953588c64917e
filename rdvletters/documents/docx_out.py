"""DOCX renderer: the document model laid out as a French letter on A4.

Geometry (from the project's reference page, KOMA-Script NF and La Poste):
sender block top left from 15 mm; recipient block in a frame at x 110 mm,
y 50 mm, 85 x 30 mm (inside the right-hand window of a DL envelope), the
registered-mail mention just above it; date under the window; « Objet » at the
left margin near the first fold (99 mm); fold marks at 99 and 198 mm.
Frames (``w:framePr``) are used because python-docx has no positioned boxes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from docx import Document as new_docx
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from .model import Block, Document

TWIPS_PER_MM = 1440 / 25.4
# Order of w:pPr children in the OOXML schema (python-docx keeps it private).
PPR_ORDER = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
FONT = "Arial"
CORE_PROPERTY = 255  # characters: python-docx refuses more in a core property


@dataclass(frozen=True)
class Layout:
    """Positions in millimetres from the top-left corner of the A4 page."""

    margin_left: float = 20
    margin_right: float = 20
    margin_top: float = 15
    margin_bottom: float = 18
    sender_width: float = 85
    window_x: float = 110
    window_y: float = 50
    window_w: float = 85
    window_h: float = 30
    mention_y: float = 43
    date_y: float = 88
    folds: tuple[float, ...] = (99, 198)
    outline: bool = False  # draw the address block's outline, to check against an envelope

    @classmethod
    def shifted(cls, dx: float = 0, dy: float = 0, outline: bool = False) -> Layout:
        """Default layout with the window blocks moved by (dx, dy) mm."""
        base = cls()
        return replace(
            base,
            window_x=base.window_x + dx,
            window_y=base.window_y + dy,
            mention_y=base.mention_y + dy,
            outline=outline,
        )


def _property(text: str) -> str:
    """A document property as the format holds it: at most 255 characters."""
    return text if len(text) <= CORE_PROPERTY else text[: CORE_PROPERTY - 1] + "…"


def _twips(mm: float) -> str:
    return str(round(mm * TWIPS_PER_MM))


def _insert(paragraph: Paragraph, element) -> None:
    """Add a w:pPr child at its schema position (Word rejects misordered ones)."""
    tag = element.tag.split("}")[1]
    successors = PPR_ORDER[PPR_ORDER.index(f"w:{tag}") + 1 :]
    paragraph._p.get_or_add_pPr().insert_element_before(element, *successors)


def _frame(paragraph: Paragraph, x: float, y: float, w: float, h: float | None = None) -> None:
    """Pin a paragraph at page position (x, y) mm, as a Word frame."""
    frame = OxmlElement("w:framePr")
    attrs = {
        "w:w": _twips(w),
        "w:x": _twips(x),
        "w:y": _twips(y),
        "w:hAnchor": "page",
        "w:vAnchor": "page",
        "w:wrap": "around",
    }
    if h is not None:
        attrs.update({"w:h": _twips(h), "w:hRule": "exact"})
    for key, value in attrs.items():
        frame.set(qn(key), value)
    _insert(paragraph, frame)


def _borders(
    paragraph: Paragraph, sides: tuple[str, ...] = ("top",), style: str = "single"
) -> None:
    """Thin grey borders: a fold mark (top only) or an outline (all four sides)."""
    borders = OxmlElement("w:pBdr")
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        for key, value in {
            "w:val": style,
            "w:sz": "4",
            "w:space": "0",
            "w:color": "808080",
        }.items():
            edge.set(qn(key), value)
        borders.append(edge)
    _insert(paragraph, borders)


ORDINAL = re.compile(r"(?<=\b1)(er)(?=\b)")  # « 1er décembre », « 1er août »


def add_text(
    paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False, size=None
) -> list:
    """Runs of ``text`` in ``paragraph``, the « er » of « 1er » raised as French writes
    it on paper; returns the runs (the last one may take a break)."""
    runs = []
    for i, part in enumerate(ORDINAL.split(text)):
        if not part:
            continue
        run = paragraph.add_run(part)
        run.bold, run.italic = bold, italic
        if size is not None:
            run.font.size = size
        run.font.superscript = i % 2 == 1  # split keeps the captured « er » at odd places
        runs.append(run)
    return runs


def paragraph_with(docx, text: str, style: str | None = None, **options) -> Paragraph:
    """A new paragraph holding ``text`` (``add_text``)."""
    paragraph = docx.add_paragraph(style=style) if style else docx.add_paragraph()
    add_text(paragraph, text, **options)
    return paragraph


def _lines_paragraph(docx, lines: list[str], size: float, bold_first: bool = False) -> Paragraph:
    paragraph = docx.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    for i, line in enumerate(lines):
        runs = add_text(paragraph, line, bold=bold_first and i == 0, size=Pt(size))
        if i < len(lines) - 1 and runs:
            runs[-1].add_break()
    return paragraph


def new_page(title: str, author: str, created: datetime | None, layout: Layout | None = None):
    """An empty A4 document in French, Arial 10.5 pt (python-docx defaults to US Letter).

    The file's properties carry the title, the applicant as author and the date the
    document was prepared; otherwise python-docx's own template date (2013) leaks out.
    """
    layout = layout or Layout()
    docx = new_docx()
    section = docx.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(layout.margin_left), Mm(layout.margin_right)
    section.top_margin, section.bottom_margin = Mm(layout.margin_top), Mm(layout.margin_bottom)
    normal = docx.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "fr-FR")
    normal.element.get_or_add_rPr().append(lang)
    normal.paragraph_format.space_after = Pt(5)
    props = docx.core_properties  # the format allows 255 characters per property
    props.title = _property(title)
    props.author = props.last_modified_by = _property(author)
    props.comments = ""
    if created is not None:
        stamp = created.astimezone(timezone.utc).replace(tzinfo=None)
        props.created = props.modified = stamp
        props.last_printed = stamp
    return docx


def _header_blocks(docx, doc: Document, layout: Layout) -> None:
    """Sender, mention, recipient and fold marks: all pinned to the page."""
    sender = _lines_paragraph(docx, doc.lines("expediteur"), 10, bold_first=True)
    _frame(sender, layout.margin_left, layout.margin_top, layout.sender_width)
    if doc.lines("mention"):
        mention = _lines_paragraph(docx, doc.lines("mention"), 9, bold_first=True)
        _frame(mention, layout.window_x, layout.mention_y, layout.window_w, 6)
    recipient = _lines_paragraph(docx, doc.lines("destinataire"), 10)
    _frame(recipient, layout.window_x, layout.window_y, layout.window_w, layout.window_h)
    if layout.outline:
        _borders(recipient, ("top", "left", "bottom", "right"), style="dashed")
    for y in layout.folds:
        mark = docx.add_paragraph()
        mark.paragraph_format.space_after = Pt(0)
        mark.add_run("").font.size = Pt(1)
        _frame(mark, 3, y, 6, 1)
        _borders(mark)


NON_BREAKING_HYPHEN = "\u2011"
_ARTICLE = re.compile(r"\b([RLD])\.\u00a0(\d+(?:-\d+)+)")


def nobreak(text: str) -> str:
    """Article numbers never split at their hyphens (« R. 431-15-1 ») on paper."""
    return _ARTICLE.sub(lambda m: f"{m[1]}.\u00a0{m[2].replace('-', NON_BREAKING_HYPHEN)}", text)


def add_blocks(docx, blocks: list[Block]) -> list[Paragraph]:
    """Paragraphs (justified), list items and headings, with air after each list. A heading,
    and a paragraph that opens a list, stay on the page of what follows them."""
    paragraphs = []
    for i, block in enumerate(blocks):
        following = blocks[i + 1].kind if i + 1 < len(blocks) else None
        if block.kind in ("h", "h2"):
            p = paragraph_with(docx, nobreak(block.text), bold=True, italic=block.kind == "h2")
            p.paragraph_format.space_before = Pt(8 if block.kind == "h" else 4)
            p.paragraph_format.keep_with_next = True
        elif block.kind == "li":
            p = paragraph_with(docx, nobreak(block.text), style="List Bullet")
            p.paragraph_format.space_after = Pt(2)
        else:
            p = paragraph_with(docx, nobreak(block.text))
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            p.paragraph_format.keep_with_next = following == "li"
        if i and blocks[i - 1].kind == "li" and block.kind != "li":
            p.paragraph_format.space_before = Pt(6)  # air after a list
        paragraphs.append(p)
    return paragraphs


def _body(docx, doc: Document, layout: Layout) -> None:
    indent = Mm(layout.window_x - layout.margin_left)
    date = paragraph_with(docx, doc.text("lieu_date"))
    date.paragraph_format.space_before = Mm(layout.date_y - layout.margin_top)
    date.paragraph_format.left_indent = indent
    date.paragraph_format.space_after = Pt(14)
    objet = docx.add_paragraph()
    objet.add_run("Objet\u00a0: ").bold = True
    add_text(objet, nobreak(doc.text("objet")), bold=True)
    objet.paragraph_format.space_after = Pt(12)
    body = add_blocks(docx, doc.blocks("corps"))
    if body:
        body[-1].paragraph_format.keep_with_next = True  # the closing formula and the name
    for i, line in enumerate(doc.lines("signature")):
        p = docx.add_paragraph(line)
        p.paragraph_format.left_indent = indent
        p.paragraph_format.keep_with_next = True
        if i == 0:
            p.paragraph_format.space_before = Pt(10)
    spacer = docx.add_paragraph()
    spacer.paragraph_format.space_after = Mm(18)  # room for the handwritten signature
    if doc.lines("pj"):
        head = docx.add_paragraph()
        head.add_run("P.J.\u00a0:").bold = True
        head.paragraph_format.keep_with_next = True
        head.paragraph_format.space_after = Pt(2)
        for item in doc.lines("pj"):
            p = paragraph_with(docx, f"– {nobreak(item)}", size=Pt(9.5))
            p.paragraph_format.left_indent = Mm(5)
            p.paragraph_format.space_after = Pt(0)


def add_footer(docx, text: str = "", section: int = 0, total: str | None = "NUMPAGES") -> None:
    """Page numbers, after an optional small print (the journal's fingerprint); ``total``
    None prints « page N » alone."""
    footer = docx.sections[section].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if text:
        run = paragraph.add_run(text + "   ")
        run.font.size = Pt(7)
        run.font.color.rgb = RGBColor(0x60, 0x60, 0x60)
    fields = (("page ", "PAGE"), (" / ", total)) if total else (("page ", "PAGE"),)
    for label, field in fields:
        paragraph.add_run(label).font.size = Pt(8)
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), field)
        inner = OxmlElement("w:r")
        text_el = OxmlElement("w:t")
        text_el.text = "1"
        inner.append(text_el)
        simple.append(inner)
        paragraph._p.append(simple)


def render_docx(doc: Document, layout: Layout | None = None) -> bytes:
    """DOCX bytes of a letter (``lettre`` or ``saisine``)."""
    layout = layout or Layout()
    docx = new_page(doc.text("objet"), doc.author, doc.created, layout)
    _header_blocks(docx, doc, layout)
    _body(docx, doc, layout)
    _annex(docx, doc)
    add_footer(docx, "  ".join(doc.lines("pied")))
    return to_bytes(docx)


def _annex(docx, doc: Document) -> None:
    """Pages after the letter (the dated record, the list of pieces), in a section of their
    own whose header names the person and the letter, so that a separated page is known."""
    blocks = doc.blocks("annexe")
    if not blocks:
        return
    section = docx.add_section(WD_SECTION.NEW_PAGE)
    section.header.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    run = header.add_run(f"{doc.author} – annexe au courrier ({doc.text('lieu_date')})")
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x60, 0x60, 0x60)
    add_blocks(docx, blocks)


def render_form_docx(doc: Document) -> bytes:
    """A document without envelope window: a title, then the body (forms, inventories)."""
    docx = new_page(doc.text("objet"), doc.author, doc.created)
    title = paragraph_with(docx, doc.text("objet"), bold=True)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    add_blocks(docx, doc.blocks("corps"))
    add_footer(docx, "  ".join(doc.lines("pied")))
    return to_bytes(docx)


def render_requete_docx(doc: Document) -> bytes:
    """The draft requête, for the judge alone: it opens with « REQUÊTE EN RÉFÉRÉ » (CJA
    R. 522-3), then the signature (« Signature : », room to sign by hand, the name) and
    the list of pieces on a page of its own."""
    docx = new_page(doc.text("objet"), doc.author, doc.created)
    blocks = doc.blocks("corps")
    if blocks and blocks[0].kind == "h":  # the title line, centred
        title = docx.add_paragraph()
        run = title.add_run(blocks[0].text)
        run.bold, run.font.size = True, Pt(15)
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        blocks = blocks[1:]
    body = add_blocks(docx, blocks)
    for paragraph in body[-2:]:  # the last conclusion, « Fait à … » and the signature together
        paragraph.paragraph_format.keep_with_next = True
    signature = doc.lines("signature")
    for i, line in enumerate(signature):
        p = docx.add_paragraph(line)
        p.paragraph_format.left_indent = Mm(90)
        p.paragraph_format.keep_with_next = i < len(signature) - 1
        if i == 0:
            p.paragraph_format.space_before = Pt(10)
            p.paragraph_format.space_after = Mm(25)  # room for the handwritten signature
    annex = doc.blocks("annexe")
    if annex:
        docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        add_blocks(docx, annex)
    add_footer(docx)
    return to_bytes(docx)


def to_bytes(docx) -> bytes:
    """The DOCX file's bytes, the same for the same content.

    python-docx stamps every zip member with the current time; the members are
    rewritten with the document's own creation date, so that a dossier built twice
    from the same journal is byte for byte the same.
    """
    buffer = io.BytesIO()
    docx.save(buffer)
    created = docx.core_properties.created or datetime(1980, 1, 1)
    stamp = (max(created.year, 1980), created.month, created.day, created.hour,
             created.minute, created.second)  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member.filename))
    return out.getvalue()
