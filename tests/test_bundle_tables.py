"""The dossier's tables, written as streamed XML, read back as Word and LibreOffice read them;
``bundle --pdf`` starts LibreOffice once for all its documents."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta

import pytest
from docx import Document as open_docx
from docx.shared import Mm, Pt

from rdvletters.case import Case
from rdvletters.frdates import PARIS

from .conftest import EXAMPLE


def _long_case(root, steps: int) -> Case:
    root.mkdir()
    (root / "profil.yaml").write_bytes((EXAMPLE / "profil.yaml").read_bytes())
    case = Case(root)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=PARIS)
    for i in range(steps):
        text = f"essai {i} & <rien> « libre »"
        case.record("web" if i % 3 else "phone", start + timedelta(hours=9 * i), text)
    return case


def test_chronology_of_many_steps_reads_back_whole(tmp_path):
    from rdvletters.evidence.bundle import _chronology_docx, header
    from rdvletters.evidence.pieces import plan
    from rdvletters.facts import Facts

    case = _long_case(tmp_path / "cas", 400)
    profile, state = case.load().profile, case.journal.read()
    facts = Facts.from_journal(state)
    pieces = plan(profile, facts, case.root, state)
    data = _chronology_docx(header(profile), profile, facts, state, pieces, datetime.now(PARIS))
    (tmp_path / "chronologie.docx").write_bytes(data)
    docx = open_docx(tmp_path / "chronologie.docx")
    chart, dated = docx.tables[0], docx.tables[1]
    rows = dated.rows
    assert len(rows) == 1 + 400  # header + one row per step, none lost
    assert [c.text for c in rows[0].cells] == [
        "Date", "Heure", "Canal", "Ce qui s'est passé", "Justificatif"
    ]  # fmt: skip
    first = [c.text for c in rows[1].cells]
    assert first[:2] == ["05/01/2026", "09:00"]
    # escaped for XML, French typography applied per cell
    assert first[3] == "essai 0 & <rien> «\u00a0libre\u00a0»"
    last = rows[-1].cells
    end = datetime(2026, 1, 5, 9, 0) + timedelta(hours=9 * 399)
    assert last[0].text == end.strftime("%d/%m/%Y")
    assert abs(last[3].width - rows[0].cells[3].width) < Mm(0.1)  # widths in every cell
    assert last[3].paragraphs[0].runs[0].font.size == Pt(9)
    assert last[3].paragraphs[0].paragraph_format.space_after == Pt(0)
    header_flag = rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
    )
    assert header_flag is not None  # header repeated on every page
    assert len(chart.rows) == (end - datetime(2026, 1, 5)).days // 7 + 1  # one row a week


needs_soffice = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice and poppler-utils are installed by .ci/run",
)


@needs_soffice
def test_several_documents_converted_in_one_libreoffice_run(case, tmp_path, monkeypatch):
    from rdvletters.documents import pdf
    from rdvletters.documents.docx_tables import table_document

    starts = []
    real_start = pdf._start
    monkeypatch.setattr(
        pdf, "_start", lambda command, folder: starts.append(command) or real_start(command, folder)
    )
    made = datetime(2026, 1, 1, tzinfo=PARIS)
    documents = [
        table_document(title, [], [("T", ["A"], [[title]], [40])], author="A B", created=made)
        for title in ("Premier document", "Second document")
    ]
    converted = pdf.docx_batch_to_pdf(documents)
    assert len(starts) == 1  # one LibreOffice for both
    for title, data in zip(("Premier document", "Second document"), converted, strict=True):
        target = tmp_path / "sortie.pdf"
        target.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", str(target), "-"], capture_output=True, text=True
        ).stdout
        assert title in text  # each PDF is its own document, in order
