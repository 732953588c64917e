"""The journal as rows: for the terminal table and for the CSV export.

CSV is written UTF-8 with a byte-order mark and ``;`` separators, which is
what LibreOffice and Excel in French expect, so accents survive the opening.
A cell that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``,
tab, carriage return first) gets a leading quote, as OWASP advises: a journal
note must never run as a formula on a volunteer's computer.

Both are streamed, one entry at a time, so that a long journal prints at once
and in flat memory. A corrected entry is shown as written, with a mark naming
its correction, and the correction is shown on its own row: the journal is
never rewritten, and the log says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from ..channels import CHANNELS
from ..documents.model import visible
from ..journal import Entry, Journal

COLUMNS = ("n", "date", "heure", "type", "canal", "detail", "pieces", "sha256")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DOC_LABELS = {"courriel": "courriel", "lettre": "lettre recommandée", "saisine": "saisine DDD"}
SHOWN = ("n", "date", "heure", "canal", "detail")
HEADS = {"n": "n°", "date": "date", "heure": "heure", "canal": "canal", "detail": "détail"}
FIXED = {"date": 10, "heure": 5, "canal": max(map(len, CHANNELS.values()))}
CHANGED = {
    "date": "date",
    "description": "message",
    "temoin": "témoin",
    "reference": "référence",
    "suivi": "suivi",
}
BATCH = 500  # rows per write


def corrections(journal: Journal) -> dict[int, list[tuple[int, bool]]]:
    """Entry -> its corrections as (number, withdrawn), from a quick pass over the file."""
    found: dict[int, list[tuple[int, bool]]] = {}
    for entry in _corrections_only(journal):
        target = entry.data.get("corrige")
        if isinstance(target, int):
            found.setdefault(target, []).append((entry.n, bool(entry.data.get("retire"))))
    return found


def _corrections_only(journal: Journal) -> Iterator[Entry]:
    from ..journal import Lines, parse_line

    for number, line in Lines(journal.path):
        if b'"correction"' in line:  # cheap filter before parsing
            entry = parse_line(line, number, journal.path)
            if entry.kind == "correction":
                yield entry


def _value(key: str, value: object) -> str:
    if key == "date" and isinstance(value, str):
        return f"{datetime.fromisoformat(value):%d/%m/%Y %H:%M}"
    return f"« {value} »" if key in ("description", "temoin") else str(value)


def _correction_detail(data: dict) -> str:
    target = data.get("corrige")
    motive = f" (motif : {data['motif']})" if data.get("motif") else ""
    if data.get("retire"):
        return f"retrait de l'entrée n° {target}{motive}"
    changes = ", ".join(
        f"{CHANGED[k]} {_value(k, v)}" for k, v in data.get("valeurs", {}).items() if k in CHANGED
    )
    return f"correction de l'entrée n° {target} : {changes}{motive}"


def _detail(entry: Entry, marks: list[tuple[int, bool]] | None = None) -> str:
    data = entry.data
    if entry.kind == "document":
        label = DOC_LABELS.get(data["document"], data["document"])
        text = f"{label} préparé{'e' if data['document'] != 'courriel' else ''} : {data['fichier']}"
    elif entry.kind == "envoi":
        text = f"envoi du document n° {data['document_n']}"
        text += f", suivi {data['suivi']}" if data.get("suivi") else ""
    elif entry.kind == "correction":
        text = _correction_detail(data)
    else:
        text = data.get("description", "")
        if data.get("temoin"):
            text += f" (témoin : {data['temoin']})"
    flags = [f"[{'retirée' if gone else 'corrigée'} : voir n° {n}]" for n, gone in marks or []]
    return " ".join([*flags, text]) if flags else text  # first: the table cuts long details


def rows(
    entries: Iterable[Entry], marks: dict[int, list[tuple[int, bool]]] | None = None
) -> Iterator[dict[str, str]]:
    """One row per entry, in journal order."""
    marks = marks or {}
    for entry in entries:
        when = datetime.fromisoformat(entry.data["date"])
        yield {
            "n": str(entry.n),
            "date": f"{when:%d/%m/%Y}",
            "heure": f"{when:%H:%M}",
            "type": entry.kind,
            "canal": CHANNELS.get(entry.channel or "", ""),
            # no terminal escape from a hand-edited line
            "detail": visible(_detail(entry, marks.get(entry.n))),
            "pieces": visible(" ".join(p["fichier"] for p in entry.data.get("pieces", []))),
            "sha256": entry.data.get("sha256", ""),
        }


def spreadsheet_safe(cell: str) -> str:
    """``=1+1`` -> ``'=1+1``: shown as text by Excel and LibreOffice, never computed."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_chunks(table: Iterable[dict[str, str]]) -> Iterator[bytes]:
    """The journal as CSV bytes (UTF-8 with BOM, ``;`` separated, no formulas)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writeheader()
    for i, row in enumerate(table, start=1):
        writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
        if i % BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def table_chunks(table: Iterable[dict[str, str]], last_n: int, width: int = 60) -> Iterator[bytes]:
    """A fixed-width table for the terminal; columns sized without reading ahead."""
    widths = {**FIXED, "n": max(len(HEADS["n"]), len(str(last_n))), "detail": width}
    buffer = io.StringIO()
    buffer.write("  ".join(HEADS[k].ljust(widths[k]) for k in SHOWN).rstrip() + "\n")
    buffer.write("  ".join("-" * widths[k] for k in SHOWN) + "\n")
    for i, row in enumerate(table, start=1):
        detail = row["detail"]
        cells = {**row, "detail": detail if len(detail) <= width else detail[: width - 1] + "…"}
        buffer.write("  ".join(cells[k].ljust(widths[k]) for k in SHOWN).rstrip() + "\n")
        if i % BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
