"""Which journaled timestamp tokens count, for every figure (``status``, the dossier…).

A token's ``verification`` was written when it was received; the journal is in the
case folder, which is untrusted input. So a token counts only when its root
(``racine_sha256``) agrees with the roots trusted here, as ``verify`` would find:

- ``valide``: counted, unless its root is one only the case folder holds (its
  ``horodatage/racines/``, a certificate its own ``horodatage.yaml`` names) and the
  person does not trust it (a hand-written « valide » under a forged root);
- ``autorité non reconnue`` (kept at request time because only the case's own
  settings named its root): counted once the person trusts that root (copied into
  their ``racines/``), as ``verify`` then does.

Nothing is read unless a token asks: the case's roots, then the person's and the
system's, each once per reading of the journal. The signature itself is checked
by ``verify`` only (``stampcheck``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ...case import Case
from ...facts import TRUSTED, UNVOUCHED


def _fingerprints(certs: Iterable) -> set[str]:
    from .tokens import fingerprint

    return {fingerprint(c) for c in certs}


def held_by_case(case: Case) -> set[str]:
    """Fingerprints of the roots only the case folder holds or names."""
    from .tsa_settings import case_held_roots

    return _fingerprints(c for __, roots in case_held_roots(case) for c in roots)


def vouched(case: Case) -> set[str]:
    """Fingerprints of the roots trusted here: the person's, those ``verify`` takes from
    the settings (shipped roots, the user's own settings) and the system's store."""
    from .stampcheck import configured_roots
    from .tokens import system_anchors

    trusted = [c for roots in configured_roots(case).values() for c in roots]
    return _fingerprints([*trusted, *system_anchors()])


def judge(case: Case) -> Callable[[dict[str, Any]], bool]:
    """The test a token entry's data must pass to count, for one reading of the journal."""
    known: dict[str, set[str]] = {}

    def roots(kind: str) -> set[str]:
        if kind not in known:
            known[kind] = held_by_case(case) if kind == "held" else vouched(case)
        return known[kind]

    def counts(data: dict[str, Any]) -> bool:
        status, root = data.get("verification"), data.get("racine_sha256")
        if status == TRUSTED:
            return not root or root not in roots("held") or root in roots("vouched")
        return status == UNVOUCHED and bool(root) and root in roots("vouched")

    return counts
