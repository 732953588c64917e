"""Which case folders the app serves, looked up by identifier, never by a path.

One case (``rdvletters web``, the current folder or ``-C DIR``) has the
identifier ``cas``. A volunteer's folder (``--cases DIR``) offers every direct
subfolder holding a profile or a journal, identified by its name: a request names
a case by that identifier, which is looked up in the folder's listing; a value
from a request is never joined to a path.
"""

from __future__ import annotations

from pathlib import Path

from ..case import JOURNAL, PROFILE, Case, ascii_slug

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
        found = {}
        for entry in sorted(self.root.iterdir(), key=lambda p: p.name.lower()):
            if entry.name.startswith(".") or not entry.is_dir() or entry.is_symlink():
                continue
            if (entry / PROFILE).is_file() or (entry / JOURNAL).is_file():
                found[entry.name] = Case(entry)
        return found

    def get(self, case_id: str) -> Case | None:
        return self.cases().get(case_id)

    def new_folder(self, name: str) -> tuple[str, Path]:
        """A new folder's identifier and path for a person's name: letters, digits and
        ``_`` only (``ascii_slug``), with ``_2``, ``_3``… when taken."""
        stem = ascii_slug(name, 60)
        for n in range(1, 1000):
            candidate = stem if n == 1 else f"{stem}_{n}"
            if not (self.root / candidate).exists():
                return candidate, self.root / candidate
        raise RuntimeError("too many folders with the same name")  # pragma: no cover
