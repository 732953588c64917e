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
from .journal import Entry, JournalState
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


def summarize(case: Case, now: datetime) -> CaseSummary:
    """The case's row: the same figures as ``status`` (files are not re-hashed here)."""
    try:
        profile = case.load().profile
        facts = Facts.from_journal(case.journal.read())
    except RdvError as error:
        count = len(error.problems) if isinstance(error, InvalidData) else 0
        return CaseSummary(None, None, None, 0, None, None, None, str(error).splitlines()[0], count)
    status = compute_status(profile, facts, now, case.root)
    return CaseSummary(
        name=profile.demandeur.nom_complet,
        route=profile.situation,
        first_attempt=status.first_attempt,
        weeks_with_proof=status.weeks_with_proof,
        days_since_last_attempt=status.days_since_last,
        next_step=status.next_step.text,
        days_until_expiry=status.days_until_expiry,
    )


@dataclass(frozen=True)
class PreparedDocument:
    """A document the tool generated, and the journal entry that says it went out."""

    n: int
    kind: str  # courriel | lettre | saisine
    fmt: str
    when: datetime
    file: str
    sent: Entry | None


def prepared_documents(state: JournalState) -> list[PreparedDocument]:
    """Every generated document, newest first, with its sending if noted."""
    sent = {e.data.get("document_n"): e for e in state.entries if e.kind == "envoi"}
    return [
        PreparedDocument(
            e.n, e.data["document"], e.data["format"], e.when, e.data["fichier"], sent.get(e.n)
        )
        for e in reversed(state.entries)
        if e.kind == "document"
    ]
