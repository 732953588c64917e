"""DOCX renderer: the document model laid out as a French letter on A4.

Geometry (from the project's reference page, KOMA-Script NF and La Poste):
sender block top left from 15 mm; recipient block in a frame at x 110 mm,
y 50 mm, 85 x 30 mm (inside the right-hand window of a DL envelope), the
registered-mail mention just above it; date under the window; « Objet » at the
left margin near the first fold (99 mm); fold marks at 99 and 198 mm.
``Layout`` is the one description of this page: the page set-up, the frames
(``w:framePr``, positioned boxes) and the date's place all come from it.

The markup is written as text (``wordml``) into the shipped skeleton
(``docx_package``): python-docx is not imported to write a document, only to read
one back in the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .docx_package import Package
from .model import Block, Document
from .wordml import (
    Paragraph,
    borders,
    field_code,
    frame,
    mm_twips,
    page_break,
    pt_twips,
    run,
    runs,
)

PAGE = (210, 297)  # A4, mm
HEADER_DISTANCE = 720  # twips from the edge to the header and to the footer (Word's 0.5 in)
GREY = "606060"
# The body's last section carries the identifiers of python-docx's template, as it did.
LAST_SECTION = ' w:rsidR="00FC693F" w:rsidRPr="0006063C" w:rsidSect="00034616"'
__all__ = ["Layout", "render_docx", "render_form_docx", "render_requete_docx"]


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

    def section(self, references: str = "", last: bool = False) -> str:
        """``w:sectPr``: A4, these margins, and the section's header or footer."""
        width, height = (mm_twips(v) for v in PAGE)
        margins = " ".join(
            f'w:{side}="{mm_twips(value)}"'
            for side, value in (
                ("top", self.margin_top),
                ("right", self.margin_right),
                ("bottom", self.margin_bottom),
                ("left", self.margin_left),
            )
        )
        return (
            f"<w:sectPr{LAST_SECTION if last else ''}>{references}"
            f'<w:pgSz w:w="{width}" w:h="{height}"/><w:pgMar {margins} '
            f'w:header="{HEADER_DISTANCE}" w:footer="{HEADER_DISTANCE}" w:gutter="0"/>'
            '<w:cols w:space="720"/><w:docGrid w:linePitch="360"/></w:sectPr>'
        )


NON_BREAKING_HYPHEN = "\u2011"
_ARTICLE = re.compile(r"\b([RLD])\.\u00a0(\d+(?:-\d+)+)")


def nobreak(text: str) -> str:
    """Article numbers never split at their hyphens (« R. 431-15-1 ») on paper."""
    return _ARTICLE.sub(lambda m: f"{m[1]}.\u00a0{m[2].replace('-', NON_BREAKING_HYPHEN)}", text)


def text_paragraph(text: str, **options) -> Paragraph:
    """A paragraph of ``text`` in roman (``wordml.runs``), the « er » of « 1er » raised."""
    return Paragraph(runs(text, **options))


def _lines_paragraph(lines: list[str], size: float, bold_first: bool = False) -> Paragraph:
    """Lines kept together by line breaks (an address block)."""
    last = len(lines) - 1
    content = []
    for i, line in enumerate(lines):
        tail = "<w:br/>" if i < last else ""
        content += runs(line, bold=bold_first and i == 0, size=size, tail=tail)
    return Paragraph(content, after=0)


def _header_blocks(doc: Document, layout: Layout) -> list[Paragraph]:
    """Sender, mention, recipient and fold marks: all pinned to the page."""
    sender = _lines_paragraph(doc.lines("expediteur"), 10, bold_first=True)
    sender.frame = frame(layout.margin_left, layout.margin_top, layout.sender_width)
    blocks = [sender]
    if doc.lines("mention"):
        mention = _lines_paragraph(doc.lines("mention"), 9, bold_first=True)
        mention.frame = frame(layout.window_x, layout.mention_y, layout.window_w, 6)
        blocks.append(mention)
    recipient = _lines_paragraph(doc.lines("destinataire"), 10)
    recipient.frame = frame(layout.window_x, layout.window_y, layout.window_w, layout.window_h)
    if layout.outline:
        recipient.borders = borders(("top", "left", "bottom", "right"), style="dashed")
    blocks.append(recipient)
    for y in layout.folds:
        mark = Paragraph([run("", size=1)], after=0, frame=frame(3, y, 6, 1), borders=borders())
        blocks.append(mark)
    return blocks


def add_blocks(blocks: list[Block]) -> list[Paragraph]:
    """Paragraphs (justified), list items and headings, with air after each list. A heading,
    and a paragraph that opens a list, stay on the page of what follows them."""
    paragraphs = []
    for i, block in enumerate(blocks):
        following = blocks[i + 1].kind if i + 1 < len(blocks) else None
        if block.kind in ("h", "h2"):
            p = text_paragraph(nobreak(block.text), bold=True, italic=block.kind == "h2")
            p.before = pt_twips(8 if block.kind == "h" else 4)
            p.keep_next = True
        elif block.kind == "li":
            p = text_paragraph(nobreak(block.text))
            p.style, p.after = "ListBullet", pt_twips(2)
        else:
            p = text_paragraph(nobreak(block.text))
            p.align = "both"
            p.keep_next = following == "li"
        if i and blocks[i - 1].kind == "li" and block.kind != "li":
            p.before = pt_twips(6)  # air after a list
        paragraphs.append(p)
    return paragraphs


