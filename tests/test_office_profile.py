"""LibreOffice's profile kept in the user's cache between conversions: one conversion
at a time uses it, another at the same moment gets a fresh one, and a kept profile
LibreOffice fails with is dropped for a fresh one. A stand-in 'LibreOffice' records the
profile it was given and writes the PDFs (the real one is in test_pdf.py)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from rdvletters.documents import office_profile
from rdvletters.documents.pdf import docx_to_pdf

pytestmark = pytest.mark.skipif(office_profile.fcntl is None, reason="POSIX locks")


def _stand_in(tmp_path: Path, fails_with_kept: bool = False) -> Path:
    """A 'LibreOffice' that notes its profile, and fails on the kept one if told to."""
    log = tmp_path / "profils.txt"
    fake = tmp_path / "faux-soffice"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import sys\nfrom pathlib import Path\n"
        "profile = sys.argv[1].split('=', 1)[1]\n"
        f"open({str(log)!r}, 'a').write(profile + '\\n')\n"
        f"if {fails_with_kept!r} and 'libreoffice/profil' in profile:\n"
        "    sys.exit(1)\n"
        "outdir = Path(sys.argv[sys.argv.index('--outdir') + 1])\n"
        "for source in sys.argv[sys.argv.index('--outdir') + 2:]:\n"
        "    (outdir / (Path(source).stem + '.pdf')).write_bytes(b'%PDF-1.4 faux')\n",
        encoding="utf-8",
    )
    fake.chmod(0o700)
    return fake


def _profiles(tmp_path: Path) -> list[Path]:
    lines = (tmp_path / "profils.txt").read_text().splitlines()
    return [Path(unquote(urlparse(line).path)) for line in lines]


def test_the_profile_is_kept_private_and_used_again(tmp_path, monkeypatch):
    monkeypatch.setenv("RDVLETTERS_SOFFICE", str(_stand_in(tmp_path)))
    assert docx_to_pdf(b"PK") == docx_to_pdf(b"PK") == b"%PDF-1.4 faux"
    first, second = _profiles(tmp_path)
    assert first == second == office_profile.kept_folder() / office_profile.KEPT
    assert str(first).startswith(os.environ["XDG_CACHE_HOME"])  # the user's cache
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700


def test_a_conversion_while_another_holds_the_profile_gets_a_fresh_one(tmp_path, monkeypatch):
    monkeypatch.setenv("RDVLETTERS_SOFFICE", str(_stand_in(tmp_path)))
    held = office_profile._lock(office_profile.kept_folder())  # another conversion
    assert held is not None
    try:
        assert docx_to_pdf(b"PK") == b"%PDF-1.4 faux"
    finally:
        os.close(held)
    (fresh,) = _profiles(tmp_path)
    assert fresh.name == office_profile.FRESH and not fresh.parent.exists()  # removed after
    assert docx_to_pdf(b"PK") == b"%PDF-1.4 faux"  # the lock is free again: the kept one
    assert _profiles(tmp_path)[-1] == office_profile.kept_folder() / office_profile.KEPT


def test_a_kept_profile_libreoffice_fails_with_is_dropped(tmp_path, monkeypatch):
    monkeypatch.setenv("RDVLETTERS_SOFFICE", str(_stand_in(tmp_path, fails_with_kept=True)))
    kept = office_profile.kept_folder() / office_profile.KEPT
    kept.mkdir(parents=True)
    (kept / "registrymodifications.xcu").write_text("abîmé")
    assert docx_to_pdf(b"PK") == b"%PDF-1.4 faux"  # done again with a fresh profile
    tried = _profiles(tmp_path)
    assert tried[0] == kept and tried[1].name == office_profile.FRESH
    assert not kept.exists()  # the next conversion makes a new one
