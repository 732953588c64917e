"""PDF through LibreOffice: address in the envelope window, valid, fonts embedded, small."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from docx import Document as open_docx

from rdvletters.documents.pdf import docx_to_pdf
from rdvletters.errors import RdvError, ToolMissingError

from .conftest import installed_cli, journal_lines, needs_pdf_tools

PT_TO_MM = 25.4 / 72


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
    address = ["Préfet", "Préfecture", "immigration", "esplanade", "93007", "CEDEX"]
    boxes = {w: (x0, y0, x1, y1) for w, x0, y0, x1, y1 in words if w in address}
    assert set(boxes) == set(address)
    x0, y0, _, _ = boxes["Préfet"]  # « Préfet de la Seine-Saint-Denis », line 1
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
    x, y, borders = _frame_mm(path, "Préfet de la")
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


def test_bundle_without_libreoffice_keeps_docx_and_says_so(case, run, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("RDVLETTERS_SOFFICE", raising=False)
    monkeypatch.setattr("rdvletters.documents.pdf.install_places", lambda *a, **k: [])
    result = run("-C", case, "bundle", "--pdf", "-o", tmp_path / "d")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "d").iterdir())
    assert "00_Inventaire.docx" in names  # kept as DOCX, said plainly
    assert "LibreOffice n'est pas installé" in result.stderr
    # the chronology and screenshots need no LibreOffice: PDF pieces all the same
    assert "01_Chronologie_des_demarches.pdf" in names
    assert any(n.startswith("02_") and n.endswith(".pdf") for n in names)


# --- finding LibreOffice ------------------------------------------------------------------


def _program(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o700)
    return path


@pytest.fixture
def no_soffice_on_path(monkeypatch, tmp_path):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("RDVLETTERS_SOFFICE", raising=False)
    return empty


def test_lookup_on_windows_program_files(tmp_path, no_soffice_on_path):
    from rdvletters.documents import pdf

    x86 = _program(tmp_path / "PF86" / "LibreOffice" / "program" / "soffice.exe")
    env = {"ProgramFiles": str(tmp_path / "PF"), "ProgramFiles(x86)": str(tmp_path / "PF86")}
    assert pdf.find_soffice("win32", env) == str(x86)  # only the 32-bit one installed
    main = _program(tmp_path / "PF" / "LibreOffice" / "program" / "soffice.exe")
    assert pdf.find_soffice("win32", env) == str(main)  # Program Files comes first
    on_path = _program(no_soffice_on_path / "soffice")
    assert pdf.find_soffice("win32", env) == str(on_path)  # PATH before install places
    named = _program(tmp_path / "ailleurs" / "mon soffice")
    assert pdf.find_soffice("win32", {**env, "RDVLETTERS_SOFFICE": str(named)}) == str(named)


def test_lookup_on_macos_applications(tmp_path, no_soffice_on_path, monkeypatch):
    from rdvletters.documents import pdf

    app = tmp_path / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice"
    monkeypatch.setattr(pdf, "MACOS_APP", app)
    with pytest.raises(ToolMissingError) as missing:
        pdf.find_soffice("darwin", {})
    assert "RDVLETTERS_SOFFICE" in missing.value.hint
    _program(app)
    assert pdf.find_soffice("darwin", {}) == str(app)
    assert pdf.install_places("linux", {}) == []  # on Linux, PATH only


def test_named_soffice_that_does_not_exist_is_said(tmp_path, run, case, monkeypatch):
    monkeypatch.setenv("RDVLETTERS_SOFFICE", str(tmp_path / "nulle-part" / "soffice"))
    result = run("-C", case, "letter", "--format", "pdf")
    assert result.exit_code == 7
    assert "RDVLETTERS_SOFFICE désigne" in result.stderr and "nulle-part" in result.stderr
    assert not any((case / "documents").iterdir())


# --- LibreOffice kept private and never left running --------------------------------------


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that contain ``text`` (Linux /proc, like pgrep -f)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if text.encode() in cmdline:
                found.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return found


needs_proc = pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="Linux /proc")


def _fake_soffice(tmp_path, marker: str, ending: str) -> Path:
    """A 'LibreOffice' that starts a helper process (like soffice.bin), then hangs or fails."""
    helper = f"{sys.executable} -c 'import time; time.sleep(300)' {marker}"
    fake = tmp_path / "faux-soffice"
    started = tmp_path / "started"
    fake.write_text(f"#!/bin/sh\n{helper} &\ntouch '{started}'\n{ending}\n", encoding="utf-8")
    fake.chmod(0o700)
    return fake


@needs_proc
@pytest.mark.parametrize("ending", ["sleep 300", "exit 1"])
def test_timeout_or_failure_stops_the_whole_group(tmp_path, monkeypatch, ending):
    from rdvletters.documents import pdf

    marker = f"marqueur-{tmp_path.name}"
    monkeypatch.setenv("RDVLETTERS_SOFFICE", str(_fake_soffice(tmp_path, marker, ending)))
    monkeypatch.setattr(pdf, "TIMEOUT", 2)
    with pytest.raises(RdvError) as error:
        docx_to_pdf(b"PK not really a docx")
    assert ("n'a pas fini" if "sleep" in ending else "n'a pas produit") in str(error.value)
    assert (tmp_path / "started").exists()  # the fake LibreOffice did run
    assert processes_mentioning(marker) == []  # and its helper died with its group


@needs_pdf_tools
def test_everything_libreoffice_creates_is_private(tmp_path, case, run, monkeypatch):
    """A wrapper runs the real LibreOffice, then lists the modes of all it created."""
    listing = tmp_path / "modes.txt"
    wrapper = tmp_path / "soffice-temoin"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, subprocess, sys\n"
        f"done = subprocess.run([{shutil.which('soffice')!r}, *sys.argv[1:]])\n"
        "from urllib.parse import unquote, urlparse\n"
        "outdir = sys.argv[sys.argv.index('--outdir') + 1]\n"
        "profile = unquote(urlparse(sys.argv[1].split('=', 1)[1]).path)\n"
        f"with open({str(listing)!r}, 'w') as out:\n"
        "    for top in (outdir, profile):\n"
        "        for root, dirs, files in os.walk(top):\n"
        "            for name in [root] + [os.path.join(root, f) for f in files]:\n"
        "                out.write(f'{os.lstat(name).st_mode & 0o777:o} {name}\\n')\n"
        "sys.exit(done.returncode)\n",
        encoding="utf-8",
    )
    wrapper.chmod(0o700)
    monkeypatch.setenv("RDVLETTERS_SOFFICE", str(wrapper))
    result = run("-C", case, "letter", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    entries = [line.split(" ", 1) for line in listing.read_text().splitlines()]
    names = [name for _, name in entries]
    assert any(n.endswith("document.pdf") for n in names)
    kept = [n for n in names if "libreoffice/profil" in n]  # in the user's cache, kept
    assert len(kept) > 5  # the profile LibreOffice made, not just our two files
    exposed = [(mode, name) for mode, name in entries if int(mode, 8) & 0o077]
    assert exposed == []
    folder = Path(entries[0][1])
    assert not folder.exists()  # removed after the conversion
    assert all(Path(n).exists() for n in kept[:1])  # the profile stays for the next one


@needs_pdf_tools
@needs_proc
@pytest.mark.parametrize("stage", ["soffice", "soffice.bin"])
def test_ctrl_c_during_conversion_leaves_nothing(tmp_path, case, stage):
    """SIGINT to the real command while LibreOffice starts (the shell script) or converts
    (soffice.bin, its worker): exit 130, no LibreOffice left, no file left."""
    private_tmp = tmp_path / "tmp partagé"
    private_tmp.mkdir()
    private_tmp.chmod(0o755)  # like /tmp: what is created in it must protect itself
    before = journal_lines(case)
    process = subprocess.Popen(
        [*installed_cli(), "-C", str(case), "letter", "--format", "pdf"],
        env={**os.environ, "TMPDIR": str(private_tmp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(1200):  # LibreOffice starts within seconds; bounded wait
            running = processes_mentioning(str(private_tmp))
            if any(stage in cmd for cmd in running) or process.poll() is not None:
                break
            time.sleep(0.02)
        assert any(stage in cmd for cmd in running), f"{stage} never seen"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert "Interrompu." in err and "Traceback" not in err
    assert processes_mentioning(str(private_tmp)) == []
    left = list(private_tmp.rglob("*"))
    assert [p for p in left if p.lstat().st_mode & 0o077] == []
    assert left == []
    assert journal_lines(case) == before and not any((case / "documents").iterdir())
