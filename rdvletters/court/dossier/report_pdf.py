"""The verification report as a PDF: headings, (label, value) rows, paragraphs, commands,
and « page k/n » at the foot of every page. Deterministic, like every piece."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter

from .pdf_pages import BODY_LEADING, MM, TextPages, new_canvas
from .sheet_pdf import row

REPORT_NAME = "Rapport_de_verification.pdf"  # in the dossier's Ne_pas_deposer/


def dossier_report(case, created) -> bytes:  # noqa: ANN001 - Case, datetime
    """``verify --report`` for the dossier (proof: ``proofs/report.py``), dated like the
    dossier's other documents so that the same journal gives the same bytes."""
    from ...evidence.proofs.report import TITLE, build

    return report_pdf(build(case, when=created), TITLE)


def write_report(case, path, copies=()):  # noqa: ANN001 - Case, Path, tuple[Path, ...]
    """``verify --report``: the report as a new PDF at ``path`` (never replacing a file).
    Drawn here, above the proofs that word it (``evidence.proofs.report``)."""
    from ...evidence.proofs.report import TITLE, build
    from ...fsutil import write_new

    return write_new(path, report_pdf(build(case, copies), TITLE))


def report_pdf(sections: list, title: str) -> bytes:
    """``sections``: ``proofs.report.Section`` objects, in order."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer)
    pages = TextPages(canvas)
    for section in sections:
        pages.y -= BODY_LEADING / 2
        pages.paragraph(section.title, bold=True)
        pages.rule()
        for label, value in section.rows:
            if value:
                row(pages, label, value)
            else:  # a sub-heading (« Entrée n° 12 »)
                pages.paragraph(label, bold=True)
        for paragraph in section.paragraphs:
            pages.paragraph(paragraph)
        for command in section.commands:
            pages.paragraph(command, indent=6 * MM, grey=True)
    pages.finish()
    canvas.save()
    return _numbered(buffer.getvalue(), title)


def _numbered(pdf: bytes, title: str) -> bytes:
    """« title – page k/n » at the foot of each page."""
    from .pdf_pages import fonts

    reader = PdfReader(io.BytesIO(pdf))
    total = len(reader.pages)
    overlay = io.BytesIO()
    canvas = new_canvas(overlay)
    for index, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        canvas.setPageSize((width, height))
        canvas.setFont(fonts().regular, 8)
        canvas.drawString(15 * MM, 6 * MM, f"{title} – page {index}/{total}")
        canvas.showPage()
    canvas.save()
    writer = PdfWriter()
    for page, foot in zip(reader.pages, PdfReader(io.BytesIO(overlay.getvalue())).pages,
                          strict=True):  # fmt: skip
        added = writer.add_page(page)
        added.merge_page(foot)
    writer.add_metadata({"/Title": title, "/Producer": "rdvletters"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
