"""What to ask or say about a step before and after it is journaled.

A year typed wrong (2016 for 2026) turned a case into « 106 semaines » of attempts; one
screenshot attached to two attempts, or the same attempt typed twice, inflates the
figures a judge reads. The journal accepts them all (they may be true), but the person is
asked to confirm the first kind and warned of the others, by the CLI and the web app
alike.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .channels import ATTEMPT_CHANNELS
from .errors import DateToConfirm
from .i18n import _
from .journal import Entry, JournalState
from .steps import STEP_TYPES, effective_entries

RECENT_DAYS = 90  # a first attempt further back than this is asked to be confirmed


def check_first_step(
    when: datetime,
    now: datetime,
    opened: datetime | None,
    *,
    option: str,
    hint: str,
) -> None:
    """For the case's first step: a date months back, or before the case was opened (its
    first journal entry), is a ``DateToConfirm``."""
    said = f"{when:%d/%m/%Y %H:%M}"
    if when < now - timedelta(days=RECENT_DAYS):
        raise DateToConfirm(
            _(
                "{option} « {text} » : cette première démarche serait d'il y a plus de "
                "trois mois. Faute de frappe dans l'année ou le mois ?"
            ).format(option=option, text=said),
            hint=hint,
        )
    if opened is not None and when < opened - timedelta(days=1):
        raise DateToConfirm(
            _(
                "{option} « {text} » : avant l'ouverture du dossier ({opened}). Faute de "
                "frappe dans la date ?"
            ).format(option=option, text=said, opened=f"{opened:%d/%m/%Y}"),
            hint=hint,
        )


def doubts(state: JournalState) -> list[str]:
    """Every pair the journal holds that may count one thing twice: a proof file attached
    to two steps, two attempts at the same minute (said by ``status``; ``record`` does
    not read the whole journal, whatever its length)."""
    found: list[str] = []
    seen_files: dict[str, int] = {}
    seen_minutes: dict[datetime, int] = {}
    for n, data in effective_entries(state):
        if data["type"] not in STEP_TYPES:
            continue
        for piece in data.get("pieces", []):
            digest = piece.get("sha256")
            if digest and digest in seen_files and seen_files[digest] != n:
                found.append(
                    _("le même justificatif est joint aux entrées n° {a} et n° {b}.").format(
                        a=seen_files[digest], b=n
                    )
                )
            elif digest:
                seen_files[digest] = n
        if data.get("canal") in ATTEMPT_CHANNELS:
            minute = datetime.fromisoformat(data["date"]).replace(second=0, microsecond=0)
            if minute in seen_minutes:
                found.append(
                    _(
                        "les entrées n° {a} et n° {b} sont deux démarches à la même minute : "
                        "notées deux fois ?"
                    ).format(a=seen_minutes[minute], b=n)
                )
            else:
                seen_minutes[minute] = n
    return found


def step_warnings(state: JournalState, entry: Entry) -> list[str]:
    """Warnings about ``entry`` (just journaled) against the rest of the journal: a proof
    file already attached to another step, another attempt at the same minute."""
    warnings = []
    steps = [(n, d) for n, d in effective_entries(state) if d["type"] in STEP_TYPES]
    others = [(n, d) for n, d in steps if n != entry.n]
    mine = {p.get("sha256") for p in entry.data.get("pieces", []) if p.get("sha256")}
    for n, data in others:
        shared = mine & {p.get("sha256") for p in data.get("pieces", [])}
        if shared:
            warnings.append(
                _(
                    "le même justificatif est déjà joint à l'entrée n° {n} : une capture ne "
                    "prouve qu'une démarche. Vérifiez le fichier choisi."
                ).format(n=n)
            )
    if entry.data.get("canal") in ATTEMPT_CHANNELS:
        minute = entry.when.replace(second=0, microsecond=0)
        for n, data in others:
            if data.get("canal") not in ATTEMPT_CHANNELS:
                continue
            other = datetime.fromisoformat(data["date"]).replace(second=0, microsecond=0)
            if other == minute:
                warnings.append(
                    _(
                        "l'entrée n° {n} est une autre démarche à la même minute : notée deux "
                        "fois ? Si oui, retirez-en une (correction)."
                    ).format(n=n)
                )
    return warnings
