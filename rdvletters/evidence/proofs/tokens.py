"""Reading and checking one RFC 3161 timestamp token, with no hand-written ASN.1.

``rfc3161-client`` parses and verifies tokens. Its strict DER parser refuses
tokens whose certificate set is not in DER order, which is what ``openssl ts
-reply`` writes when it puts the CA next to the signer (and what some public
authorities send): those are read and checked with the ``openssl ts`` command
instead, the same check anyone can run without rdvletters.

A token is *valid* when its imprint is the expected one and its signature
chains, at the time it states, to a certificate trusted here: the one given
with the authority (``--tsa-cert``, configuration; FreeTSA's shipped root when
the person chose FreeTSA), or a root of the operating system's trust store
(``ssl.get_default_verify_paths``, Debian's ``ca-certificates.crt`` and the
like; ``RDVLETTERS_TRUST_STORE`` names another PEM bundle for tests). A token
that is signed coherently but by an authority unknown here is *unrecognised*,
not forged; one whose signature does not hold is *invalid*.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ...i18n import N_, _

# A token's status: kept as written in the journal (« verification »), said with _(status).
VALID = N_("valide")
UNRECOGNISED = N_("autorité non reconnue")
INVALID = N_("signature invalide")
WRONG_IMPRINT = N_("empreinte différente")
UNREADABLE = N_("jeton illisible")
UNCHECKED = N_("non vérifiable ici")


@dataclass
class Token:
    """What a token says, whichever parser read it."""

    gen_time: datetime  # UTC, aware
    imprint: str  # hex digest the authority signed
    hash_name: str  # sha256, sha384, sha512
    serial: str
    nonce: int | None
    certificates: list[x509.Certificate] = field(default_factory=list)
    parser: str = "rfc3161-client"


@dataclass
class Verdict:
    """The outcome of checking a token, in words a person reads."""

    status: str
    detail: str = ""
    root: x509.Certificate | None = None
    origin: str = ""  # where the trusted root came from, said in words

    @property
    def valid(self) -> bool:
        return self.status == VALID


class TokenError(ValueError):
    """The bytes are not a timestamp token that can be read."""


# --- reading ----------------------------------------------------------------
_HASH_OIDS = {
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}


def read_token(der: bytes) -> Token:
    """Parse a TimeStampResp; fall back to ``openssl ts`` for what the strict parser refuses."""
    from rfc3161_client import PKIStatus, decode_timestamp_response

    try:
        response = decode_timestamp_response(der)
    except ValueError as exc:
        if openssl() is None:
            raise TokenError(
                _("format refusé par rfc3161-client ({detail})").format(detail=_short(exc))
            ) from None
        return _read_with_openssl(der)
    if PKIStatus(response.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise TokenError(
            _("l'autorité a refusé la demande (statut {status})").format(status=response.status)
        )
    info = response.tst_info
    imprint = info.message_imprint
    certs = [x509.load_der_x509_certificate(c) for c in response.signed_data.certificates]
    return Token(
        gen_time=info.gen_time.astimezone(timezone.utc),
        imprint=imprint.message.hex(),
        hash_name=_HASH_OIDS.get(imprint.hash_algorithm.dotted_string, "inconnu"),
        serial=format(info.serial_number, "x"),
        nonce=info.nonce,
        certificates=certs,
    )


def _short(exc: BaseException) -> str:
    text = str(exc)
    kind = re.search(r"kind: (\w+)", text)
    return kind.group(1) if kind else text[:80]


@lru_cache(maxsize=1)
def openssl() -> str | None:
    return shutil.which("openssl")


def _run_openssl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [openssl() or "openssl", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
        timeout=60,
    )


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _read_with_openssl(der: bytes) -> Token:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "jeton.tsr"
        path.write_bytes(der)
        text = _run_openssl("ts", "-reply", "-in", str(path), "-text")
        if text.returncode != 0 or "Time stamp:" not in text.stdout:
            raise TokenError(_("ni rfc3161-client ni openssl ne lisent ce jeton"))
        certs = _certificates_with_openssl(path, Path(tmp))
    out = text.stdout
    if "Status: Granted" not in out:
        raise TokenError(_("l'autorité a refusé la demande"))
    when = re.search(r"Time stamp: (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)(?:\.\d+)? (\d{4}) GMT", out)
    digest = re.search(r"Message data:\n((?:\s+[0-9a-f]{4} - .*\n)+)", out)
    if not when or not digest:
        raise TokenError(_("jeton lu par openssl, mais sans date ou sans empreinte"))
    month = _MONTHS.index(when.group(1)) + 1
    gen = datetime(
        int(when.group(6)), month, int(when.group(2)), *map(int, when.group(3, 4, 5)),
        tzinfo=timezone.utc,
    )  # fmt: skip
    hex_bytes = "".join(
        "".join(line.split(" - ", 1)[1][:47].replace("-", " ").split())
        for line in digest.group(1).splitlines()
    )
    algo = re.search(r"Hash Algorithm: (\w+)", out)
    serial = re.search(r"Serial number: 0x([0-9A-Fa-f]+)", out)
    nonce = re.search(r"Nonce: 0x([0-9A-Fa-f]+)", out)
    return Token(
        gen_time=gen,
        imprint=hex_bytes,
        hash_name=algo.group(1) if algo else "inconnu",
        serial=serial.group(1).lower() if serial else "",
        nonce=int(nonce.group(1), 16) if nonce else None,
        certificates=certs,
        parser="openssl",
    )


def _certificates_with_openssl(tsr: Path, tmp: Path) -> list[x509.Certificate]:
    token = tmp / "jeton.p7"
    _run_openssl("ts", "-reply", "-in", str(tsr), "-token_out", "-out", str(token))
    printed = _run_openssl("pkcs7", "-inform", "DER", "-in", str(token), "-print_certs")
    if printed.returncode != 0 or "BEGIN CERTIFICATE" not in printed.stdout:
        return []
    return x509.load_pem_x509_certificates(printed.stdout.encode())


# --- trust ------------------------------------------------------------------
def system_anchors() -> tuple[x509.Certificate, ...]:
    """The roots of the operating system's trust store (or of ``RDVLETTERS_TRUST_STORE``).

    Never certifi's copy: a judge's expert checks against the system's store, and so
    does ``openssl ts -verify`` as the dossier explains it. Where it is, and when it
    changed, is ``tsa_settings``'s (the same store ``status`` judges tokens by)."""
    from .tsa_settings import file_state, system_store_paths

    for path in system_store_paths():
        state = file_state(path)
        if state is not None and (found := _bundle(str(path), state)):
            return found
    return ()


