"""Which journaled timestamp tokens count, for every figure (``status``, the dossier…).

A token's ``verification`` was written when it was received; the journal is in the
case folder, which is untrusted input, and trust changes: a root can be removed from
the system's store after it signed. So a token counts only when its root
(``racine_sha256``) is among the roots trusted here now, where ``verify`` looks for
it (``stampcheck``): the person's own ``racines/``, the certificate the settings name
for its authority (the user's settings, or a root shipped with rdvletters; never one
only the case folder holds or names), and the system's store. That holds for a token
journaled ``valide`` and for one kept as ``autorité non reconnue`` (its root named
only by the case's settings), which counts once the person trusts that root.

Nothing is read unless a token asks, and then without the X.509 library: the roots'
fingerprints, the system store's once per process and state of its file
(``tsa_settings.system_fingerprints``). The signature itself is checked by ``verify``
only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...case import Case
from ...stampcount import TRUSTED, UNVOUCHED


class _Roots:
    """The roots trusted here, read once per reading of the journal, when first asked."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self._common: set[str] | None = None
        self._by_url: dict[str, set[str]] | None = None

    def trusted(self, root: str, url: str) -> bool:
        """Whether ``root`` is trusted for a token of the authority at ``url``, as
        ``verify`` finds it: the person's roots and the system's store for every
        authority, a settings' certificate for its own."""
        from .tsa_settings import (
            configured_fingerprints,
            system_fingerprints,
            user_root_fingerprints,
        )

        if self._common is None:
            self._common = user_root_fingerprints() | system_fingerprints()
        if root in self._common:
            return True
        if self._by_url is None:
            self._by_url = configured_fingerprints(self.case)
        return root in self._by_url.get(url, set())


def judge(case: Case) -> Callable[[dict[str, Any]], bool]:
    """The test a token entry's data must pass to count, for one reading of the journal
    (the settings' module is loaded only when a token asks: a journal without any
    timestamp, the usual case, needs none of it)."""
    roots = _Roots(case)

    def counts(data: dict[str, Any]) -> bool:
        status, root = data.get("verification"), data.get("racine_sha256")
        if status not in (TRUSTED, UNVOUCHED):
            return False
        if not root:  # journaled without its root (never by rdvletters): as written
            return status == TRUSTED
        return roots.trusted(str(root), str(data.get("tsa")))

    return counts
