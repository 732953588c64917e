"""What a journal entry must hold for every document, table and figure to use it.

Only rdvletters writes the journal, but the file can be edited by hand, merged, or
come from an older version. A line that parses as JSON but lacks a date, names an
unknown channel or holds a number where a file name should be would otherwise
crash whichever command reads it first. ``read_entry`` says what is wrong with one
line, so the reader (``journal.parse_line``, ``verify``) refuses it with its number.

Only shapes and types are checked, plus the bounds that keep computations finite
(a year between 2015 and 2099: a week-by-week table of a year 0206 never ends).
Text is not refused for its characters: outputs neutralise control characters, so
a journal written by an older version stays readable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .channels import CHANNELS, DOCUMENT_CHANNEL
from .errors import JournalError
from .frdates import EARLIEST_YEAR
from .i18n import _

MAX_N = 10**9
MAX_LINE = 1 << 20  # bytes: an entry is a few hundred; none rdvletters writes comes near
SET_ASIDE = "mise_de_cote"  # repair's entry: lines the reader refuses, named by their hash
SET_ASIDE_MARK = b'"mise_de_cote"'  # a cheap filter before parsing a line
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_SURROGATE = re.compile("[\ud800-\udfff]")
LATEST_YEAR = 2099
STEP_TYPES = ("tentative", "evenement")

Check = Callable[[Any], str | None]


def _int(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return _("nombre entier attendu")
    if 1 <= value <= MAX_N:
        return None
    return _("nombre hors des limites (1 à {max})").format(max=MAX_N)


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else _("texte attendu")


def _opt_text(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else _("texte attendu")


def _case_path(value: Any) -> str | None:
    """A file name: text without control characters (a NUL byte cannot even be opened).
    Whether it stays inside the case folder is ``Case.file``'s to say, links included."""
    if not isinstance(value, str) or not value.strip():
        return _("chemin de fichier attendu")
    if any(ord(c) < 32 or c == "\x7f" for c in value):
        return _("caractère de contrôle dans le chemin")
    return None


def _strings(data: dict[str, Any]) -> Iterator[str]:
    """The texts of an entry that a command may print or write: its own, its files', its
    corrected values'. (Walking every nested value would cost more than parsing the line.)"""
    for value in data.values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list | dict):
            for item in value if isinstance(value, list) else value.values():
                if isinstance(item, str):
                    yield item
                elif isinstance(item, dict):
                    yield from (v for v in item.values() if isinstance(v, str))


def _unwritable(data: dict[str, Any]) -> str | None:
    """A lone surrogate (``"\\ud800"`` in JSON): no file or screen can show it."""
    if any(_SURROGATE.search(text) for text in _strings(data)):
        return _("caractère Unicode invalide (moitié de paire)")
    return None


def _date(value: Any) -> str | None:
    if not isinstance(value, str):
        return _("date attendue (texte AAAA-MM-JJTHH:MM:SS+01:00)")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return _("date illisible")
    if when.tzinfo is None or when.utcoffset() is None:
        return _("date sans fuseau horaire")
    if not EARLIEST_YEAR <= when.year <= LATEST_YEAR:
        return _("année {year} hors de {first}–{last}").format(
            year=when.year, first=EARLIEST_YEAR, last=LATEST_YEAR
        )
    return None


def _day(value: Any) -> str | None:
    """A date without time (``AAAA-MM-JJ``): a date the administration announced."""
    if not isinstance(value, str):
        return _("date attendue (AAAA-MM-JJ)")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return _("date illisible")
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        return _("année {year} hors de {first}–{last}").format(
            year=day.year, first=EARLIEST_YEAR, last=LATEST_YEAR
        )
    return None


def _channel(value: Any) -> str | None:
    return None if isinstance(value, str) and value in CHANNELS else _("canal inconnu")


