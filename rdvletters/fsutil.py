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

# ``shutil`` and ``tempfile`` are loaded by the functions that use them: a few
# milliseconds of every command's start, for writes most commands never make.
import contextlib
import errno
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .casepaths import (  # noqa: F401 - the readers, once here, re-exported for callers
    BINARY,
    O_NOFOLLOW,
    O_NONBLOCK,
    SMALL_FILE,
    LinkError,
    SpecialFileError,
    link_refused,
    open_regular,
    open_regular_fd,
    read_small,
    sha256_file,
)
from .errors import CaseError, OutputExistsError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
from .i18n import _

FILE_MODE = 0o600
DIR_MODE = 0o700


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
    refuse_read_only(path)
    os.chmod(path, DIR_MODE)  # mkdir's mode is masked by the umask
    return path


def refuse_read_only(path: Path) -> None:
    """A folder or file its owner protected against writing stays so: rdvletters says so
    and stops, rather than making it writable again (which it could, run as root)."""
    if not os.stat(path).st_mode & stat.S_IWUSR:
        message, hint = read_only_said(path)
        raise CaseError(message, hint=hint)


def read_only_said(path: Path) -> tuple[str, str]:
    """(message, hint) for a folder or file its owner made read-only."""
    return (
        _(
            "{path} est protégé en écriture (lecture seule) : rdvletters ne retire pas "
            "cette protection ; rien n'a été écrit."
        ).format(path=path),
        _(
            "Pour y écrire, retirez d'abord la protection vous-même (chmod u+w, ou "
            "Propriétés > Lecture seule), puis recommencez."
        ),
    )


def _link_refused(path: Path) -> CaseError:
    message, hint = link_refused(str(path))
    return CaseError(message, hint=hint)


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
    path: Path,
    data: bytes | BinaryIO | Iterable[bytes],
    created: list[Path] | None = None,
    *,
    sync: bool = True,
) -> Path:
    """Write ``data`` to a file that must not exist yet (O_EXCL), mode 0600: bytes, an open
    file copied in chunks, or chunks made piece by piece (a long journal's export). If
    anything fails on the way, producing the chunks included, the new file is removed.

    ``created`` receives the path the moment the file exists (Ctrl-C cannot fall in
    between), so that a caller undoing a larger step knows every file to remove.
    ``sync=False`` leaves the flush to disk to the caller, who makes a whole folder of new
    files durable at once (:func:`sync_folder`) before renaming it into place.
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
                from shutil import copyfileobj

                copyfileobj(data, handle, 1 << 20)
            else:
                handle.writelines(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
    except BaseException:  # a full disk, Ctrl-C: no half-written file is left behind
        path.unlink(missing_ok=True)
        raise
    return path


def sync_folder(folder: Path) -> None:
    """Flush every file and folder under ``folder`` to disk: one ``syncfs`` on Linux (a
    dossier's hundreds of files cost one flush instead of one each), else each file's
    ``fsync``; then the folders' entries. A write error the disk reports raises OSError."""
    if not _syncfs(folder):
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                fd = os.open(path, os.O_RDONLY | O_NOFOLLOW | BINARY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        sync_folder_entry(path)


def _syncfs(folder: Path) -> bool:
    """``syncfs(2)`` on the file system holding ``folder``; False where there is none."""
    if not hasattr(os, "O_DIRECTORY") or sys.platform != "linux":
        return False
    import ctypes

    try:
        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if call(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(folder))
    finally:
        os.close(fd)
    return True


def sync_folder_entry(folder: Path) -> None:
    """Make a folder's entries durable (POSIX); Windows cannot open a folder for it."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(path: Path, data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically, mode 0600: a crash leaves the old file
    or the new one, never half of each. For files the person edits (the profile) and
    the small state files rewritten in place (the timestamp queue).

    The temporary file has a fresh name (``mkstemp``: ``O_EXCL``, never a link someone
    left under a predictable ``.tmp`` name) and the rename replaces ``path`` itself,
    a link included, never the file a link points to. The caller has checked the
    folder (``private_dir``)."""
    from tempfile import mkstemp

    fd, temp = mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


# --- work in progress: private folders that a killed run does not leave for good --------
LOCK_NAME = ".rdvletters-en-cours"
STALE_AFTER = 24 * 3600  # seconds: a folder left by an older version, without a lock
# (a folder appears under its name with its lock held: see ``_made_locked``)


class WorkDir:
    """A private (0700) folder for work in progress: LibreOffice's conversions, a dossier
    being assembled, uploads being checked. It is removed on the way out; while it lives,
    a lock held on a file inside marks it as in use, so that a later run tells a folder
    left by a process killed outright (``kill -9``, a power cut), which it removes
    (``sweep_stale``), from one another run is using, which it leaves."""

    def __init__(self, prefix: str, parent: Path | None = None) -> None:
        from tempfile import gettempdir

        parent = Path(parent) if parent is not None else Path(gettempdir())
        sweep_stale(parent, prefix)
        self.path, lock = _made_locked(parent, prefix)
        self._lock: int | None = lock

    def keep(self) -> Path:
        """The folder is a result now (a finished dossier): the lock goes, the folder stays."""
        if self._lock is not None:
            (self.path / LOCK_NAME).unlink(missing_ok=True)
            os.close(self._lock)
            self._lock = None
        return self.path

    def remove(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
        from shutil import rmtree

        rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *_exc: object) -> None:
        self.remove()


def _made_locked(parent: Path, prefix: str) -> tuple[Path, int]:
    """A new private folder ``prefix…`` in ``parent``, and the lock it holds.

    It is made under a name no sweep looks at (a dot before the prefix), locked, then
    renamed: under its real name it is never seen without its lock, so another run's
    sweep cannot take it for abandoned, whatever the two clocks say."""
    from shutil import rmtree
    from tempfile import mkdtemp

    staging = Path(mkdtemp(prefix="." + prefix, dir=parent))
    os.chmod(staging, DIR_MODE)
    lock = _hold(staging / LOCK_NAME)
    final = parent / (prefix + staging.name[len(prefix) + 1 :])
    try:
        if final.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(final))
        os.rename(staging, final)
    except OSError:
        os.close(lock)
        rmtree(staging, ignore_errors=True)
        raise
    return final, lock


def _hold(path: Path) -> int:
    """Create ``path`` and hold a lock on it as long as the descriptor is open."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | BINARY, FILE_MODE)
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd  # Windows: a file open here cannot be removed by another process


def sweep_stale(parent: Path, prefix: str) -> None:
    """Remove the folders ``prefix*`` in ``parent`` that a killed run left: ours, not a
    link, and either with a lock nobody holds, or without one and older than a day."""
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return
    for folder in candidates:
        with contextlib.suppress(OSError):
            info = folder.lstat()
            mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
            if not stat.S_ISDIR(info.st_mode) or not mine:
                continue
            if _abandoned(folder / LOCK_NAME, info.st_mtime):
                from shutil import rmtree

                rmtree(folder, ignore_errors=True)


def _abandoned(lock: Path, made: float) -> bool:
    if not lock.exists():
        return time.time() - made > STALE_AFTER
    if fcntl is None:  # Windows: the holder's open file cannot be removed
        try:
            lock.unlink()
        except OSError:
            return False
        return True
    fd = os.open(lock, os.O_RDONLY | O_NOFOLLOW | BINARY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True
