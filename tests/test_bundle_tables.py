"""The dossier's tables, written as streamed XML, read back as Word and LibreOffice read them;
``bundle --pdf`` starts LibreOffice once for all its documents."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import datetime, timedelta

import pytest
from docx import Document as open_docx
from docx.shared import Mm, Pt

from rdvletters.case import Case
from rdvletters.frdates import PARIS

from .conftest import EXAMPLE, chronology_of


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
    """Piece 1 drawn as PDF: every step once, text escaped nowhere, header on every page."""
    from pypdf import PdfReader

    from rdvletters.court.dossier.bundle import chronology_file
    from rdvletters.court.pieces import plan
    from rdvletters.facts import Facts

    case = _long_case(tmp_path / "cas", 400)
    profile, state = case.load().profile, case.journal.read()
    content = chronology_of(case.root)
    assert len(content.tables[0][2]) == 400  # one row per step, none lost
    pieces = plan(profile, Facts.from_journal(state), case.root, state)
    path = tmp_path / "chronologie.pdf"
    path.write_bytes(chronology_file(content, pieces[0]))
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]
    assert len(pages) > 5
    text = " ".join(pages)
    for i in range(400):  # each step exactly once, drawn as typed (no XML escaping)
        assert text.count(f"essai {i} & <rien> « libre »") == 1, i  # NBSP read as spaces
    first_steps = pages[0] if "essai 0 " in pages[0] else pages[1]
    assert "05/01/2026 9 h 00" in first_steps
    end = datetime(2026, 1, 5, 9, 0) + timedelta(hours=9 * 399)
    assert end.strftime("%d/%m/%Y") in pages[-1] or end.strftime("%d/%m/%Y") in pages[-2]
    table_pages = [p for p in pages if "essai " in p]
    assert all("Date Heure Canal Ce qui s'est passé Justificatif" in p for p in table_pages)
    total = len(pages)
    assert all("Pièce n° 1" in p and f"page {k}/{total}" in p for k, p in enumerate(pages, 1))
    weeks = (end - datetime(2026, 1, 5)).days // 7 + 1
    assert len(content.weeks) == weeks  # one chart row a week
    assert text.count("sem. du ") == weeks


def test_streamed_table_document_reads_back_as_word_reads_it(tmp_path):
    """The inventory's rows, streamed as XML text, are the cells python-docx would write."""
    from rdvletters.documents.docx_tables import table_document

    rows = [[str(i), f"pièce {i} & <rien> « libre »", "05/01/2026"] for i in range(400)]
    data = table_document(
        "Inventaire",
        ["Personne : X"],
        [("Pièces", ["N°", "Libellé", "Date"], iter(rows), [11, 100, 20])],
        author="X",
        created=datetime(2026, 1, 5, tzinfo=PARIS),
    )
    (tmp_path / "t.docx").write_bytes(data)
    table = open_docx(tmp_path / "t.docx").tables[0].rows
    assert len(table) == 1 + 400  # header + every row, none lost
    assert [c.text for c in table[0].cells] == ["N°", "Libellé", "Date"]
    assert table[1].cells[1].text == "pièce 0 & <rien> «\u00a0libre\u00a0»"  # escaped, French
    last = table[-1].cells
    assert last[0].text == "399"
    assert abs(last[1].width - table[0].cells[1].width) < Mm(0.1)  # widths in every cell
    assert last[1].paragraphs[0].runs[0].font.size == Pt(9)
    assert last[1].paragraphs[0].paragraph_format.space_after == Pt(0)
    flag = table[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
    )
    assert flag is not None  # header repeated on every page


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
    converted = pdf.office_batch_to_pdf([(data, ".docx") for data in documents])
    assert len(starts) == 1  # one LibreOffice for both
    for title, data in zip(("Premier document", "Second document"), converted, strict=True):
        target = tmp_path / "sortie.pdf"
        target.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", str(target), "-"], capture_output=True, text=True
        ).stdout
        assert title in text  # each PDF is its own document, in order


def _sent_letter(case_root) -> str:
    """Prepare the registered letter (DOCX) and record it sent; returns its file name."""
    from rdvletters.documents.pipeline import prepare

    case = Case(case_root)
    letter = prepare(case, "lettre", "docx")
    case.record_sent(letter.entry.n, datetime.now(PARIS), "1A 123 456 7890 1")
    return letter.path.name


@needs_soffice
def test_bundle_pdf_converts_letters_inventory_and_fiche_in_one_start(
    case, run, tmp_path, monkeypatch
):
    from rdvletters.documents import pdf

    _sent_letter(case)
    starts = []
    real_start = pdf._start
    monkeypatch.setattr(
        pdf, "_start", lambda command, folder: starts.append(command) or real_start(command, folder)
    )
    out = tmp_path / "d"
    result = run("-C", case, "bundle", "--pdf", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert len(starts) == 1  # the sent letter, the inventory and the fiche together
    (letter,) = out.glob("*_Lettre_recommandee_AR_*.pdf")
    text = " ".join(subprocess.run(["pdftotext", str(letter), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())  # fmt: skip
    number = int(letter.name.split("_", 1)[0])
    assert f"Pièce n° {number}" in text and "Objet" in text  # stamped, the letter itself
    assert (out / "00_Inventaire.pdf").is_file()
    assert (out / "Ne_pas_deposer" / "Fiche_de_synthese.pdf").is_file()
    inventory = (out / "Ne_pas_deposer" / "00_Inventaire.txt").read_text(encoding="utf-8")
    assert letter.name in inventory


@needs_soffice
def test_a_letter_libreoffice_cannot_open_is_kept_and_the_inventory_names_it(case, run, tmp_path):
    name = _sent_letter(case)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:  # a DOCX by its parts, garbage inside
        archive.writestr("word/document.xml", b"\x00\x01 not xml")
    (case / "documents" / name).write_bytes(broken.getvalue())
    out = tmp_path / "d"
    result = run("-C", case, "bundle", "--pdf", "-o", out)
    assert result.exit_code == 0, result.stderr
    (kept,) = out.glob("*_Lettre_recommandee_AR_*")
    assert kept.suffix == ".docx" and "gardée dans son format d'origine" in result.stderr
    inventory = (out / "Ne_pas_deposer" / "00_Inventaire.txt").read_text(encoding="utf-8")
    assert kept.name in inventory and kept.with_suffix(".pdf").name not in inventory
    assert (out / "00_Inventaire.pdf").is_file()  # made again, with the right name
