"""Summaries for a front end: one row per case, one row per prepared document.

A volunteer's list of cases and the documents page need a few facts the CLI
prints one command at a time. They are computed here, from the same profile,
journal and ``compute_status`` as ``status``, so a figure in the web app is the
figure of the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .case import Case
from .court.status import compute_status
from .errors import RdvError
from .facts import Facts
from .validation import InvalidData


@dataclass(frozen=True)
class CaseSummary:
    """What a volunteer sees of one case in the list; ``problem`` when it cannot be read."""

    name: str | None
    route: str | None
    first_attempt: date | None
    weeks_with_proof: int
    days_since_last_attempt: int | None
    next_step: str | None
    days_until_expiry: int | None
    problem: str | None = None  # the first line of the error, when the case cannot be read
    problem_count: int = 0  # validation errors of the profile, when that is the reason
    birth_date: date | None = None  # tells two persons of the same name apart
    prefecture: str | None = None
    next_kind: str = ""  # what kind of step is next (``next_kind``), for a filter


def summarize(case: Case, now: datetime) -> CaseSummary:
    """The case's row: the same figures as ``status`` (files are not re-hashed here)."""
    try:
        profile = case.load().profile
        facts = Facts.from_journal(case.journal.read())
    except RdvError as error:
        count = len(error.problems) if isinstance(error, InvalidData) else 0
        first = str(error).splitlines()[0]
        return CaseSummary(None, None, None, 0, None, None, None, first, count, next_kind="profile")
    status = compute_status(profile, facts, now, case.root)
    return CaseSummary(
        name=profile.demandeur.nom_complet,
        route=profile.situation,
        first_attempt=status.first_attempt,
        weeks_with_proof=status.weeks_with_proof,
        days_since_last_attempt=status.days_since_last,
        next_step=status.next_step.text,
        days_until_expiry=status.days_until_expiry,
        birth_date=profile.demandeur.date_naissance,
        prefecture=profile.prefecture.nom,
        next_kind=next_kind(status.next_step.command),
    )


# The command of the next step -> the kind a volunteer filters on (first match wins).
NEXT_KINDS = (
    ("rdvletters record ar", "ar"),
    ("rdvletters record", "record"),
    ("rdvletters sent", "sent"),
    ("rdvletters email", "email"),
    ("rdvletters letter", "letter"),
    ("rdvletters referral", "referral"),
)


def next_kind(command: str) -> str:
    """``record``, ``email``, ``sent``, ``letter``, ``ar``, ``referral`` or ``lawyer`` (see
    a permanence or a lawyer: no command, or the dossier to bring)."""
    return next((kind for prefix, kind in NEXT_KINDS if command.startswith(prefix)), "lawyer")
