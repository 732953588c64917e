"""The DOCX files are written without python-docx, into a shipped skeleton: the skeleton
is what its script builds, the letter's command does not import python-docx, and what
python-docx reads back from the written files is what the letter says."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from docx import Document as read_docx

from rdvletters.documents.docx_package import SKELETON, read_members

from .conftest import modules_after

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_skeleton_is_what_its_script_builds(tmp_path):
    built = tmp_path / "skeleton.docx"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_docx_skeleton.py"), str(built)],
        check=True,
        capture_output=True,
    )
    shipped = {m.name: m.data() for m in read_members(SKELETON)}
    rebuilt = {m.name: m.data() for m in read_members(built)}
    assert shipped == rebuilt
    with zipfile.ZipFile(SKELETON) as archive:  # a zip any tool reads, each member intact
        assert archive.testzip() is None
        assert {i.filename for i in archive.infolist()} == set(shipped)


def test_letter_is_written_without_python_docx(case):
    modules, _ = modules_after("-C", case, "letter", "--format", "docx")
    assert "docx" not in {m.split(".")[0] for m in modules}
    written = sorted((Path(case) / "documents").glob("*lettre-recommandee*.docx"))
    assert written
    with zipfile.ZipFile(written[-1]) as archive:
        assert archive.testzip() is None
    letter = read_docx(written[-1])
    section = letter.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 20 and round(section.top_margin.mm) == 15
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "Objet\u00a0:" in text and "Lettre recommandée avec accusé de réception" in text
    normal = letter.styles["Normal"]
    assert normal.font.name == "Arial" and normal.font.size.pt == 10.5
    assert letter.core_properties.created.year == 2026
    footer = letter.sections[0].footer.paragraphs[0]
    assert footer.text.endswith("page  / ")  # the numbers are fields, computed by Word
    assert 'w:instr="PAGE"' in footer._p.xml and 'w:instr="NUMPAGES"' in footer._p.xml
