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
from .i18n import N_, _

# errno -> (what happened, what to do), French msgids translated when the error is made
REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: (
        N_("plus de place sur le disque"),
        N_("Libérez de la place, puis relancez ; rdvletters verify dit si le journal est intact."),
    ),
    errno.EDQUOT: (
        N_("quota de disque dépassé"),
        N_("Libérez de la place, puis relancez ; rdvletters verify dit si le journal est intact."),
    ),
    errno.EROFS: (
        N_("le disque est en lecture seule"),
        N_("Copiez le dossier sur un disque où vous pouvez écrire (clé USB protégée ?)."),
    ),
    errno.EACCES: (
        N_("permission refusée"),
        N_(
            "Vérifiez que ce fichier ou ce dossier vous appartient et n'est pas protégé en "
            "écriture."
        ),
    ),
    errno.EPERM: (
        N_("opération non permise"),
        N_(
            "Vérifiez que ce fichier ou ce dossier vous appartient et n'est pas protégé en "
            "écriture."
        ),
    ),
    errno.EISDIR: (
        N_("c'est un dossier, pas un fichier"),
        N_("Un fichier est attendu à cet endroit : renommez ou déplacez ce dossier."),
    ),
    errno.ENOTDIR: (
        N_("un élément du chemin est un fichier, pas un dossier"),
        N_("Renommez ou déplacez ce fichier, ou choisissez un autre chemin."),
    ),
    errno.EEXIST: (
        N_("existe déjà"),
        N_("Renommez ou déplacez ce qui occupe ce nom, puis recommencez."),
    ),
    errno.ENOENT: (N_("introuvable"), N_("Vérifiez le chemin.")),
    errno.ENAMETOOLONG: (N_("nom de fichier trop long"), N_("Choisissez un chemin plus court.")),
    errno.EFBIG: (
        N_("fichier trop gros pour le disque ou pour la limite fixée par le système"),
        N_("Libérez de la place, puis relancez ; rdvletters verify dit si le journal est intact."),
    ),
    errno.EIO: (
        N_("erreur de lecture ou d'écriture du disque"),
        N_("Le disque est peut-être abîmé ou débranché : copiez le dossier ailleurs."),
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
    reason = REASONS.get(exc.errno or 0)
    if reason is not None:
        what, todo = _(reason[0]), _(reason[1])
    else:  # the system's own words (in the system's language)
        what, todo = exc.strerror or type(exc).__name__, ""
    name = exc.filename if isinstance(exc.filename, str) else None
    if name is None and isinstance(exc.filename, bytes):
        name = exc.filename.decode("utf-8", "replace")
    if name is None:
        if root is not None:
            message = _("dans {folder} : {what}.").format(folder=shown(str(root)), what=what)
        else:
            message = _("écriture ou lecture : {what}.").format(what=what)
        return CaseError(message, hint=todo or None)
    path = Path(name)
    message = _("{path} : {what}.").format(path=shown(name), what=what)
    if journal is not None and path.absolute() == journal.absolute():
        return JournalError(message, hint=todo or None)
    if root is not None and _inside(path, root):
        return CaseError(message, hint=todo or None)
    return InputError(message, hint=todo or None)