def store_name() -> str:
    """Where the trusted roots come from, said in words."""
    from .tsa_settings import trust_store_override

    override = trust_store_override()
    if override is not None:
        return _("magasin de certificats {path}").format(path=override)
    return _("magasin de certificats du système")


@lru_cache(maxsize=4)
def _bundle(path: str, state: tuple[int, int, int]) -> tuple[x509.Certificate, ...]:
    """The certificates of a PEM bundle, once per process and ``state`` of the file."""
    try:
        with warnings.catch_warnings():  # a few old roots have odd serial numbers
            warnings.simplefilter("ignore")
            return tuple(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    except (OSError, ValueError):
        return ()


def load_pem(path: Path) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise TokenError(
            _("{path} : certificat PEM illisible ({detail})").format(path=path, detail=_short(exc))
        ) from None


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, Exception):  # noqa: BLE001 - InvalidSignature and friends
        return False
    return True


def _leaf(certs: list[x509.Certificate]) -> x509.Certificate | None:
    """The signer: the certificate that carries the timeStamping purpose."""
    for cert in certs:
        try:
            usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            continue
        if x509.ExtendedKeyUsageOID.TIME_STAMPING in usage:
            return cert
    return None


def find_root(token: Token, anchors: list[x509.Certificate]) -> x509.Certificate | None:
    """Walk from the signer up through the token's certificates to a trusted anchor."""
    current = _leaf(token.certificates)
    if current is None:
        return None
    der = {a.public_bytes(Encoding.DER) for a in anchors}
    for _step in range(8):  # a real chain is 2 to 4 certificates long
        if current.public_bytes(Encoding.DER) in der:
            return current
        issuer = next((a for a in anchors if _issued_by(current, a)), None)
        if issuer is not None:
            return issuer
        parent = next(
            (c for c in token.certificates if c is not current and _issued_by(current, c)), None
        )
        if parent is None:
            return None
        current = parent
    return None


