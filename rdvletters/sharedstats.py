"""Figures an association can share without identifying anyone: ``stats --export``.

What it is for: showing that a préfecture is blocked on the same weeks for many
people (attempts recorded, attempts justified), per préfecture (its département),
route and ISO week, across the cases of a volunteer's folder.

What it keeps out: names, dates finer than the week, channels, texts, files. A cell
(département, route, week) is published only when at least ``K`` different cases
made an attempt in it (k-anonymity, k ≥ 5). Cells below are first merged across
the two routes (« toutes ») for their département and week; what is still below ``K``
is dropped. The counts that were merged or dropped are said with the output.

The re-identification risk that remains (README, « Statistiques partagées »): a
small département, a reader who knows one person's attempts, or two exports of
nearly the same folder compared with each other can still tell something about
someone; share the export with people who need it, not publicly by default.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from .case import JOURNAL, PROFILE, Case
from .errors import RdvError
from .facts import Facts

K = 5
ALL_ROUTES = "toutes"
COLUMNS = ("departement", "voie", "semaine_iso", "dossiers", "demarches", "avec_justificatif")


@dataclass
class Cell:
    cases: set[str] = field(default_factory=set)
    attempts: int = 0
    with_proof: int = 0

    def add(self, other: Cell) -> None:
        self.cases |= other.cases
        self.attempts += other.attempts
        self.with_proof += other.with_proof


@dataclass
class Export:
    rows: list[tuple[str, str, str, int, int, int]]
    cases_read: int
    cases_skipped: int  # unreadable profile or journal: left out, counted
    merged: int  # cells below K published merged across routes
    dropped: int  # cells still below K, left out
    dropped_attempts: int
    k: int = K


def _folders(root: Path) -> list[Path]:
    """Direct subfolders (not links, not hidden) holding a profile and a journal."""
    found = []
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.name.startswith(".") or entry.is_symlink() or not entry.is_dir():
                continue
            folder = Path(entry.path)
            if (folder / PROFILE).is_file() and (folder / JOURNAL).is_file():
                found.append(folder)
    return sorted(found)


def _iso_week(day) -> str:
    year, week, _day = day.isocalendar()
    return f"{year}-W{week:02d}"


def collect(root: Path) -> tuple[dict[tuple[str, str, str], Cell], int, int]:
    """Every (département, route, week) cell of the folder's cases; read and skipped."""
    cells: dict[tuple[str, str, str], Cell] = {}
    read = skipped = 0
    for n, folder in enumerate(_folders(root)):
        case = Case(folder)
        try:
            profile = case.load().profile
            facts = Facts.from_journal(case.journal.read())
        except (RdvError, OSError):
            skipped += 1
            continue
        read += 1
        dept = profile.departement.code if profile.departement else "inconnu"
        ident = f"cas-{n}"  # only to count distinct cases; never written
        for step in facts.attempts:
            cell = cells.setdefault((dept, profile.situation, _iso_week(step.when.date())), Cell())
            cell.cases.add(ident)
            cell.attempts += 1
            cell.with_proof += facts.justified(step)
    return cells, read, skipped


def anonymise(cells: dict[tuple[str, str, str], Cell], read: int, skipped: int, k: int = K):
    """The cells with at least ``k`` cases; the others merged across routes, else dropped."""
    rows = []
    small: dict[tuple[str, str], Cell] = {}
    for (dept, route, week), cell in cells.items():
        if len(cell.cases) >= k:
            rows.append((dept, route, week, len(cell.cases), cell.attempts, cell.with_proof))
        else:
            small.setdefault((dept, week), Cell()).add(cell)
    merged = dropped = dropped_attempts = 0
    counts: dict[tuple[str, str], int] = {}
    for (dept, _route, week), cell in cells.items():
        if len(cell.cases) < k:
            counts[(dept, week)] = counts.get((dept, week), 0) + 1
    for (dept, week), cell in small.items():
        if len(cell.cases) >= k:
            rows.append((dept, ALL_ROUTES, week, len(cell.cases), cell.attempts, cell.with_proof))
            merged += counts[(dept, week)]
        else:
            dropped += counts[(dept, week)]
            dropped_attempts += cell.attempts
    rows.sort(key=lambda r: (r[0], r[2], r[1]))
    return Export(rows, read, skipped, merged, dropped, dropped_attempts, k)


def export(root: Path, k: int = K) -> Export:
    cells, read, skipped = collect(root)
    return anonymise(cells, read, skipped, k)


def to_csv(result: Export) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(result.rows)
    return out.getvalue()
