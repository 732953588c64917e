"""Which timestamping authorities to ask, how many, and whether to ask on every step.

Settings live in ``horodatage.yaml`` (the case folder first, then the user's folder; a
certificate the case's own file names is trusted only if the user trusts it too, see
``Authority.case_named``)::

    horodatage: auto          # auto: every entry, as soon as it is written; manuel: on demand
    delai_secondes: 10        # per authority, for « rdvletters timestamp »
    minimum: 2                # independent authorities per entry
    autorites:                # in order of preference; by default DEFAULT_AUTHORITIES
      - url: https://tsa.association.example/tsr
        nom: Mon association
        certificat: ca-association.pem   # a root to trust for this authority only

The question is asked once (``init``, the web app's profile, the association
server) and ``set_automatic`` writes the answer. A token counts only when its
signer's certificate chains to a trusted root: the system's trust store (the
operating system's bundle, never a copy shipped inside a Python package), or the
certificate named for that authority (when the case's own ``horodatage.yaml`` names
it, only if the person trusts it too: their ``racines/``). FreeTSA's root is self-signed and held by
no system store: it is trusted only when the person lists FreeTSA themselves.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import os
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from ...case import Case
from ...casepaths import inside
from ...errors import InputError, RdvError
from ...fsutil import private_dir, replace_file
from ...i18n import N_, _
from ...records import Between, matching
from ...validation import OptText, StrictModel, validate_located
from ...yamlload import load_yaml
from .autostamp import CONFIG_NAME, config_paths

ANCHOR_DIR = Path(__file__).with_name("anchors")
TRUST_STORE_ENV = "RDVLETTERS_TRUST_STORE"  # a PEM bundle standing for the system's store


@dataclass(frozen=True)
class Authority:
    url: str
    name: str
    certificate: Path | None = None  # a root trusted for this authority's tokens only
    # named by the case's own horodatage.yaml: a case folder is no authority, so its
    # tokens count only if the person trusts that root too (their ``racines/``)
    case_named: bool = False


FREETSA_URL = "https://freetsa.org/tsr"
FREETSA_ROOT = ANCHOR_DIR / "freetsa-root-ca.pem"

# CA-chained authorities, free of charge: the default list of Bellingcat's auto-archiver
# (src/auto_archiver/modules/timestamping_enricher/__manifest__.py), which leaves out the
# self-signed ones such as FreeTSA. Their tokens are checked against the system's store.
DEFAULT_AUTHORITIES = (
    Authority("http://zeitstempel.dfn.de", "DFN"),
    Authority("http://tsa.lex-persona.com/tsa", "Lex Persona"),
    Authority("http://timestamp.identrust.com", "IdenTrust"),
    Authority("http://ts.ssl.com", "SSL.com"),
)


class AutoriteConfig(StrictModel):
    url: Annotated[
        str,
        matching(r"^https?://\S+$", N_("adresse attendue, commençant par http:// ou https://")),
    ]
    nom: OptText = None
    certificat: OptText = None


class TimestampConfig(StrictModel):
    """``horodatage.yaml``."""

    horodatage: Literal["auto", "manuel"] = "manuel"
    delai_secondes: Annotated[int, Between(1, 120)] = 10
    minimum: Annotated[int, Between(1, 5)] = 2
    autorites: list[AutoriteConfig] = []


@dataclass
class Settings:
    automatic: bool = False
    timeout: float = 10.0
    authorities: tuple[Authority, ...] = DEFAULT_AUTHORITIES
    minimum: int = 2
    source: Path | None = None

    @property
    def needed(self) -> int:
        """Authorities to obtain per entry: the minimum, or all there are if fewer."""
        return min(self.minimum, len(self.authorities))


def authority(url: str, name: str | None = None, certificate: Path | None = None) -> Authority:
    """One authority; FreeTSA, listed by the person, comes with its shipped root."""
    if certificate is None and url.rstrip("/") == FREETSA_URL:
        certificate = FREETSA_ROOT
    return Authority(url, name or urlsplit(url).hostname or url, certificate)


def load_settings(case: Case) -> Settings:
    """The case's settings, else the user's, else the defaults (manual, CA-chained TSAs)."""
    for path in config_paths(case):
        if path.exists():
            located = load_yaml(path, follow=path != case.root / CONFIG_NAME)  # the case's: no link
            config = validate_located(TimestampConfig, located, path)
            authorities = tuple(
                _named(a, path, from_case=path == case.root / CONFIG_NAME) for a in config.autorites
            )
            return Settings(
                config.horodatage == "auto",
                float(config.delai_secondes),
                authorities or DEFAULT_AUTHORITIES,
                config.minimum,
                path,
            )
    return Settings()


def _named(config: AutoriteConfig, path: Path, from_case: bool) -> Authority:
    """One authority of a settings file; a certificate the case's own file names (other
    than a root shipped with rdvletters) is marked ``case_named``."""
    found = authority(
        config.url, config.nom, _config_file(path, config.certificat) if config.certificat else None
    )
    if from_case and found.certificate is not None and not package_root(found.certificate):
        return replace(found, case_named=True)
    return found


def _config_file(config: Path, name: str) -> Path:
    path = Path(name).expanduser()
    path = path if path.is_absolute() else config.parent / path
    if not path.is_file():
        raise InputError(
            _("{path}, champ « {field} » : {message}").format(
                path=config,
                field="certificat",
                message=_("fichier {file} introuvable.").format(file=path),
            )
        )
    return path


def set_automatic(case: Case, automatic: bool) -> Path:
    """Record the person's answer to « timestamp every step? » in the case's settings.

    The one call for ``init``, the web app's profile and the association server. An
    existing ``horodatage.yaml`` keeps its other lines (authorities chosen by hand);
    only the ``horodatage:`` line changes."""
    path = case.root / CONFIG_NAME
    value = "auto" if automatic else "manuel"
    if path.exists():
        from ...fsutil import read_small

        lines = read_small(path, follow=False).decode("utf-8").splitlines()
        kept = [line for line in lines if not line.startswith("horodatage:")]
        text = "\n".join([f"horodatage: {value}", *kept]) + "\n"
    else:
        text = SETTINGS_TEMPLATE.format(value=value)
    private_dir(case.root)
    replace_file(path, text.encode("utf-8"))
    return path


# Written in French like the profile: the person may open it.
SETTINGS_TEMPLATE = """\
# auto : chaque entrée datée par deux autorités indépendantes ; manuel : sur demande
horodatage: {value}
# Seule l'empreinte (SHA-256) du journal est envoyée, jamais son contenu.
# Autorités par défaut : DFN, Lex Persona, IdenTrust, SSL.com (voir le README).
# Pour en choisir d'autres :
# autorites:
#   - url: https://tsa.association.example/tsr
#     nom: Mon association
#     certificat: ca-association.pem
# Un certificat nommé ici ne vaut que s'il est aussi dans le dossier racines/ de votre
# configuration (~/.config/rdvletters/racines/) : un dossier ne fait pas autorité.
"""


ROOTS_FOLDER = "horodatage/racines"  # a copy kept with the case, for reference only
USER_ROOTS = "racines"  # in the user's configuration folder: the roots ``verify`` trusts


def user_roots_folder() -> Path:
    """Where the roots the person designated are kept and trusted: the user's own
    configuration folder, outside every case (a case folder is untrusted input)."""
    from platformdirs import user_config_dir  # see autostamp.config_paths

    return Path(user_config_dir("rdvletters")) / USER_ROOTS


def remember_root(case: Case, certificate: Path) -> Path:
    """Keep a root the person designated (``timestamp --tsa-cert``, the association
    server's configuration) in the user's configuration folder, which ``verify`` trusts,
    and a copy in the case (``horodatage/racines/``) so that whoever receives the case
    can compare its fingerprint with the one the authority publishes; that copy is never
    trusted. Returns the case's copy."""
    from ...fsutil import read_small
    from . import tokens

    data = read_small(certificate)
    roots = tokens.load_pem(certificate)
    digest = tokens.fingerprint(roots[0]) if roots else "racine"
    _keep(private_dir(user_roots_folder()), digest, data)
    return _keep(private_dir(case.root / ROOTS_FOLDER), digest, data)


def _keep(folder: Path, digest: str, data: bytes) -> Path:
    from ...fsutil import write_unique

    existing = folder / f"{digest[:16]}.pem"
    if existing.exists():
        return existing
    return write_unique(folder, digest[:16], ".pem", data)


def _small_file(path: Path) -> bytes | None:
    """A small regular file's bytes (never a link, a FIFO nor a huge file put in a case to
    make ``verify`` wait); None when unreadable."""
    from ...casepaths import read_small

    try:
        return read_small(path, follow=False)
    except (RdvError, OSError):
        return None


def _pem_file(path: Path) -> list:
    """The certificates of a small regular file; [] when unreadable."""
    from cryptography import x509

    data = _small_file(path)
    try:
        return x509.load_pem_x509_certificates(data) if data else []
    except ValueError:
        return []


_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*)-----END CERTIFICATE-----")


