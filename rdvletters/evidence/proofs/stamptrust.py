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

from collections.abc import Callable
from typing import Any

from ...case import Case
from ...stampcount import TRUSTED, UNVOUCHED


def held_by_case(case: Case) -> set[str]:
    """Fingerprints of the roots only the case folder holds or names (nothing is read
    when it has neither ``horodatage/racines/`` nor settings of its own)."""
    from .autostamp import CONFIG_NAME
    from .tsa_settings import ROOTS_FOLDER, case_held_fingerprints

    if not (case.root / ROOTS_FOLDER).is_dir() and not (case.root / CONFIG_NAME).exists():
        return set()
    return case_held_fingerprints(case)


def vouched(case: Case) -> set[str]:
    """Fingerprints of the roots trusted here: those ``verify`` takes from the settings
    (shipped roots, the user's own settings, the person's ``racines/``) and the system's
    store. Loads the X.509 library and the store: asked only when the person's own
    ``racines/`` (``user_root_fingerprints``, read without them) did not answer."""
    from .stampcheck import configured_roots
    from .tokens import fingerprint, system_anchors

    trusted = [c for roots in configured_roots(case).values() for c in roots]
    return {fingerprint(c) for c in [*trusted, *system_anchors()]}


def _persons(case: Case) -> set[str]:
    """Fingerprints of the roots in the person's own ``racines/``."""
    from .tsa_settings import user_root_fingerprints

    return user_root_fingerprints()


def judge(case: Case) -> Callable[[dict[str, Any]], bool]:
    """The test a token entry's data must pass to count, for one reading of the journal
    (the settings' module is loaded only when a token asks: a journal without any
    timestamp, the usual case, needs none of it)."""
    known: dict[str, set[str]] = {}
    sources = {"held": held_by_case, "person": _persons, "all": vouched}

    def roots(kind: str) -> set[str]:
        if kind not in known:
            known[kind] = sources[kind](case)
        return known[kind]

    def trusted_here(root: str) -> bool:
        return root in roots("person") or root in roots("all")

    def counts(data: dict[str, Any]) -> bool:
        status, root = data.get("verification"), data.get("racine_sha256")
        if status == TRUSTED:
            return not root or root not in roots("held") or trusted_here(str(root))
        return status == UNVOUCHED and bool(root) and trusted_here(str(root))

    return counts
