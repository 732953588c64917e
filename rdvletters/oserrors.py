"""A file-system failure said as what it is, where, and what to do.

A full disk, a read-only USB key, a folder where a file should be, a permission
refused: none of them is a bug of the program, so none should end as « erreur
inattendue » (exit 70). ``from_os_error`` turns an ``OSError`` into the error of
the part of the case it touched: the journal (exit 4), the case folder (exit 3),
or a file the person named on the command line (exit 2).
"""

from __future__ import annotations

import errno
from pathlib import Path

from .errors import CaseError, InputError, JournalError, RdvError

# errno -> (what happened, what to do)
REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: (
        "plus de place sur le disque",
        "Libérez de la place, puis relancez ; rdvletters verify dit si le journal est intact.",
    ),
    errno.EDQUOT: (
        "quota de disque dépassé",
        "Libérez de la place, puis relancez ; rdvletters verify dit si le journal est intact.",
    ),
    errno.EROFS: (
        "le disque est en lecture seule",
        "Copiez le dossier sur un disque où vous pouvez écrire (clé USB protégée ?).",
    ),
    errno.EACCES: (
        "permission refusée",
        "Vérifiez que ce fichier ou ce dossier vous appartient et n'est pas protégé en écriture.",
    ),
    errno.EPERM: (
        "opération non permise",
        "Vérifiez que ce fichier ou ce dossier vous appartient et n'est pas protégé en écriture.",
    ),
    errno.EISDIR: (
        "c'est un dossier, pas un fichier",
        "Un fichier est attendu à cet endroit : renommez ou déplacez ce dossier.",
    ),
    errno.ENOTDIR: (
        "un élément du chemin est un fichier, pas un dossier",
        "Renommez ou déplacez ce fichier, ou choisissez un autre chemin.",
    ),
    errno.EEXIST: (
        "existe déjà",
        "Renommez ou déplacez ce qui occupe ce nom, puis recommencez.",
    ),
    errno.ENOENT: ("introuvable", "Vérifiez le chemin."),
    errno.ENAMETOOLONG: ("nom de fichier trop long", "Choisissez un chemin plus court."),
    errno.EIO: (
        "erreur de lecture ou d'écriture du disque",
        "Le disque est peut-être abîmé ou débranché : copiez le dossier ailleurs.",
    ),
}


def shown(text: str, limit: int = 200) -> str:
    """A path as it may be printed: invisible characters as ``?``, bounded in length."""
    out = "".join(c if c.isprintable() else "?" for c in text)
    return out if len(out) <= limit else "…" + out[-limit:]


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.absolute().relative_to(folder.absolute())
    except ValueError:
        return False
    return True


def from_os_error(exc: OSError, root: Path | None = None, journal: Path | None = None) -> RdvError:
    """The ``RdvError`` for ``exc``; ``root`` and ``journal`` are the case folder and its
    journal, to tell which part of the case the failure touched."""
    what, todo = REASONS.get(exc.errno or 0, (exc.strerror or type(exc).__name__, ""))
    name = exc.filename if isinstance(exc.filename, str) else None
    if name is None and isinstance(exc.filename, bytes):
        name = exc.filename.decode("utf-8", "replace")
    if name is None:
        where = f"dans {shown(str(root))}" if root is not None else "écriture ou lecture"
        return CaseError(f"{where} : {what}.", hint=todo or None)
    path = Path(name)
    message = f"{shown(name)} : {what}."
    if journal is not None and path.absolute() == journal.absolute():
        return JournalError(message, hint=todo or None)
    if root is not None and _inside(path, root):
        return CaseError(message, hint=todo or None)
    return InputError(message, hint=todo or None)
