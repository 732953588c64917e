"""LibreOffice's profile, kept between conversions in the user's cache folder.

LibreOffice cannot start without a profile (its settings folder), and making one costs
about 0.2 s of each conversion. So the conversions share one, private (0700, made under
a 0077 umask) in the user's cache folder (``platformdirs``): ``…/rdvletters/libreoffice``.
It holds LibreOffice's settings only; the documents themselves stay in the conversion's
own work folder, removed afterwards.

Two LibreOffices must never use one profile at once (they would fight over it and fail
silently): a conversion takes the kept profile only while it holds its lock, and a
second conversion at the same moment makes a fresh profile in its own work folder, as
every conversion did before. The lock goes with the process, however it ends. A kept
profile a conversion failed with is removed, and the conversion done again with a fresh
one: the next conversion makes a new kept profile. Without ``fcntl`` (Windows), every
conversion has a fresh profile.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from ..fsutil import private_dir

FRESH = "profil-lo"  # the fresh profile's folder, inside the conversion's work folder
LOCK = "profil.lock"
KEPT = "profil"


def kept_folder() -> Path:
    """Where the kept profile lives (the user's cache folder)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("rdvletters")) / "libreoffice"


def _lock(folder: Path) -> int | None:
    """The lock of the kept profile, or None when another conversion holds it (or when
    the cache folder cannot be used: read-only, full, not ours)."""
    if fcntl is None:
        return None
    try:
        private_dir(folder)
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


@contextmanager
def profile_for(work: Path) -> Iterator[tuple[Path, bool]]:
    """(the profile folder for one conversion, whether it is the kept one): the kept
    profile while this conversion holds its lock, else a fresh one inside ``work``."""
    folder = kept_folder()
    lock = _lock(folder)
    if lock is None:
        yield work / FRESH, False
        return
    try:
        yield folder / KEPT, True
    finally:
        os.close(lock)


def discard(profile: Path) -> None:
    """Remove a kept profile a conversion failed with; the next one starts afresh."""
    with suppress(OSError):
        shutil.rmtree(profile)
