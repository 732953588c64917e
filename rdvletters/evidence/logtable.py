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
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from ..channels import CHANNELS, ROUTE_LABELS, label
from ..i18n import N_
from ..journal import Entry, Journal
from ..textsafe import visible

COLUMNS = ("n", "date", "heure", "type", "canal", "detail", "pieces", "sha256")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHOWN = ("n", "date", "heure", "canal", "detail")
# The words of the table are French msgids (``N_``): the CSV keeps them French, like the
# journal it exports; the terminal table says them in the interface language (``say``).
HEADS = {
    "n": N_("n°"),
    "date": N_("date"),
    "heure": N_("heure"),
    "canal": N_("canal"),
    "detail": N_("détail"),
}
PREPARED = {
    "courriel": N_("courriel préparé : {file}"),
    "lettre": N_("lettre recommandée préparée : {file}"),
    "saisine": N_("saisine DDD préparée : {file}"),
    "requete": N_("requête préparée : {file}"),
    "requete_a_lire": N_("notes à lire avant le dépôt préparées : {file}"),
}
CHANGED = {
    "date": N_("date"),
    "canal": N_("canal"),
    "description": N_("message"),
    "temoin": N_("témoin"),
    "reference": N_("référence"),
    "suivi": N_("suivi"),
}
Say = Callable[[str], str]


def _same(message: str) -> str:
    return message


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
    from ..journal import Lines

    for number, line in Lines(journal.path):
        if b'"correction"' in line:  # cheap filter before parsing
            entry = journal.usable(line, number)
            if entry is not None and entry.kind == "correction":
                yield entry


def _value(key: str, value: object) -> str:
    if key == "date" and isinstance(value, str):
        return f"{datetime.fromisoformat(value):%d/%m/%Y %H:%M}"
    return f"« {value} »" if key in ("description", "temoin") else str(value)


def _correction_detail(data: dict, say: Say) -> str:
    said = {
        "target": data.get("corrige"),
        "motive": say(N_(" (motif : {reason})")).format(reason=data["motif"])
        if data.get("motif")
        else "",
    }
    if data.get("retire"):
        return say(N_("retrait de l'entrée n° {target}{motive}")).format(**said)
    changes = ", ".join(
        f"{say(CHANGED[k])} {_value(k, v)}"
        for k, v in data.get("valeurs", {}).items()
        if k in CHANGED
    )
    return say(N_("correction de l'entrée n° {target} : {changes}{motive}")).format(
        changes=changes, **said
    )


def _detail(entry: Entry, marks: list[tuple[int, bool]] | None, say: Say) -> str:
    data = entry.data
    if entry.kind == "document":
        prepared = PREPARED.get(data["document"], N_("{document} préparé : {file}"))
        text = say(prepared).format(document=data["document"], file=data["fichier"])
    elif entry.kind == "envoi":
        text = say(N_("envoi du document n° {n}")).format(n=data["document_n"])
        if data.get("suivi"):
            text += say(N_(", suivi {tracking}")).format(tracking=data["suivi"])
    elif entry.kind == "correction":
        text = _correction_detail(data, say)
    else:
        text = data.get("description", "")  # the person's own words, as written
        if data.get("temoin"):
            text += say(N_(" (témoin : {name})")).format(name=data["temoin"])
        if data.get("reference"):  # the CCC ticket, the ANEF error code: what `correct` fixes
            text += say(N_(" (réf. {reference})")).format(reference=data["reference"])
    flags = [
        say(N_("[retirée : voir n° {n}]") if gone else N_("[corrigée : voir n° {n}]")).format(n=n)
        for n, gone in marks or []
    ]
    return " ".join([*flags, text]) if flags else text  # first: the table cuts long details


def rows(
    entries: Iterable[Entry],
    marks: dict[int, list[tuple[int, bool]]] | None = None,
    say: Say = _same,
    route: str = "rdv",
) -> Iterator[dict[str, str]]:
    """One row per entry, in journal order; ``say`` translates the table's own words
    (the CSV keeps them French, like the journal). Channels are named for ``route``."""
    marks = marks or {}
    for entry in entries:
        when = datetime.fromisoformat(entry.data["date"])
        channel = label(entry.channel, route) if entry.channel in CHANNELS else ""
        yield {
            "n": str(entry.n),
            "date": f"{when:%d/%m/%Y}",
            "heure": f"{when:%H:%M}",
            "type": entry.kind,
            "canal": say(channel) if channel else "",  # names in the catalog: web/app.py
            # no terminal escape from a hand-edited line
            "detail": visible(_detail(entry, marks.get(entry.n), say)),
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


def table_chunks(
    table: Iterable[dict[str, str]], last_n: int, width: int = 60, say: Say = _same
) -> Iterator[bytes]:
    """A fixed-width table for the terminal; columns sized without reading ahead."""
    heads = {k: say(v) for k, v in HEADS.items()}
    widths = {
        "date": max(10, len(heads["date"])),
        "heure": max(5, len(heads["heure"])),
        "canal": max(
            len(heads["canal"]),
            *(
                len(say(name))
                for names in (CHANNELS, *ROUTE_LABELS.values())
                for name in names.values()
            ),
        ),
        "n": max(len(heads["n"]), len(str(last_n))),
        "detail": width,
    }
    buffer = io.StringIO()
    buffer.write("  ".join(heads[k].ljust(widths[k]) for k in SHOWN).rstrip() + "\n")
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
