"""Checking that the journal and its files are as they were written.

Each entry stores the SHA-256 of the line before it (``precedent``), each proof
file and generated document its own SHA-256. Re-reading everything shows an
entry edited, deleted or moved, a file changed or missing, a torn last line.
Entries written before the chain existed are reported as unchained, and the
chain starts from the next entry written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..case import Case
from ..fsutil import sha256_file
from ..journal import GENESIS


@dataclass
class Report:
    """What ``verify`` found: problems (the journal cannot be trusted as is) and notes."""

    entries: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    head: str = GENESIS
    files_checked: int = 0
    proven: list[str] = field(default_factory=list)  # per entry, from timestamps

    @property
    def ok(self) -> bool:
        return not self.problems


def _files(data: dict) -> list[tuple[str, str]]:
    """(relative path, sha256) of every file an entry vouches for."""
    files = [(p["fichier"], p["sha256"]) for p in data.get("pieces", [])]
    if data.get("fichier") and data.get("sha256"):
        files.append((data["fichier"], data["sha256"]))
    return files


def _check_files(root: Path, number: int, data: dict, report: Report) -> None:
    for relative, expected in _files(data):
        path = root / relative
        report.files_checked += 1
        if not path.is_file():
            report.problems.append(f"entrée n° {number} : fichier manquant {relative}")
        elif sha256_file(path) != expected:
            report.problems.append(f"entrée n° {number} : fichier modifié {relative}")


def verify(case: Case) -> Report:
    """Re-read the journal and every file it names."""
    report = Report()
    path = case.journal.path
    if not path.exists():
        report.notes.append("journal vide : rien à vérifier.")
        return report
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    tail = lines.pop()
    if tail.strip():
        report.problems.append(
            f"ligne {len(lines) + 1} : dernière ligne incomplète (écriture interrompue) ; "
            "rdvletters repair la met de côté."
        )
    hashes = {hashlib.sha256(line).hexdigest(): i for i, line in enumerate(lines, start=1)}
    parsed: dict[int, dict | None] = {}
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                data = json.loads(line)
                int(data["n"])
                parsed[number] = data
            except (ValueError, KeyError, TypeError):
                parsed[number] = None
    present = {int(d["n"]) for d in parsed.values() if d is not None}
    previous_hash, previous_n, unchained = GENESIS, 0, 0
    for number, data in parsed.items():
        line_hash = hashlib.sha256(lines[number - 1]).hexdigest()
        if data is None:
            report.problems.append(f"ligne {number} : entrée illisible (modifiée à la main ?)")
            previous_hash = line_hash
            continue
        n = int(data["n"])
        report.entries += 1
        gone = [m for m in range(previous_n + 1, n) if m not in present]
        if gone:
            report.problems.append(
                f"ligne {number} : entrée(s) n° {', '.join(map(str, gone))} supprimée(s)"
            )
        if n <= previous_n:
            report.problems.append(f"ligne {number} : entrée n° {n} hors de sa place")
        if "precedent" not in data:
            unchained += 1
        elif data["precedent"] != previous_hash:
            where = hashes.get(data["precedent"])
            if where is not None:
                report.problems.append(
                    f"ligne {number} : entrée n° {n} déplacée (elle suivait la ligne {where})"
                )
            elif not gone:
                report.problems.append(
                    f"ligne {number - 1} : l'entrée qui précède l'entrée n° {n} a été modifiée"
                )
        _check_files(case.root, n, data, report)
        previous_hash, previous_n = line_hash, max(previous_n, n)
    report.head = previous_hash
    report.notes.append(
        "la dernière entrée se vérifie avec l'empreinte imprimée au pied de votre dernier "
        f"courrier ; empreinte actuelle : {previous_hash[:16]}"
    )
    if unchained:
        report.notes.append(
            f"{unchained} entrée(s) écrite(s) avant le chaînage : leur contenu et leurs fichiers "
            "sont vérifiés, pas leur ordre ; le chaînage part de l'entrée suivante."
        )
    from .timestamp import add_checks  # proof: RFC 3161 tokens, dates they prove

    add_checks(case, report)
    return report
