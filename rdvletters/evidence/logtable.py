"""The journal as rows: for the terminal table and for the CSV export.

CSV is written UTF-8 with a byte-order mark and ``;`` separators, which is
what LibreOffice and Excel in French expect, so accents survive the opening.
A cell that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``,
tab, carriage return first) gets a leading quote, as OWASP advises: a journal
note must never run as a formula on a volunteer's computer.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from ..channels import CHANNELS
from ..documents.model import visible
from ..journal import Entry, JournalState

COLUMNS = ("n", "date", "heure", "type", "canal", "detail", "pieces", "sha256")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DOC_LABELS = {"courriel": "courriel", "lettre": "lettre recommandée", "saisine": "saisine DDD"}


def _detail(entry: Entry) -> str:
    data = entry.data
    if entry.kind == "document":
        label = DOC_LABELS.get(data["document"], data["document"])
        return f"{label} préparé{'e' if data['document'] != 'courriel' else ''} : {data['fichier']}"
    if entry.kind == "envoi":
        text = f"envoi du document n° {data['document_n']}"
        return text + (f", suivi {data['suivi']}" if data.get("suivi") else "")
    text = data.get("description", "")
    if data.get("temoin"):
        text += f" (témoin : {data['temoin']})"
    return text


def rows(state: JournalState) -> list[dict[str, str]]:
    """One row per entry, in journal order."""
    out = []
    for entry in state.entries:
        when = datetime.fromisoformat(entry.data["date"])
        out.append(
            {
                "n": str(entry.n),
                "date": f"{when:%d/%m/%Y}",
                "heure": f"{when:%H:%M}",
                "type": entry.kind,
                "canal": CHANNELS.get(entry.channel or "", ""),
                "detail": visible(_detail(entry)),  # no terminal escape from a hand-edited line
                "pieces": visible(" ".join(p["fichier"] for p in entry.data.get("pieces", []))),
                "sha256": entry.data.get("sha256", ""),
            }
        )
    return out


def spreadsheet_safe(cell: str) -> str:
    """``=1+1`` -> ``'=1+1``: shown as text by Excel and LibreOffice, never computed."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def to_csv(state: JournalState) -> bytes:
    """The journal as CSV bytes (UTF-8 with BOM, ``;`` separated, no formulas)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows(state))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_table(state: JournalState, width: int = 60) -> str:
    """A fixed-width table for the terminal."""
    shown = ("n", "date", "heure", "canal", "detail")
    table = [
        {k: r[k] if k != "detail" or len(r[k]) <= width else r[k][: width - 1] + "…" for k in shown}
        for r in rows(state)
    ]
    heads = {"n": "n°", "date": "date", "heure": "heure", "canal": "canal", "detail": "détail"}
    widths = {k: max([len(heads[k])] + [len(r[k]) for r in table]) for k in shown}
    lines = ["  ".join(heads[k].ljust(widths[k]) for k in shown).rstrip()]
    lines.append("  ".join("-" * widths[k] for k in shown))
    lines += ["  ".join(r[k].ljust(widths[k]) for k in shown).rstrip() for r in table]
    return "\n".join(lines)
