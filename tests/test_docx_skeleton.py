"""The DOCX files are written without python-docx, into a shipped skeleton: the skeleton
is what its script builds, the letter's command does not import python-docx, and what
python-docx reads back from the written files is what the letter says."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
import zipfile
from pathlib import Path

from docx import Document as read_docx

from rdvletters.documents.docx_package import SKELETON, read_members

from .conftest import modules_after

ROOT = Path(__file__).resolve().parent.parent
STYLE_NAMED = re.compile(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"')
LIST_NAMED = re.compile(r'<w:numId w:val="([^"]+)"/>')


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


def _defined(archive: zipfile.ZipFile) -> tuple[set[str], set[str]]:
    """The style ids and list numbers the package defines."""
    styles = archive.read("word/styles.xml").decode()
    numbering = archive.read("word/numbering.xml").decode()
    return set(re.findall(r'w:styleId="([^"]+)"', styles)), set(
        re.findall(r'<w:num w:numId="([^"]+)"', numbering)
    )


def test_the_skeleton_holds_the_styles_the_documents_name_and_no_more(case, run, tmp_path):
    """The skeleton keeps only the styles the documents name (LibreOffice reads every
    style defined, which made each PDF slower). A style a document names but the skeleton
    lacks would silently fall back to Normal in Word and LibreOffice; one the script keeps
    but no document names is weight carried for nothing."""
    named: set[str] = set()
    for command in ("letter", "referral", "recours"):
        result = run("-C", case, command, "--format", "docx")
        assert result.exit_code == 0, result.output
    result = run("-C", case, "bundle", "-o", tmp_path / "dossier")  # inventory, fiche, forms
    assert result.exit_code == 0, result.output
    written = [*(Path(case) / "documents").glob("*.docx"), *(tmp_path / "dossier").rglob("*.docx")]
    assert len(written) == 7  # letter, referral, requête and its note, inventory, fiche, form
    for docx in written:
        with zipfile.ZipFile(docx) as archive:
            styles, lists = _defined(archive)
            used = {
                name
                for part in archive.namelist()
                if re.fullmatch(r"word/(document|header\d+|footer\d+)\.xml", part)
                for name in STYLE_NAMED.findall(archive.read(part).decode())
            }
            numbered = set(LIST_NAMED.findall(archive.read("word/styles.xml").decode()))
        assert used <= styles, docx.name
        assert numbered and numbered <= lists, docx.name
        named |= used
    script = runpy.run_path(str(ROOT / "scripts" / "build_docx_skeleton.py"), run_name="skeleton")
    assert named == set(script["STYLES"]) - {"Normal"}
