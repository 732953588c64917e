"""What a case folder can make rdvletters read, and how.

A case folder travels (a USB key, an e-mail to a volunteer), so every file in it is
untrusted input. Each one is read:

- through a path confined to the folder (``inside``): relative, without ``..``, and with
  no component that is a symbolic link. A journal naming ``/home/x/.ssh/id_rsa`` or
  ``pieces/../../x``, or a ``pieces/`` that links elsewhere, would otherwise make
  ``verify`` say whether any file of the user has a given hash;
- as a regular file, opened without blocking and checked before anything is read (a
  FIFO would wait forever, ``/dev/zero`` never end), without following a link where the
  case's own file is expected (``follow=False``: ``O_NOFOLLOW``);
- within a size bound fit for its kind (a 3 GB ``.tsr`` is no timestamp token).

Paths the person types (``--proof``, ``-o``, their own settings folder) are followed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .errors import InputError
from .i18n import _

# Windows opens with os.open in text mode unless told otherwise, and would write every
# "\n" as "\r\n": proof copies and the journal's hashed lines must stay byte for byte.
BINARY = getattr(os, "O_BINARY", 0)
O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX: opening a FIFO does not wait
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX: a link as the last component fails (ELOOP)

# Size bounds, by kind of file.
SMALL_FILE = 256 * 1024  # profiles, settings, templates: the commented profile is ~6 KB
TOKEN = 1024**2  # a timestamp token or a certificate file: a few KB
STATE = 1024**2  # the timestamp queue, the capture counter
INVENTORY = 16 * 1024**2  # a dossier's inventory: a line per piece
PIECE = 1024**3  # a proof or a document: a scanned PDF, a long e-mail with attachments


class SpecialFileError(OSError):
    """A FIFO, a device or a socket where a regular file was expected."""


class LinkError(SpecialFileError):
    """A symbolic link where a case's own file was expected."""


class TooBigError(OSError):
    """A file larger than any file of its kind (``size``: as much as was seen)."""

    size = 0


def inside(root: Path, relative: str) -> Path | None:
    """``root/relative`` if it names a place inside ``root`` without leaving it: not
    absolute, no ``..``, no component that is a symbolic link (checked one by one, so a
    link loop is refused too). None otherwise. ``root`` itself is the person's choice."""
    candidate = PurePosixPath(relative.replace("\\", "/"))
    if not relative or candidate.is_absolute() or ".." in candidate.parts:
        return None
    if candidate.parts and ":" in candidate.parts[0]:  # C:x on Windows
        return None
    path = str(root)
    for part in candidate.parts:  # strings, not Path: ``status`` checks every proof's path
        path = os.path.join(path, part)
        if os.path.islink(path):
            return None
    return root.joinpath(*candidate.parts)


