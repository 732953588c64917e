"""PDF through LibreOffice: address in the envelope window, valid, fonts embedded, small."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading

import pytest
from docx import Document as open_docx

from rdvletters.documents.pdf import docx_to_pdf

from .conftest import journal_lines

PT_TO_MM = 25.4 / 72
needs_pdf_tools = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("qpdf")),
    reason="LibreOffice, poppler-utils and qpdf are installed by .ci/run",
)


def words_on_page_1(pdf):
    """(text, x mm, y mm) of each word on page 1, via pdftotext -bbox."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        (w, float(x0) * PT_TO_MM, float(y0) * PT_TO_MM, float(x1) * PT_TO_MM, float(y1) * PT_TO_MM)
        for x0, y0, x1, y1, w in re.findall(pattern, html)
    ]


@needs_pdf_tools
def test_letter_pdf_address_inside_dl_window(case, run):
    result = run("-C", case, "letter", "--format", "pdf")
    assert result.exit_code == 0, result.output + result.stderr
    [pdf] = (case / "documents").glob("*.pdf")
    assert journal_lines(case)[-1]["format"] == "pdf"
    words = words_on_page_1(pdf)
    address = ["préfet", "Préfecture", "immigration", "esplanade", "93007", "CEDEX"]
    boxes = {w: (x0, y0, x1, y1) for w, x0, y0, x1, y1 in words if w in address}
    assert set(boxes) == set(address)
    x0, y0, _, _ = [b for w, *b in words if w == "Le"][0]  # « Le préfet de la … », line 1
    assert abs(x0 - 110) < 1.5 and abs(y0 - 50) < 2  # block at x 110 mm, y 50 mm
    for word, (left, top, right, bottom) in boxes.items():
        # KOMA-Script NF window zone: x 100-200 mm, y 35-80 mm
        assert 100 <= left < right <= 200 and 35 <= top < bottom <= 80, word
    mention = [w for w in words if w[0] == "recommandée"][0]
    assert 35 <= mention[2] < y0  # the LRAR mention just above the address


@needs_pdf_tools
def test_pdf_is_valid_embeds_fonts_and_is_small(case, run):
    assert run("-C", case, "referral", "--format", "pdf").exit_code == 0
    [pdf] = (case / "documents").glob("*.pdf")
    assert pdf.stat().st_size < 200_000
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # "emb" column
    assert pdf.read_bytes().startswith(b"%PDF-1.4")


@needs_pdf_tools
def test_two_conversions_at_once(case, run):
    assert run("-C", case, "letter").exit_code == 0
    docx = next((case / "documents").glob("*.docx")).read_bytes()
    results, errors = [], []

    def convert():
        try:
            results.append(docx_to_pdf(docx))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert errors == [] and len(results) == 2
    assert all(r.startswith(b"%PDF") for r in results)


def test_without_libreoffice_a_clear_message_and_nothing_written(case, run, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    before = journal_lines(case)
    result = run("-C", case, "letter", "--format", "pdf")
    assert result.exit_code == 7
    assert "LibreOffice" in result.stderr and "apt-get install" in result.stderr
    assert journal_lines(case) == before
    assert not any((case / "documents").iterdir())
    assert run("-C", case, "letter", "--format", "docx").exit_code == 0  # DOCX still works


def _frame_mm(docx_path, first_line):
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for p in open_docx(docx_path).paragraphs:
        if p.text.startswith(first_line):
            frame = p._p.find(f".//{ns}framePr")
            borders = p._p.find(f".//{ns}pBdr")
            return (
                int(frame.get(f"{ns}x")) * 25.4 / 1440,
                int(frame.get(f"{ns}y")) * 25.4 / 1440,
                borders,
            )
    raise AssertionError(first_line)


def test_profile_shift_and_window_outline(case, run):
    profile = (case / "profil.yaml").read_text(encoding="utf-8")
    (case / "profil.yaml").write_text(
        profile + "mise_en_page:\n  decalage_horizontal_mm: -3\n  decalage_vertical_mm: 4.5\n",
        encoding="utf-8",
    )
    assert run("-C", case, "letter", "--window-outline").exit_code == 0
    path = next((case / "documents").glob("*.docx"))
    x, y, borders = _frame_mm(path, "Le préfet")
    assert abs(x - 107) < 0.1 and abs(y - 54.5) < 0.1
    assert borders is not None and len(borders) == 4  # dashed outline on all four sides
    (case / "profil.yaml").write_text(
        profile + "mise_en_page:\n  decalage_vertical_mm: 40\n", encoding="utf-8"
    )
    result = run("-C", case, "letter")
    assert result.exit_code == 2 and "mise_en_page.decalage_vertical_mm" in result.stderr


@needs_pdf_tools
def test_bundle_pdf_inventory_and_chronology(case, run, tmp_path):
    result = run("-C", case, "bundle", "--pdf", "-o", tmp_path / "d")
    assert result.exit_code == 0, result.output + result.stderr
    for name in ("00_Inventaire.pdf", "01_Chronologie_des_demarches.pdf"):
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "d" / name), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "Aminata DIALLO" in text
    chronology = subprocess.run(
        ["pdftotext", str(tmp_path / "d" / "01_Chronologie_des_demarches.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Démarches par semaine" in chronology and "14/09/2026" in chronology


def test_bundle_pdf_without_libreoffice_writes_nothing(case, run, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = run("-C", case, "bundle", "--pdf", "-o", tmp_path / "d")
    assert result.exit_code == 7 and not (tmp_path / "d").exists()
