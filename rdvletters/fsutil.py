"""Private, non-destructive file writes.

Everything the tool creates holds personal data, so files are created 0600 and
folders 0700, and a file that already exists is never replaced.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from .errors import InputError, OutputExistsError

FILE_MODE = 0o600
DIR_MODE = 0o700
SMALL_FILE = 256 * 1024  # profiles, settings, templates: the commented profile is ~6 KB


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)  # mkdir's mode is masked by the umask
    return path


def write_new(path: Path, data: bytes) -> Path:
    """Write ``data`` to a file that must not exist yet (O_EXCL), mode 0600."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        raise OutputExistsError(
            f"Le fichier {path} existe déjà : il n'est jamais écrasé.",
            hint="Renommez ou déplacez le fichier existant, puis recommencez.",
        ) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def write_unique(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write ``data`` as ``stem+suffix`` in ``folder``, adding ``_2``, ``_3``… if taken."""
    private_dir(folder)
    for n in range(1, 1000):
        name = f"{stem}{suffix}" if n == 1 else f"{stem}_{n}{suffix}"
        try:
            return write_new(folder / name, data)
        except OutputExistsError:
            continue
    raise OutputExistsError(f"Trop de fichiers nommés {stem}* dans {folder}.")


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in chunks so large scans do not fill memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_small(path: Path, limit: int = SMALL_FILE) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, else a located ``InputError``.

    The file is opened without blocking and checked with ``fstat`` before anything is read:
    a FIFO would wait forever for a writer, a device (``/dev/zero``) would never end.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError(f"{path} : fichier introuvable.") from None
    except IsADirectoryError:
        raise _not_a_file(path, "un dossier") from None
    except OSError as exc:
        raise InputError(
            f"{path} : lecture impossible ({exc.strerror or type(exc).__name__}).",
            hint="Vérifiez que le fichier vous appartient et qu'il est lisible.",
        ) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _not_a_file(path, "un dossier")
        if not stat.S_ISREG(info.st_mode):
            raise _not_a_file(path, "un fichier spécial (tube, périphérique…)")
        if info.st_size > limit:
            raise _too_big(path, info.st_size, limit)
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, 1 << 16)):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # the file grew while being read
            raise _too_big(path, size, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(
            f"{path} : lecture impossible ({exc.strerror or type(exc).__name__})."
        ) from None
    finally:
        os.close(fd)


def _not_a_file(path: Path, what: str) -> InputError:
    return InputError(
        f"{path} : c'est {what}, pas un fichier texte ; il n'est pas lu.",
        hint="Indiquez le fichier lui-même (par exemple profil.yaml).",
    )


def _too_big(path: Path, size: int, limit: int) -> InputError:
    return InputError(
        f"{path} : fichier trop gros ({size // 1024} Ko ; {limit // 1024} Ko au plus pour un "
        "profil, un modèle ou un fichier de réglages).",
    )