def open_regular_fd(
    path: Path, flags: int = os.O_RDONLY, mode: int = 0o600, *, follow: bool = True
) -> int:
    """A descriptor on ``path`` if it is a regular file; else ``IsADirectoryError``,
    ``SpecialFileError`` or, with ``follow=False`` and a link there, ``LinkError`` (all
    ``OSError``, so a caller that notes unreadable files and goes on needs nothing more).

    Opened without blocking and checked with ``fstat`` before anything is read: a FIFO
    would wait forever for a writer, and a device (``/dev/zero``) would never end.
    """
    try:
        fd = os.open(path, flags | O_NONBLOCK | BINARY | (0 if follow else O_NOFOLLOW), mode)
    except OSError as exc:
        if not follow and exc.errno in (errno.ELOOP, errno.EMLINK) and path.is_symlink():
            raise LinkError(errno.ELOOP, _("lien symbolique"), str(path)) from None
        raise
    file_mode = os.fstat(fd).st_mode
    if stat.S_ISREG(file_mode):
        if O_NONBLOCK:
            os.set_blocking(fd, True)
        return fd
    os.close(fd)
    if stat.S_ISDIR(file_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    raise SpecialFileError(errno.EINVAL, _("pas un fichier ordinaire"), str(path))


def read_bounded(path: Path, limit: int, *, follow: bool = False) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; else an ``OSError``
    (``TooBigError`` for a file too big, even one that grows while it is read)."""
    with os.fdopen(open_regular_fd(path, follow=follow), "rb") as handle:
        return _at_most(handle, path, limit)


def _at_most(handle: BinaryIO, path: Path, limit: int) -> bytes:
    size = os.fstat(handle.fileno()).st_size
    data = handle.read(limit + 1) if size <= limit else b""
    if size > limit or len(data) > limit:
        raise too_big(path, max(size, len(data)), limit)
    return data


def too_big(path: Path, size: int, limit: int) -> TooBigError:
    error = TooBigError(
        errno.EFBIG,
        _("fichier trop gros ({size} Ko ; {limit} Ko au plus pour ce genre de fichier)").format(
            size=size // 1024, limit=limit // 1024
        ),
        str(path),
    )
    error.size = size
    return error


def sha256_file(path: Path, limit: int = PIECE, *, follow: bool = True) -> str:
    """SHA-256 of a regular file of at most ``limit`` bytes, read in chunks so that large
    files do not fill memory; an ``OSError`` for anything else."""
    digest = hashlib.sha256()
    with os.fdopen(open_regular_fd(path, follow=follow), "rb") as handle:
        size, read = os.fstat(handle.fileno()).st_size, 0
        if size > limit:
            raise too_big(path, size, limit)
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            read += len(chunk)
            if read > limit:
                raise too_big(path, read, limit)
            digest.update(chunk)
    return digest.hexdigest()


def open_regular(path: Path, label: str = "", *, follow: bool = True) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file; else a located ``InputError``
    (a folder, a FIFO, a link where none may be and an unreadable file each in their own
    words). ``label`` (``--proof``) prefixes the message when the path came from an option.
    """
    where = f"{label} {path}" if label else str(path)
    try:
        fd = open_regular_fd(path, follow=follow)
    except FileNotFoundError:
        raise InputError(_("{path} : fichier introuvable.").format(path=where)) from None
    except IsADirectoryError:
        raise _not_a_file(where, directory=True) from None
    except LinkError:
        raise InputError(*link_refused(where)) from None
    except SpecialFileError:
        raise _not_a_file(where, directory=False) from None
    except OSError as exc:
        raise InputError(
            _("{path} : lecture impossible ({reason}).").format(
                path=where, reason=exc.strerror or type(exc).__name__
            ),
            hint=_("Vérifiez que le fichier vous appartient et qu'il est lisible."),
        ) from None
    return os.fdopen(fd, "rb")


def read_small(path: Path, limit: int = SMALL_FILE, *, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, else a located ``InputError``."""
    with open_regular(path, follow=follow) as handle:
        try:
            return _at_most(handle, path, limit)
        except TooBigError as exc:
            raise InputError(
                _(
                    "{path} : fichier trop gros ({size} Ko ; {limit} Ko au plus pour un profil, "
                    "un modèle ou un fichier de réglages)."
                ).format(path=path, size=exc.size // 1024, limit=limit // 1024),
            ) from None


def link_refused(where: str) -> tuple[str, str]:
    """(message, hint) for a link found where a case's own file or folder must be."""
    return (
        _(
            "{path} est un lien symbolique : rdvletters n'écrit ni ne lit à travers un lien "
            "dans le dossier de la personne."
        ).format(path=where),
        _(
            "Remplacez le lien par un vrai dossier ou fichier (un dossier reçu d'un tiers "
            "peut en contenir pour faire écrire ailleurs)."
        ),
    )


def _not_a_file(where: str, directory: bool) -> InputError:
    if directory:
        message = _("{path} : c'est un dossier, pas un fichier ordinaire ; il n'est pas lu.")
    else:
        message = _(
            "{path} : c'est un fichier spécial (tube, périphérique…), pas un fichier "
            "ordinaire ; il n'est pas lu."
        )
    return InputError(message.format(path=where), hint=_("Indiquez le fichier lui-même."))
