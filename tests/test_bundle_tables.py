"""The dossier's tables, written as streamed XML, read back as Word and LibreOffice read them;
``bundle --pdf`` starts LibreOffice once for all its documents."""

from __future__ import annotations

import shutil
import subprocess
import sys
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


def test_chronology_of_many_steps_reads_back_whole(tmp_path, run):
    case = _long_case(tmp_path / "cas", 400)
    assert run("-C", case.root, "bundle", "-o", tmp_path / "d").exit_code == 0
    docx = open_docx(tmp_path / "d" / "01_Chronologie_des_demarches.docx")
    chart, dated = docx.tables[0], docx.tables[1]
    rows = dated.rows
    assert len(rows) == 1 + 400  # header + one row per step, none lost
    assert [c.text for c in rows[0].cells] == [
        "Date", "Heure", "Canal", "Ce qui s'est passé", "Justificatif"
    ]  # fmt: skip
    first = [c.text for c in rows[1].cells]
    assert first[:2] == ["05/01/2026", "09:00"] and first[3] == "« essai 0 & <rien> « libre » »"
    last = rows[-1].cells
    assert last[0].text == (datetime(2026, 1, 5, 9, 0) + timedelta(hours=9 * 399)).strftime(
        "%d/%m/%Y"
    )
    assert abs(last[3].width - Mm(82)) < Mm(0.1)  # widths in every cell, as before
    assert last[3].paragraphs[0].runs[0].font.size == Pt(9)
    assert last[3].paragraphs[0].paragraph_format.space_after == Pt(0)
    header_flag = rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
    )
    assert header_flag is not None  # header repeated on every page
    weeks = len(chart.rows)
    assert (
        weeks
        == (datetime(2026, 1, 5) + timedelta(hours=9 * 399) - datetime(2026, 1, 5)).days // 7 + 1
    )


needs_soffice = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice and poppler-utils are installed by .ci/run",
)


@needs_soffice
def test_bundle_pdf_starts_libreoffice_once(case, run, tmp_path, monkeypatch):
    starts = tmp_path / "starts.txt"
    wrapper = tmp_path / "soffice-compteur"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import subprocess, sys\n"
        f"open({str(starts)!r}, 'a').write(' '.join(a for a in sys.argv if a.endswith('.docx')) + '\\n')\n"
        f"sys.exit(subprocess.run([{shutil.which('soffice')!r}, *sys.argv[1:]]).returncode)\n",
        encoding="utf-8",
    )
    wrapper.chmod(0o700)
    monkeypatch.setenv("RDVLETTERS_SOFFICE", str(wrapper))
    result = run("-C", case, "bundle", "--pdf", "-o", tmp_path / "d")
    assert result.exit_code == 0, result.stderr
    [started] = starts.read_text().splitlines()  # one LibreOffice run…
    assert len(started.split()) == 2  # …for the two DOCX of the dossier
    for name in ("00_Inventaire.pdf", "01_Chronologie_des_demarches.pdf"):
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "d" / name), "-"], capture_output=True, text=True
        ).stdout
        assert "Aminata DIALLO" in text
    inventory = subprocess.run(
        ["pdftotext", str(tmp_path / "d" / "00_Inventaire.pdf"), "-"],
        capture_output=True,
        text=True,
    ).stdout
    assert "Inventaire des pièces" in inventory  # each PDF is its own document, in order
