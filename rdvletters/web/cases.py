"""Which case folders the app serves, looked up by identifier, never by a path.

One case (``rdvletters web``, the current folder or ``-C DIR``) has the
identifier ``cas``. A volunteer's folder (``--cases DIR``) offers every direct
subfolder holding a profile or a journal, identified by its name: a request names
a case by that identifier, which is looked up in the folder's listing; a value
from a request is never joined to a path.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..case import JOURNAL, PROFILE, Case
from ..proofnames import ascii_slug

SINGLE_ID = "cas"


class Registry:
    """The cases of one ``rdvletters web`` run."""

    def __init__(self, root: Path, many: bool) -> None:
        self.root = root
        self.many = many

    def cases(self) -> dict[str, Case]:
        """Identifier -> case, read from the disk now (a case made by the CLI shows up)."""
        if not self.many:
            return {SINGLE_ID: Case(self.root)}
        return {
            name: Case(Path(path))
            for name, path in self.folders().items()
            if _holds_case(Path(path))
        }

    def folders(self) -> dict[str, Case | str]:
        """Identifier -> the path of each folder that may hold a case (direct, not hidden,
        not a link), by name: the caseload page's listing. Whether it holds a profile or
        a journal is left to ``caseload.summaries``, which looks at those files anyway
        (one ``stat`` each instead of three, on a thousand folders)."""
        if not self.many:
            return dict(self.cases())
        with os.scandir(self.root) as entries:
            return {
                entry.name: entry.path
                for entry in sorted(entries, key=lambda e: e.name.lower())
                if _is_folder(entry)
            }

    def get(self, case_id: str) -> Case | None:
        """The case named ``case_id`` if it is one of the folder's entries: looked up in
        the listing, never joined to a path as given."""
        if not self.many:
            return Case(self.root) if case_id == SINGLE_ID else None
        with os.scandir(self.root) as entries:
            entry = next((e for e in entries if e.name == case_id), None)
        return Case(Path(entry.path)) if entry is not None and _is_case(entry) else None

    def new_folder(self, name: str) -> tuple[str, Path]:
        """A new folder's identifier and path for a person's name: letters, digits and
        ``_`` only (``ascii_slug``), with ``_2``, ``_3``… when taken."""
        stem = ascii_slug(name, 60)
        for n in range(1, 1000):
            candidate = stem if n == 1 else f"{stem}_{n}"
            if not (self.root / candidate).exists():
                return candidate, self.root / candidate
        raise RuntimeError("too many folders with the same name")  # pragma: no cover


def _is_folder(entry: os.DirEntry) -> bool:
    """A direct subfolder, not a link, not hidden."""
    return not entry.name.startswith(".") and not entry.is_symlink() and entry.is_dir()


def _holds_case(folder: Path) -> bool:
    return (folder / PROFILE).is_file() or (folder / JOURNAL).is_file()


def _is_case(entry: os.DirEntry) -> bool:
    """A direct subfolder (not a link, not hidden) holding a profile or a journal."""
    return _is_folder(entry) and _holds_case(Path(entry.path))
