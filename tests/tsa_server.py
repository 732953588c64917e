"""A real RFC 3161 timestamping authority for the tests, built with ``openssl ts``.

``make_pki`` creates a throwaway root CA and a TSA certificate (extended key
usage timeStamping, critical) with the ``openssl`` command; ``LocalTSA`` serves
``openssl ts -reply`` over HTTP on 127.0.0.1 from a thread. Its ``mode`` makes
it misbehave on purpose: ``slow`` answers after a delay, ``tamper`` flips a
byte of the signed content, ``garbage`` answers something that is not a token,
``other`` signs another imprint than the one asked.

The authority keeps the suite's clock, not the machine's: with Debian's ``faketime``,
``openssl`` signs at the « now » the code under test sees (``RDVLETTERS_NOW``), and the
certificates start a year before it, so that the times compared in a test agree whatever
day the suite runs. Without ``faketime`` it signs at the machine's time
(``clock_follows_suite`` says which, for the tests that compare the two).
"""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rdvletters.frdates import now_paris

from .conftest import NOW

clock_follows_suite = shutil.which("faketime") is not None
# openssl ts -reply rewrites its PKI's serial file: two authorities of one PKI, asked at the
# same moment, would make one of them refuse the request (status 2)
_SIGNING = threading.Lock()

TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {dir}
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
{certs_line}
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _at_suite_time(command: list[str], back: timedelta = timedelta(0)) -> tuple[list, dict]:
    """``command`` run at the suite's « now » minus ``back`` (when faketime is there)."""
    if not clock_follows_suite:
        return command, dict(os.environ)
    # module-scoped fixtures run before the autouse fixture that states the clock
    now = now_paris() if os.environ.get("RDVLETTERS_NOW") else datetime.fromisoformat(NOW)
    stated = (now - back).astimezone(timezone.utc)
    # a faketime around the suite (CI's second run) must not shift this one
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKETIME", "LD_PRELOAD"))}
    return ["faketime", f"{stated:%Y-%m-%d %H:%M:%S}", *command], {**env, "TZ": "UTC"}


def _openssl(*args: str, cwd: Path) -> None:
    """Keys and certificates valid from a year before the suite's « now »."""
    command, env = _at_suite_time(["openssl", *args], back=timedelta(days=365))
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)


@dataclass
class PKI:
    folder: Path
    ca: Path  # root CA certificate (PEM): what a verifier trusts
    tsa: Path  # TSA certificate (PEM)


TSA_EXTENSIONS = (
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
    "extendedKeyUsage=critical,timeStamping\n"
)


def _tsa_extensions(folder: Path) -> None:
    """What a TSA certificate must say: not a CA, signing only, for timestamps only."""
    (folder / "tsa.ext").write_text(TSA_EXTENSIONS)


def make_pki(folder: Path, name: str = "Test") -> PKI:
    """A self-signed root CA and a TSA certificate it issued."""
    folder.mkdir(parents=True, exist_ok=True)
    _tsa_extensions(folder)
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "3650", "-subj", f"/CN={name} Root CA/O=rdvletters tests",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
        "-subj", f"/CN={name} TSA/O=rdvletters tests",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "tsa.pem", "-days", "3650", "-extfile", "tsa.ext",
        cwd=folder,
    )  # fmt: skip
    (folder / "serial").write_text("01\n")
    return PKI(folder, folder / "ca.pem", folder / "tsa.pem")


def make_self_signed(folder: Path, name: str = "Lone") -> PKI:
    """A TSA whose certificate is its own root: no trust store holds it (FreeTSA's shape)."""
    folder.mkdir(parents=True, exist_ok=True)
    _tsa_extensions(folder)
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out",
        "tsa.pem", "-days", "3650", "-subj", f"/CN={name} TSA/O=rdvletters tests",
        "-extensions", "v3_tsa", "-config", str(_self_signed_config(folder)),
        cwd=folder,
    )  # fmt: skip
    (folder / "serial").write_text("01\n")
    return PKI(folder, folder / "tsa.pem", folder / "tsa.pem")