def _document(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else _("nom de document attendu")


def _sent_document(value: Any) -> str | None:
    """What went out must be a document with a channel (the requête is filed, not sent)."""
    return None if isinstance(value, str) and value in DOCUMENT_CHANNEL else _("document inconnu")


def _numbers(value: Any) -> str | None:
    if not isinstance(value, list):
        return _("liste de numéros attendue")
    return next((_("numéro : {problem}").format(problem=p) for v in value if (p := _int(v))), None)


def _pieces(value: Any) -> str | None:
    if not isinstance(value, list):
        return _("liste de fichiers attendue")
    for i, piece in enumerate(value, start=1):
        if not isinstance(piece, dict):
            return _("fichier {i} : description attendue (fichier, sha256)").format(i=i)
        for key, check in (("fichier", _case_path), ("sha256", _text)):
            if key not in piece:
                return _("fichier {i} : « {key} » manquant").format(i=i, key=key)
            if problem := check(piece[key]):
                return _("fichier {i}, « {key} » : {problem}").format(i=i, key=key, problem=problem)
        for key, check in (("original", _opt_text), ("date_propre", _own_date)):
            if problem := check(piece.get(key)):
                return _("fichier {i}, « {key} » : {problem}").format(i=i, key=key, problem=problem)
    return None


def _own_date(value: Any) -> str | None:
    """A proof's own date (its metadata's): any year, but a readable date with its zone."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None or when.utcoffset() is None:
        return _("date illisible")
    return None


def _set_aside_lines(value: Any) -> str | None:
    """``mise_de_cote``: each line set aside, by its number and the SHA-256 of its bytes."""
    if not isinstance(value, list) or not value:
        return _("liste de lignes attendue")
    for item in value:
        if not isinstance(item, dict) or _int(item.get("ligne")):
            return _("numéro de ligne attendu")
        if not isinstance(item.get("sha256"), str) or not _DIGEST.match(item["sha256"]):
            return _("empreinte SHA-256 attendue")
    return None


# field -> check; a field in REQUIRED[type] must be there, the others are checked if present
FIELDS: dict[str, Check] = {
    "date": _date,
    "enregistre_le": _date,
    "precedent": _text,
    "canal": _channel,
    "description": _text,
    "temoin": _opt_text,
    "reference": _opt_text,
    "date_annoncee": _day,
    "pieces": _pieces,
    "document": _document,
    "document_n": _int,
    "suivi": _opt_text,
    "fichier": _case_path,
    "sha256": _text,
    "format": _text,
    "objet": _opt_text,
    "relance": lambda v: None if v == 0 else _int(v),
    "tentatives": _numbers,
    "entree": _int,
    "heure_tsa": _date,
    "autorite": _text,
    "tsa": _text,
    "empreinte": _text,
    "corrige": _int,
    "lignes": _set_aside_lines,
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "tentative": ("date", "canal"),
    "evenement": ("date", "canal"),
    "envoi": ("date", "canal", "document", "document_n"),
    "document": ("date", "document", "fichier"),
    "horodatage": ("date", "entree", "heure_tsa", "autorite", "tsa", "empreinte", "fichier"),
    "correction": ("corrige",),
    SET_ASIDE: ("date", "lignes", "fichier", "sha256"),
}


def _fields_problem(data: dict[str, Any], required: tuple[str, ...]) -> str | None:
    for key in required:
        if key not in data:
            return _("champ « {key} » manquant").format(key=key)
    for key, value in data.items():
        check = FIELDS.get(key)
        if check is not None and (problem := check(value)):
            return _("champ « {key} » : {problem}").format(key=key, problem=problem)
    return None


def shape_problem(data: Any) -> str | None:
    """What makes ``data`` (one parsed line) unusable, lone surrogates aside: fields,
    types, bounds; None if it is usable."""
    if not isinstance(data, dict):
        return _("une entrée est un objet JSON { … }")
    for key in ("n", "type"):
        if key not in data:
            return _("champ « {key} » manquant").format(key=key)
    if problem := _int(data["n"]):
        return _("champ « {key} » : {problem}").format(key="n", problem=problem)
    kind = data["type"]
    if not isinstance(kind, str) or not kind:
        return _("champ « {key} » : {problem}").format(key="type", problem=_("texte attendu"))
    problem = _fields_problem(data, REQUIRED.get(kind, ("date",)))
    if problem is None and kind == "envoi" and (problem := _sent_document(data["document"])):
        problem = _("champ « {key} » : {problem}").format(key="document", problem=problem)
    if problem is None and kind == "correction" and "valeurs" in data:
        values = data["valeurs"]
        if not isinstance(values, dict):
            return _("champ « {key} » : {problem}").format(
                key="valeurs", problem=_("objet attendu")
            )
        problem = _fields_problem(values, ())
        problem = problem and _("valeurs corrigées, {problem}").format(problem=problem)
    return problem


def read_entry(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """One complete journal line, parsed and checked: (data, None) or (None, the problem).

    A lone surrogate can only come from a ``\\u`` escape (raw bytes are strict UTF-8), so
    a line without one skips the walk through its texts: the usual case, at any scale."""
    size = getattr(raw, "size", len(raw))  # a line too long is only read in part
    if size > MAX_LINE:
        return None, _("ligne trop longue : {size} Ko, {max} Ko au plus").format(
            size=size // 1024, max=MAX_LINE // 1024
        )
    try:
        data = json.loads(raw)
    except RecursionError:
        return None, _("imbrication trop profonde")
    except ValueError as exc:  # not JSON, or not UTF-8 (Python's words: English)
        return None, _("JSON invalide : {detail}").format(detail=exc)
    problem = shape_problem(data)
    if problem is None and b"\\u" in raw:
        problem = _unwritable(data)
    return (None, problem) if problem else (data, None)


def loose_number(raw: bytes) -> int:
    """The entry number a line claims, even when the line is refused; 0 if it names none.
    (``repair`` numbers its entry after every line, usable or not.)"""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return 0
    n = data.get("n") if isinstance(data, dict) else None
    return n if isinstance(n, int) and not isinstance(n, bool) and 0 < n <= MAX_N else 0


def unusable(path: Path, line: int | None, problem: str) -> JournalError:
    """The error for a line no command can use, with its number."""
    if line:
        message = _("{path}, ligne {line} : entrée illisible ({problem}).")
    else:
        message = _("{path}, dernière ligne : entrée illisible ({problem}).")
    return JournalError(
        message.format(path=path, line=line, problem=problem),
        hint=_(
            "Mettez-la de côté avec rdvletters repair (elle est gardée, copiée à part), ou "
            "restaurez une sauvegarde."
        ),
    )
