"""PDF through LibreOffice in headless mode, so the PDF matches the DOCX exactly.

Each conversion gets its own temporary LibreOffice profile: two conversions at
once would otherwise fight over one profile and fail silently. The PDF is
PDF/A-1b (PDF 1.4, fonts embedded), the form La Poste's online registered
letter and archival validators expect.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import RdvError, ToolMissingError

PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"1"}}'
TIMEOUT = 180


def find_soffice() -> str:
    """The LibreOffice executable, or an error telling how to install it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ToolMissingError(
            "LibreOffice est nécessaire pour produire un PDF, et il n'est pas installé.",
            hint="Debian/Ubuntu : sudo apt-get install --no-install-recommends "
            "libreoffice-writer ; macOS : brew install --cask libreoffice ; Windows : "
            "https://fr.libreoffice.org. Sinon, utilisez --format docx et "
            "« Enregistrer en PDF » dans votre traitement de texte.",
        )
    return found


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert DOCX bytes to PDF bytes."""
    return office_to_pdf(docx, ".docx")


def office_to_pdf(data: bytes, suffix: str) -> bytes:
    """Convert a text document (``suffix``: .docx, .odt, .doc or .rtf) to PDF bytes.

    The suffix matters: LibreOffice picks its import filter from it.
    """
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="rdvletters-") as tmp:
        folder = Path(tmp)
        source = folder / f"document{suffix}"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profil-lo').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            PDF_FILTER,
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise RdvError(f"LibreOffice n'a pas fini la conversion en {TIMEOUT} s.") from None
        target = folder / "document.pdf"
        if done.returncode != 0 or not target.exists():
            raise RdvError(
                f"LibreOffice n'a pas produit de PDF (code {done.returncode}).",
                hint="Essayez --format docx, puis « Enregistrer en PDF » dans LibreOffice.",
            )
        return target.read_bytes()