# --- verifying --------------------------------------------------------------
def verify(
    der: bytes,
    expected_imprint: str,
    given: list[x509.Certificate],
    given_origin: str = "",
    system: bool = True,
) -> Verdict:
    """Check a token over ``expected_imprint`` (hex).

    Trusted roots, in order: ``given`` (the authority's certificate named by the
    person), then, unless ``system`` is False (a certificate pinned for one request),
    the system's trust store.
    """
    try:
        token = read_token(der)
    except TokenError as exc:
        return Verdict(UNREADABLE, str(exc))
    if token.imprint != expected_imprint:
        return Verdict(
            WRONG_IMPRINT, _("le jeton couvre {digest}…").format(digest=token.imprint[:16])
        )
    root, origin = None, ""
    for anchors, where in (
        (given, given_origin or _("certificat donné")),
        (list(system_anchors()) if system else [], store_name()),
    ):
        root = find_root(token, anchors) if anchors else None
        if root is not None:
            origin = where
            break
    if root is None:
        return _unrecognised(der, token)
    if token.parser == "rfc3161-client":
        verdict = _verify_library(der, token, root)
    else:
        verdict = _verify_openssl(der, token, [root])
    if verdict.valid:
        verdict.root, verdict.origin = root, origin
        verdict.detail = _("racine « {name} », {origin}, empreinte {digest}").format(
            name=subject_name(root), origin=origin, digest=fingerprint(root)[:16]
        )
    return verdict


def _verify_library(der: bytes, token: Token, root: x509.Certificate) -> Verdict:
    from rfc3161_client import VerificationError, VerifierBuilder, decode_timestamp_response

    response = decode_timestamp_response(der)
    verifier = VerifierBuilder().add_root_certificate(root).build()
    try:
        verifier.verify(response, bytes.fromhex(token.imprint))
    except VerificationError as exc:
        return Verdict(INVALID, _short(exc))
    return Verdict(VALID, "rfc3161-client")


def _verify_openssl(der: bytes, token: Token, trusted: list[x509.Certificate], partial=False):
    if openssl() is None:
        return Verdict(UNCHECKED, _("la commande openssl est absente"))
    with tempfile.TemporaryDirectory() as tmp:
        tsr, ca = Path(tmp) / "jeton.tsr", Path(tmp) / "ca.pem"
        tsr.write_bytes(der)
        ca.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in trusted))
        args = ["ts", "-verify", "-in", str(tsr), "-digest", token.imprint, "-CAfile", str(ca)]
        args += ["-attime", str(int(token.gen_time.timestamp()))]
        if partial:
            args.append("-partial_chain")
        result = _run_openssl(*args)
    if "Verification: OK" in result.stdout:
        return Verdict(VALID, "openssl ts -verify")
    reason = re.search(r":([a-z ]+):\.\./", result.stderr) or re.search(
        r"error:[^:]*:[^:]*:([^:]+)", result.stderr
    )
    return Verdict(INVALID, reason.group(1).strip() if reason else _("openssl ts -verify a échoué"))


def _unrecognised(der: bytes, token: Token) -> Verdict:
    """No trusted root: is the token at least coherent with its own certificates?"""
    if not token.certificates:
        return Verdict(UNRECOGNISED, _("le jeton ne contient pas le certificat de l'autorité"))
    coherent = _verify_openssl(der, token, token.certificates, partial=True)
    if coherent.status == INVALID:
        return coherent
    return Verdict(UNRECOGNISED, subject_name(_leaf(token.certificates) or token.certificates[0]))


def subject_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


def pem(certs: list[x509.Certificate]) -> bytes:
    return b"".join(c.public_bytes(Encoding.PEM) for c in certs)