def pem_fingerprints(path: Path) -> set[str]:
    """SHA-256 of each certificate's DER in a PEM file (``tokens.fingerprint``), read
    without loading the X.509 library: what ``status`` compares a token's root with."""
    return _fingerprints(_small_file(path) or b"")


def _fingerprints(data: bytes) -> set[str]:
    found = set()
    for block in _PEM_BLOCK.findall(data):
        with contextlib.suppress(ValueError):
            found.add(hashlib.sha256(base64.b64decode(b"".join(block.split()))).hexdigest())
    return found


def _pem_paths(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(folder.glob("*.pem"))


def _roots_in(folder: Path | None) -> list:
    return [root for path in _pem_paths(folder) for root in _pem_file(path)]


def user_roots() -> list:
    """The roots the person designated, from their configuration folder: trusted."""
    return _roots_in(user_roots_folder())


def user_root_fingerprints() -> set[str]:
    """``user_roots``, as fingerprints."""
    return {d for path in _pem_paths(user_roots_folder()) for d in pem_fingerprints(path)}


def _held_files(case: Case) -> list[tuple[str, Path]]:
    """The files of roots that only the case folder names: its ``horodatage/racines/`` and
    the certificates its own ``horodatage.yaml`` lists. (case-relative name, path)"""
    folder = inside(case.root, ROOTS_FOLDER)  # a link to a folder of roots: not followed
    held = [(f"{ROOTS_FOLDER}/{path.name}", path) for path in _pem_paths(folder)]
    try:
        settings = load_settings(case)
    except RdvError:
        return held
    if settings.source == case.root / CONFIG_NAME:
        for authority in settings.authorities:
            cert = authority.certificate
            if cert is not None and not package_root(cert):
                name = cert.relative_to(case.root) if cert.is_relative_to(case.root) else cert
                held.append((str(name), cert))
    return held


def case_held_roots(case: Case) -> list[tuple[str, list]]:
    """Roots that only the case folder names: never trusted, only looked at to say why a
    token that verifies with one of them is not counted. (case-relative name, roots)"""
    return [(name, roots) for name, path in _held_files(case) if (roots := _pem_file(path))]


def trusted_certificates(case: Case) -> dict[str, Path]:
    """Authority URL -> the certificate its settings name, when it is trusted: named by
    the user's own settings, or a root shipped with rdvletters (never one only the case's
    own ``horodatage.yaml`` names: ``Authority.case_named``)."""
    try:
        settings = load_settings(case)
    except RdvError:
        return {}
    return {
        a.url: a.certificate
        for a in settings.authorities
        if a.certificate is not None and not a.case_named
    }


def configured_fingerprints(case: Case) -> dict[str, set[str]]:
    """``trusted_certificates``, as fingerprints per authority URL (no X.509 library)."""
    named = trusted_certificates(case)
    return {url: _fingerprints(_user_file(path)) for url, path in named.items()}


def _user_file(path: Path) -> bytes:
    """A certificate the user's settings name (a link is followed, as ``tokens.load_pem``
    does: the user's own configuration, not a case folder); b"" when unreadable."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def package_root(path: Path) -> bool:
    """A root shipped with rdvletters (FreeTSA's, for whoever lists FreeTSA)."""
    try:
        return path.resolve().parent == ANCHOR_DIR.resolve()
    except OSError:
        return False


def trust_store_override() -> Path | None:
    """The PEM bundle that stands for the system's store (tests, closed networks)."""
    value = os.environ.get(TRUST_STORE_ENV)
    return Path(value) if value else None


# the system's trust store, where ``openssl`` and Python look for it (``tokens``)
SYSTEM_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
)


def system_store_paths() -> list[Path]:
    """Where the system's trust store may be, in order (``RDVLETTERS_TRUST_STORE`` alone
    when set): the first of them that holds certificates is the store."""
    override = trust_store_override()
    if override is not None:
        return [override]
    import ssl  # only when a token is judged or checked

    paths = ssl.get_default_verify_paths()
    candidates = [os.environ.get("SSL_CERT_FILE"), paths.cafile, paths.openssl_cafile]
    return [Path(c) for c in [*candidates, *SYSTEM_BUNDLES] if c]


def file_state(path: Path) -> tuple[int, int, int] | None:
    """(inode, size, modification time) of a file, following links; None when it is not a
    regular file. Caches of the store are kept per state: a root removed from the store
    is seen at once, even by the web app, which runs for days."""
    try:
        found = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


def system_fingerprints() -> frozenset[str]:
    """Fingerprints of the roots of the system's trust store (``tokens.system_anchors``),
    read without the X.509 library; read once per process and state of the file."""
    for path in system_store_paths():
        state = file_state(path)
        if state is not None and (found := _store_fingerprints(str(path), state)):
            return found
    return frozenset()


@functools.lru_cache(maxsize=4)
def _store_fingerprints(path: str, state: tuple[int, int, int]) -> frozenset[str]:
    try:
        return frozenset(_fingerprints(Path(path).read_bytes()))
    except OSError:
        return frozenset()
