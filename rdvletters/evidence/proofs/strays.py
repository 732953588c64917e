"""The files of a case that no journal entry names.

A ``record`` killed between copying a proof and writing its entry leaves a copy in
``pieces/`` that nothing vouches for; a person may also put a file there by hand. Such
files are not deleted (they may be the person's): ``verify`` names them, and says that
it does not check them. The profile's own urgency files are named there, not here.
"""

from __future__ import annotations

import re

from ...case import Case
from ...casepaths import read_small
from ...errors import RdvError
from ...i18n import ngettext

UNNAMED_FOLDERS = ("pieces", "documents")
LISTED_FILES = 20
_JUSTIFICATIF = re.compile(r"^\s*justificatif:\s*[\"']?([^\"'#\r\n]+)", re.M)


def unnamed(case: Case, named: set[str]) -> list[str]:
    """A note on the files of ``pieces/`` and ``documents/`` that no entry names (a copy
    left by a command killed before its entry was written, or a file put there by hand):
    they are not checked. The profile's own urgency files are named there, not here."""
    try:
        profile = read_small(case.profile_path, follow=False).decode("utf-8", "replace")
    except (RdvError, OSError):
        profile = ""
    known = named | {m.strip() for m in _JUSTIFICATIF.findall(profile)}
    found = []
    for folder in UNNAMED_FOLDERS:
        base = case.root / folder
        if base.is_symlink() or not base.is_dir():
            continue
        found += [
            f"{folder}/{p.name}"
            for p in sorted(base.iterdir())
            if f"{folder}/{p.name}" not in known and not p.is_dir()
        ]
    if not found:
        return []
    shown = ", ".join(found[:LISTED_FILES]) + ("…" if len(found) > LISTED_FILES else "")
    return [
        ngettext(
            "{count} fichier que le journal ne nomme pas, donc non vérifié : {files} (copie "
            "laissée par une commande interrompue, ou ajouté à la main).",
            "{count} fichiers que le journal ne nomme pas, donc non vérifiés : {files} "
            "(copies laissées par une commande interrompue, ou ajoutés à la main).",
            len(found),
        ).format(count=len(found), files=shown)
    ]
