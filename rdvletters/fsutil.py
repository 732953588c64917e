"""Private, non-destructive file writes.

Everything the tool creates holds personal data, so files are created 0600 and
folders 0700, and a file that already exists is never replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputExistsError

FILE_MODE = 0o600
DIR_MODE = 0o700
# Windows opens with os.open in text mode unless told otherwise, and would write every
# "\n" as "\r\n": proof copies and the journal's hashed lines must stay byte for byte.
BINARY = getattr(os, "O_BINARY", 0)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)  # mkdir's mode is masked by the umask
    return path


def write_new(path: Path, data: bytes) -> Path:
    """Write ``data`` to a file that must not exist yet (O_EXCL), mode 0600."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, FILE_MODE)
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


def write_new_chunks(path: Path, chunks: Iterable[bytes]) -> Path:
    """``write_new`` for data made piece by piece (a long journal's export): the file is
    created first (O_EXCL, 0600), and removed again if producing the rest fails."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, FILE_MODE)
    except FileExistsError:
        raise OutputExistsError(
            f"Le fichier {path} existe déjà : il n'est jamais écrasé.",
            hint="Renommez ou déplacez le fichier existant, puis recommencez.",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def replace_file(path: Path, data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically, mode 0600: a crash leaves the old file
    or the new one, never half of each. For files the person edits (the profile)."""
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


def write_files(folder: Path, files: Iterable[tuple[str, bytes | Path]], workers: int = 8) -> None:
    """``write_new`` for many files (a dossier: thousands of pieces), bytes or copies of a
    source file. Each is still flushed to disk; several at once let the file system
    commit them together instead of one by one. The first error is raised."""
    from concurrent.futures import ThreadPoolExecutor

    def one(item: tuple[str, bytes | Path]) -> None:
        name, data = item
        write_new(folder / name, data.read_bytes() if isinstance(data, Path) else data)

    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        for _ in pool.map(one, files):
            pass
    except BaseException:  # an error or Ctrl-C: the files not started are not written
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


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
