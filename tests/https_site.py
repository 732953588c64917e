"""A local CA and a server certificate for 127.0.0.1, and Chromium told to trust the CA.

The certificates are made with ``openssl`` at the suite's clock (as the local TSA's), valid
from a year before it for ten years. Chromium on Linux trusts the roots of the NSS database
in ``$HOME/.pki/nssdb``: the tests' isolated HOME gets one with this CA only (``certutil``),
so the browser accepts the site exactly as it would a real one, and nothing of the
machine's own trust changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .tsa_server import _openssl

needs_certutil = shutil.which("certutil") is not None and shutil.which("openssl") is not None


@dataclass
class SiteCert:
    ca: Path
    cert: Path
    key: Path

    @property
    def tls(self) -> tuple[Path, Path]:
        return self.cert, self.key


def make_site_cert(folder: Path) -> SiteCert:
    """A root CA « Préfecture de test Root CA » and a certificate for 127.0.0.1 it issued."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "3650", "-subj", "/CN=Prefecture de test Root CA/O=rdvletters tests",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "site.key", "-out", "site.csr",
        "-subj", "/CN=127.0.0.1/O=Prefecture de test", cwd=folder,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "site.pem", "-days", "3000", "-extfile", "site.ext",
        cwd=folder,
    )  # fmt: skip
    return SiteCert(folder / "ca.pem", folder / "site.pem", folder / "site.key")


def trust_in_chromium(ca: Path) -> Path:
    """Add ``ca`` as a trusted root to the NSS database Chromium reads under $HOME."""
    nss = Path(os.environ["HOME"]) / ".pki" / "nssdb"
    nss.mkdir(parents=True, exist_ok=True)
    if not (nss / "cert9.db").exists():
        subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{nss}", "-n", "prefecture-test", "-t", "C,,", "-i",
         str(ca)],
        check=True,
    )  # fmt: skip
    return nss