def _plain(line: str, indent: int, keep_next: bool) -> Paragraph:
    """A line in the style's own font (signature lines)."""
    return Paragraph([run(line)], indent=indent, keep_next=keep_next)


def _body(doc: Document, layout: Layout) -> list[Paragraph]:
    indent = mm_twips(layout.window_x - layout.margin_left)
    date = text_paragraph(doc.text("lieu_date"))
    date.before = mm_twips(layout.date_y - layout.margin_top)
    date.indent, date.after = indent, pt_twips(14)
    objet = Paragraph(
        [run("Objet\u00a0: ", bold=True), *runs(nobreak(doc.text("objet")), bold=True)],
        after=pt_twips(12),
    )
    body = add_blocks(doc.blocks("corps"))
    if body:
        body[-1].keep_next = True  # the closing formula and the name
    signature = [_plain(line, indent, True) for line in doc.lines("signature")]
    if signature:
        signature[0].before = pt_twips(10)
    spacer = Paragraph(after=mm_twips(18))  # room for the handwritten signature
    enclosures = []
    if doc.lines("pj"):
        head = Paragraph([run("P.J.\u00a0:", bold=True)], keep_next=True, after=pt_twips(2))
        enclosures.append(head)
        for item in doc.lines("pj"):
            p = text_paragraph(f"– {nobreak(item)}", size=9.5)
            p.indent, p.after = mm_twips(5), 0
            enclosures.append(p)
    return [date, objet, *body, *signature, spacer, *enclosures]


def footer(text: str = "", total: str | None = "NUMPAGES") -> str:
    """Page numbers, after an optional small print (the journal's fingerprint); ``total``
    None prints « page N » alone."""
    content = [run(text + "   ", color=GREY, size=7)] if text else []
    fields = (("page ", "PAGE"), (" / ", total)) if total else (("page ", "PAGE"),)
    for label, code in fields:
        content += [run(label, size=8), field_code(code)]
    return Paragraph(content, style="Footer", align="right").xml()


def _reference(kind: str, rid: str) -> str:
    return f'<w:{kind}Reference w:type="default" r:id="{rid}"/>'


def write(
    doc: Document,
    paragraphs: list,
    layout: Layout | None = None,
    text: str = "",
    total: str | None = "NUMPAGES",
) -> bytes:
    """The DOCX bytes: ``paragraphs`` in one section, the footer (``footer``) on every page."""
    package = Package()
    reference = package.add("footer", footer(text, total))
    section = (layout or Layout()).section(_reference("footer", reference), last=True)
    return _finish(package, doc, paragraphs, section)


def _finish(package: Package, doc: Document, paragraphs: list, section: str) -> bytes:
    """The body (paragraphs, or markup as it comes: a long table's rows), then the last
    section's properties."""
    package.body += [p.xml() if isinstance(p, Paragraph) else p for p in paragraphs]
    package.body.append(section)
    return package.to_bytes(doc.text("objet"), doc.author, doc.created)


def render_docx(doc: Document, layout: Layout | None = None) -> bytes:
    """DOCX bytes of a letter (``lettre`` or ``saisine``)."""
    layout = layout or Layout()
    paragraphs = _header_blocks(doc, layout) + _body(doc, layout)
    small_print = "  ".join(doc.lines("pied"))
    annex = doc.blocks("annexe")
    if not annex:
        return write(doc, paragraphs, layout, small_print)
    # Pages after the letter (the dated record, the list of pieces), in a section of their
    # own whose header names the person and the letter, so that a separated page is known.
    package = Package()
    said = f"{doc.author} – annexe au courrier ({doc.text('lieu_date')})"
    header = Paragraph([run(said, color=GREY, size=8)], style="Header").xml()
    header_id = package.add("header", header)
    footer_id = package.add("footer", footer(small_print))
    paragraphs.append(Paragraph(section=layout.section(_reference("footer", footer_id))))
    paragraphs += add_blocks(annex)
    return _finish(package, doc, paragraphs, layout.section(_reference("header", header_id), True))


def render_form_docx(doc: Document) -> bytes:
    """A document without envelope window: a title, then the body (forms, inventories)."""
    title = text_paragraph(doc.text("objet"), bold=True)
    title.align, title.after = "center", pt_twips(12)
    paragraphs = [title, *add_blocks(doc.blocks("corps"))]
    return write(doc, paragraphs, text="  ".join(doc.lines("pied")))


def render_requete_docx(doc: Document) -> bytes:
    """The draft requête, for the judge alone: it opens with « REQUÊTE EN RÉFÉRÉ » (CJA
    R. 522-3), then the signature (« Signature : », room to sign by hand, the name) and
    the list of pieces on a page of its own."""
    paragraphs = []
    blocks = doc.blocks("corps")
    if blocks and blocks[0].kind == "h":  # the title line, centred
        paragraphs.append(Paragraph([run(blocks[0].text, bold=True, size=15)], align="center"))
        blocks = blocks[1:]
    body = add_blocks(blocks)
    for paragraph in body[-2:]:  # the last conclusion, « Fait à … » and the signature together
        paragraph.keep_next = True
    signature = doc.lines("signature")
    signed = [
        _plain(line, mm_twips(90), i < len(signature) - 1) for i, line in enumerate(signature)
    ]
    if signed:
        signed[0].before = pt_twips(10)
        signed[0].after = mm_twips(25)  # room for the handwritten signature
    annex = doc.blocks("annexe")
    pieces = [page_break(), *add_blocks(annex)] if annex else []
    return write(doc, [*paragraphs, *body, *signed, *pieces])
