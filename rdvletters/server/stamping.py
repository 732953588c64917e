"""Timestamping a case's journal as soon as a proof arrives.

``stamp`` is the server's one call into the library's timestamping: the library's
``drain_queue(case, budget)``, which asks the authorities still missing for the
journal's last entry (at least two independent ones when two are configured) and
keeps in the case's queue whatever did not answer. The server's authorities
(``[timestamp]`` in its configuration) are written into the case's own
``horodatage.yaml`` (``horodatage: auto``); their roots are kept in the server user's
configuration folder, which ``verify`` trusts, with a copy in the case for reference
(``remember_root``): an exported case is not trusted for the roots it holds, whoever
receives it compares their fingerprints and trusts them in their own configuration. When
something
still waits, the server keeps the case in ``stamp_pending`` (no personal data: the
case id and a date), so the next request that opens the case tries again.
"""

from __future__ import annotations

from ..case import Case
from ..errors import RdvError
from ..evidence.proofs import timestamp, tsa_queue
from ..evidence.proofs.autostamp import CONFIG_NAME
from ..evidence.proofs.tsa_settings import remember_root
from ..fsutil import read_small, replace_file
from .config import ServerConfig

BUDGET = 10.0  # seconds: the worker thread waits, not the person


def _settings_text(case: Case, config: ServerConfig) -> str:
    lines = [
        "# Écrit par le serveur de l'association (rdvletters serve) : ses autorités.",
        "horodatage: auto",
        f"delai_secondes: {max(1, min(120, round(config.timestamp_timeout)))}",
        f"minimum: {min(2, len(config.authorities))}",
        "autorites:",
    ]
    for authority in config.authorities:
        lines += [f'  - url: "{authority.url}"', f'    nom: "{authority.name}"']
        if authority.certificate is not None:
            kept = remember_root(case, authority.certificate).relative_to(case.root)
            lines.append(f'    certificat: "{kept.as_posix()}"')
    return "\n".join(lines) + "\n"


def _settle(case: Case, config: ServerConfig) -> None:
    """The case's settings are the server's (written only when they differ)."""
    path = case.root / CONFIG_NAME
    text = _settings_text(case, config)
    if not path.exists() or read_small(path).decode("utf-8", "replace") != text:
        replace_file(path, text.encode("utf-8"))


def stamp(case: Case, config: ServerConfig) -> bool:
    """Timestamp what waits; True when nothing waits any more."""
    if not config.authorities or not case.journal.path.exists():
        return False
    try:
        _settle(case, config)
        timestamp.drain_queue(case, BUDGET)
    except (RdvError, OSError):
        return False
    return tsa_queue.read_queue(case) is None
