"""Private, non-destructive file writes.

Everything the tool creates holds personal data, so files are created 0600 and
folders 0700, and a file that already exists is never replaced.

A case folder travels (a USB key, an e-mail to a volunteer): anything in it may have
been put there to turn a write elsewhere. No write follows a symbolic link: new files
are created with ``O_EXCL | O_NOFOLLOW`` (a link in the way is a name already taken),
temporary files get a fresh name of their own (``mkstemp``) and are renamed over the
target (a rename replaces a link, never writes through it), and the folders written
into are real folders (``private_dir`` refuses a link). Links the person typed
(``-C``, ``-o``) are followed: only what is found inside a case is distrusted.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import CaseError, InputError, OutputExistsError
from .i18n import _

FILE_MODE = 0o600
DIR_MODE = 0o700
# Windows opens with os.open in text mode unless told otherwise, and would write every
# "\n" as "\r\n": proof copies and the journal's hashed lines must stay byte for byte.
BINARY = getattr(os, "O_BINARY", 0)
O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX: opening a FIFO does not wait
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX: a link as the last component fails (ELOOP)
SMALL_FILE = 256 * 1024  # profiles, settings, templates: the commented profile is ~6 KB


def private_dir(path: Path, *, follow: bool = False) -> Path:
    """Create ``path`` (and parents) readable by the owner only.

    ``path`` itself must be a real folder, not a link to one (a case's ``pieces/``
    pointing at ``~/.ssh`` would be written into and chmod'ed); ``follow`` accepts a
    link for a folder the person named (``bundle -o``)."""
    if not follow and path.is_symlink():
        raise _link_refused(path)
    if path.exists() and not path.is_dir():
        raise CaseError(
            _("{path} : c'est un fichier ; un dossier est attendu à cet endroit.").format(
                path=path
            ),
            hint=_("Renommez ou déplacez ce fichier, puis recommencez."),
        )
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if not follow and path.is_symlink():  # put there between the check and mkdir
        raise _link_refused(path)
    os.chmod(path, DIR_MODE)  # mkdir's mode is masked by the umask
    return path


def _link_refused(path: Path) -> CaseError:
    return CaseError(
        _(
            "{path} est un lien symbolique : rdvletters n'écrit ni ne lit à travers un lien "
            "dans le dossier de la personne."
        ).format(path=path),
        hint=_(
            "Remplacez le lien par un vrai dossier ou fichier (un dossier reçu d'un tiers "
            "peut en contenir pour faire écrire ailleurs)."
        ),
    )


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done, then take effect as usual.

    For the few steps that must happen together: a file created and noted for removal,
    a journal line written and its proof copies kept. Outside the main thread (where no
    signal arrives) the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    numbers = [s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None]
    previous = {n: signal.signal(n, lambda number, _frame: held.append(number)) for n in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if held:
            signal.raise_signal(held[0])  # delivered now, to the handler that was there


def write_new(
    path: Path, data: bytes | BinaryIO | Iterable[bytes], created: list[Path] | None = None
) -> Path:
    """Write ``data`` to a file that must not exist yet (O_EXCL), mode 0600: bytes, an open
    file copied in chunks, or chunks made piece by piece (a long journal's export). If
    anything fails on the way, producing the chunks included, the new file is removed.

    ``created`` receives the path the moment the file exists (Ctrl-C cannot fall in
    between), so that a caller undoing a larger step knows every file to remove.
    """
    try:
        with deferred_interrupts():
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | BINARY
            fd = os.open(path, flags, FILE_MODE)
            if created is not None:
                created.append(path)
    except FileExistsError:
        raise OutputExistsError(
            _("Le fichier {path} existe déjà : il n'est jamais écrasé.").format(path=path),
            hint=_("Renommez ou déplacez le fichier existant, puis recommencez."),
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            elif hasattr(data, "read"):
                shutil.copyfileobj(data, handle, 1 << 20)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:  # a full disk, Ctrl-C: no half-written file is left behind
        path.unlink(missing_ok=True)
        raise
    return path


def replace_file(path: Path, data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically, mode 0600: a crash leaves the old file
    or the new one, never half of each. For files the person edits (the profile) and
    the small state files rewritten in place (the timestamp queue).

    The temporary file has a fresh name (``mkstemp``: ``O_EXCL``, never a link someone
    left under a predictable ``.tmp`` name) and the rename replaces ``path`` itself,
    a link included, never the file a link points to. The caller has checked the
    folder (``private_dir``)."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return path


def write_unique(
    folder: Path,
    stem: str,
    suffix: str,
    data: bytes | BinaryIO,
    created: list[Path] | None = None,
) -> Path:
    """Write ``data`` as ``stem+suffix`` in ``folder``, adding ``_2``, ``_3``… if taken."""
    private_dir(folder)
    for n in range(1, 1000):
        name = f"{stem}{suffix}" if n == 1 else f"{stem}_{n}{suffix}"
        try:
            return write_new(folder / name, data, created)
        except OutputExistsError:
            continue
    raise OutputExistsError(
        _("Trop de fichiers nommés {stem}* dans {folder}.").format(stem=stem, folder=folder)
    )


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in chunks so large scans do not fill memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


class SpecialFileError(OSError):
    """A FIFO, a device or a socket where a regular file was expected."""


class LinkError(SpecialFileError):
    """A symbolic link where a case's own file was expected."""


def open_regular_fd(
    path: Path, flags: int = os.O_RDONLY, mode: int = FILE_MODE, *, follow: bool = True
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


def open_regular(path: Path, label: str = "") -> BinaryIO:
    """``path`` opened for reading, if it is a regular file; else a located ``InputError``
    (a folder, a FIFO and an unreadable file each in their own words). ``label``
    (``--proof``) prefixes the message when the path came from an option.
    """
    where = f"{label} {path}" if label else str(path)
    try:
        fd = open_regular_fd(path)
    except FileNotFoundError:
        raise InputError(_("{path} : fichier introuvable.").format(path=where)) from None
    except IsADirectoryError:
        raise _not_a_file(where, directory=True) from None
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


def read_small(path: Path, limit: int = SMALL_FILE) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, else a located ``InputError``."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(limit + 1) if size <= limit else b""
    if size > limit or len(data) > limit:  # too big, or grew while being read
        raise _too_big(path, max(size, len(data)), limit)
    return data


def _not_a_file(where: str, directory: bool) -> InputError:
    if directory:
        message = _("{path} : c'est un dossier, pas un fichier ordinaire ; il n'est pas lu.")
    else:
        message = _(
            "{path} : c'est un fichier spécial (tube, périphérique…), pas un fichier "
            "ordinaire ; il n'est pas lu."
        )
    return InputError(message.format(path=where), hint=_("Indiquez le fichier lui-même."))


def _too_big(path: Path, size: int, limit: int) -> InputError:
    return InputError(
        _(
            "{path} : fichier trop gros ({size} Ko ; {limit} Ko au plus pour un profil, un "
            "modèle ou un fichier de réglages)."
        ).format(path=path, size=size // 1024, limit=limit // 1024),
    )
