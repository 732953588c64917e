"""Where compiled templates are kept, so that a run does not compile them again.

Compiling the e-mail's or the letter's templates costs more than the rest of the
command. Jinja checks each template's source against its compiled copy, so an edited
template is always compiled anew; what matters is who may write the copies, since they
run as code:

- the bundled templates' copies sit next to them, in ``__pycache__``, the way Python
  keeps a module's ``.pyc`` beside it: written when that folder belongs to the owner of
  the templates and nobody else may write in it (an installation of one's own, a source
  checkout). Every later run uses them, even with an empty user cache. Where the
  installation is not writable (a system install) or Python is told not to write
  ``.pyc`` files, the user's cache is used instead;
- a case's own templates (``modeles/``, from a folder that may come from anyone) only in
  the user's own cache folder, closed to others (0700).

A cache is only ever a shortcut: a full or read-only disk means compiling.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from functools import cached_property
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from .. import __version__

PATTERN = f"rdvletters-{__version__}-%s.jinja"  # the options of this version compiled it


class _Folder(jinja2.FileSystemBytecodeCache):
    """One folder of compiled templates; a failed write is ignored (compiling instead)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), PATTERN)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class Caches(jinja2.BytecodeCache):
    """The bundled templates' copies beside them, the others' in the user's cache."""

    def __init__(self, bundled: Path) -> None:
        self.bundled = str(bundled)
        self.beside = _beside(bundled)
        self.chosen: dict[str, _Folder | None] = {}  # bucket key -> the folder it uses

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        bundled = filename is not None and os.path.dirname(filename) == self.bundled
        folder = (self.beside or self.own) if bundled else self.own
        key = self.get_cache_key(name, filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.chosen[bucket.key] = folder
        if folder is not None:
            folder.load_bytecode(bucket)
        return bucket

    @cached_property
    def own(self) -> _Folder | None:
        """The user's cache, made only when a template needs it."""
        return _own()

    def set_bucket(self, bucket: Bucket) -> None:
        folder = self.chosen.get(bucket.key)
        if folder is not None:
            folder.dump_bytecode(bucket)


def _beside(bundled: Path) -> _Folder | None:
    """``__pycache__`` in the bundled templates' folder, if its owner may keep it and
    Python itself writes ``.pyc`` files (not under ``PYTHONDONTWRITEBYTECODE``)."""
    if sys.dont_write_bytecode:
        return None
    folder = bundled / "__pycache__"
    try:
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o755)
        owner = bundled.stat().st_uid
        info = folder.lstat()
    except OSError:
        return None
    writable = os.access(folder, os.W_OK)  # else the user's cache serves better
    return _Folder(folder) if writable and _closed(info, owner, 0o022) else None


def _own() -> _Folder | None:
    """The user's own cache folder (0700), if it is theirs and closed to others."""
    from platformdirs import user_cache_dir

    folder = Path(user_cache_dir("rdvletters")) / f"modeles-compiles-{__version__}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    me = os.getuid() if hasattr(os, "getuid") else 0
    return _Folder(folder) if _closed(info, me, 0o077) else None


def _closed(info: os.stat_result, owner: int, forbidden: int) -> bool:
    """A real folder, of ``owner``, with none of the ``forbidden`` permission bits."""
    mine = not hasattr(os, "getuid") or info.st_uid == owner
    return stat.S_ISDIR(info.st_mode) and mine and not info.st_mode & forbidden