def _self_signed_config(folder: Path) -> Path:
    path = folder / "req.cnf"
    path.write_text("[ req ]\ndistinguished_name = dn\n[ dn ]\n[ v3_tsa ]\n" + TSA_EXTENSIONS)
    return path


def trust_store(folder: Path, *pkis: PKI) -> Path:
    """A PEM bundle of the given roots: the machine's trust store, for the tests
    (``RDVLETTERS_TRUST_STORE``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "magasin.pem"
    path.write_bytes(b"".join(p.ca.read_bytes() for p in pkis))
    return path


def settings_for(*tsas: LocalTSA, mode: str = "auto", minimum: int = 2) -> str:
    """``horodatage.yaml`` naming these local authorities (trusted through the store)."""
    lines = [f"horodatage: {mode}", f"minimum: {minimum}", "autorites:"]
    for i, tsa in enumerate(tsas, start=1):
        lines += [f"  - url: {tsa.url}", f"    nom: Autorite {chr(64 + i)}"]
    return "\n".join(lines) + "\n"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length", 0))
        query = self.rfile.read(length)
        tsa = self.server.tsa
        tsa.requests += 1
        if tsa.mode == "slow":
            time.sleep(tsa.delay)
        if tsa.mode == "other":  # a genuine token, but over another imprint
            from rfc3161_client import TimestampRequestBuilder

            query = TimestampRequestBuilder(nonce=False).data(b"autre chose").build().as_bytes()
        body = tsa.reply(query)
        if tsa.mode == "tamper":
            body = _tamper(body)
        elif tsa.mode == "garbage":
            body = b"<html>Service indisponible</html>"
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args) -> None:  # silence
        pass


class _Server(http.server.ThreadingHTTPServer):
    tsa: LocalTSA
    daemon_threads = True
    allow_reuse_address = True  # the same port again, once the authority comes back


def _tamper(token: bytes) -> bytes:
    """Change one byte of the signed TSTInfo (its genTime), keeping the DER valid."""
    index = token.find(b"\x18\x0f")  # GeneralizedTime, 15 bytes: YYYYMMDDHHMMSSZ
    if index < 0:
        index = token.find(b"\x18")
    position = index + 2 + 3  # a digit of the year
    digit = token[position]
    changed = ord("7") if digit != ord("7") else ord("6")
    return token[:position] + bytes([changed]) + token[position + 1 :]


class LocalTSA:
    """``openssl ts -reply`` behind HTTP on 127.0.0.1; use as a context manager."""

    def __init__(self, pki: PKI, with_ca_in_token: bool = False, port: int = 0) -> None:
        """``port``: a fixed one, to bring the same authority back after it went down."""
        self.pki = pki
        self.port = port
        self.mode = "ok"
        self.delay = 3.0
        self.requests = 0
        certs = f"certs = {pki.ca}" if with_ca_in_token else ""
        self.config = pki.folder / ("tsa_ca.cnf" if with_ca_in_token else "tsa.cnf")
        self.config.write_text(TSA_CONFIG.format(dir=pki.folder, certs_line=certs))

    def reply(self, query: bytes) -> bytes:
        with _SIGNING, tempfile.TemporaryDirectory() as tmp:
            req, out = Path(tmp) / "q.tsq", Path(tmp) / "r.tsr"
            req.write_bytes(query)
            command, env = _at_suite_time(
                ["openssl", "ts", "-reply", "-config", str(self.config), "-queryfile", str(req),
                 "-out", str(out)]
            )  # fmt: skip
            subprocess.run(command, env=env, check=True, capture_output=True)
            return out.read_bytes()

    def __enter__(self) -> LocalTSA:
        self.httpd = _Server(("127.0.0.1", self.port), _Handler)
        self.port = self.httpd.server_address[1]
        self.httpd.tsa = self
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/tsr"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def closed_port_url() -> str:
    """The URL of a port where nothing listens: a TSA that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsr"
