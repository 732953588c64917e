"""The end of a case: archived (out of the caseload, kept) or erased on request.

An archived case keeps every file where it is; a small mark (``archive.json``) takes it
out of a volunteer's list until it is brought back. Erasing removes the whole folder,
after the caller has had the person's name confirmed: nothing of it is kept here (a
copy exported before, or a backup, is the person's or the association's to delete).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import datetime
from pathlib import Path

from .case import JOURNAL, PROFILE, Case
from .errors import CaseError
from .fsutil import write_new
from .i18n import _

MARK = "archive.json"


def is_archived(root: Path) -> bool:
    return (root / MARK).is_file()


def archive(case: Case, now: datetime) -> Path:
    """Take the case out of the caseload; its files stay as they are."""
    _require(case)
    if is_archived(case.root):
        raise CaseError(_("Le dossier {folder} est déjà archivé.").format(folder=case.root))
    data = {"archive_le": now.isoformat(timespec="seconds")}
    return write_new(case.root / MARK, json.dumps(data).encode("utf-8"))


def unarchive(case: Case) -> None:
    """Bring an archived case back into the caseload."""
    if not is_archived(case.root):
        raise CaseError(_("Le dossier {folder} n'est pas archivé.").format(folder=case.root))
    (case.root / MARK).unlink()


def erase(case: Case) -> None:
    """Remove the case folder and everything in it. Refused for anything that is not a
    case folder (no profile and no journal), or a link to one: only the folder itself
    is ever removed."""
    _require(case)
    info = os.lstat(case.root)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise CaseError(
            _("{folder} n'est pas un dossier : rien n'est effacé.").format(folder=case.root)
        )
    shutil.rmtree(case.root)


def _require(case: Case) -> None:
    if not (case.root / PROFILE).is_file() and not (case.root / JOURNAL).is_file():
        raise CaseError(
            _("{folder} n'est pas le dossier d'une personne (ni profil, ni journal).").format(
                folder=case.root
            )
        )
