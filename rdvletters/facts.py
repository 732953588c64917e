"""What the journal says, in figures the documents need.

Turns journal entries into a dated list of steps (attempts, documents that went
out, answers received) and derives counts: attempts, weeks covered, e-mails,
letters, and the attempts not yet reported in an e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .journal import ATTEMPT_CHANNELS, CHANNELS, GENESIS, Entry, JournalState


@dataclass(frozen=True)
class Step:
    """One dated step, as it appears in a chronology."""

    n: int
    when: datetime
    channel: str
    description: str = ""
    witness: str | None = None
    tracking: str | None = None
    sent_document: str | None = None  # courriel | lettre | saisine, for steps that sent one
    relance: int | None = None
    pieces: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return CHANNELS[self.channel]

    @property
    def is_attempt(self) -> bool:
        return self.channel in ATTEMPT_CHANNELS


def _step(entry: Entry, documents: dict[int, Entry]) -> Step:
    data = entry.data
    pieces = tuple(p["fichier"] for p in data.get("pieces", []))
    if entry.kind == "envoi":
        doc = documents.get(data["document_n"])
        relance = doc.data.get("relance") if doc else None
        return Step(
            entry.n,
            entry.when,
            data["canal"],
            tracking=data.get("suivi"),
            sent_document=data["document"],
            relance=relance,
            pieces=pieces,
        )
    return Step(
        entry.n,
        entry.when,
        data["canal"],
        data.get("description", ""),
        witness=data.get("temoin"),
        pieces=pieces,
    )


@dataclass
class Facts:
    """Derived view of a journal, shared by every document and by ``status``."""

    steps: list[Step]
    listed_in_sent_emails: set[int] = field(default_factory=set)
    head: str = GENESIS  # SHA-256 of the journal's last line: fixes its state at a date
    entry_count: int = 0

    @classmethod
    def from_journal(cls, state: JournalState) -> Facts:
        documents = {e.n: e for e in state.entries if e.kind == "document"}
        steps = [
            _step(e, documents)
            for e in state.entries
            if e.kind in ("tentative", "evenement", "envoi")
        ]
        steps.sort(key=lambda s: (s.when, s.n))
        listed: set[int] = set()
        for e in state.entries:
            if e.kind == "envoi" and e.data["document"] == "courriel":
                doc = documents.get(e.data["document_n"])
                listed.update(doc.data.get("tentatives", []) if doc else [])
        return cls(steps, listed, state.last_hash, len(state.entries))

    @property
    def attempts(self) -> list[Step]:
        return [s for s in self.steps if s.is_attempt]

    def by_channel(self, channel: str) -> list[Step]:
        return [s for s in self.steps if s.channel == channel]

    @property
    def first_attempt(self) -> Step | None:
        return self.attempts[0] if self.attempts else None

    @property
    def attempt_days(self) -> set[date]:
        return {s.when.date() for s in self.attempts}

    @property
    def weeks_with_attempts(self) -> set[tuple[int, int]]:
        """Distinct ISO weeks (year, week) with at least one attempt."""
        return {s.when.isocalendar()[:2] for s in self.attempts}

    @property
    def weeks_covered(self) -> int:
        """Calendar weeks from the first attempt's week to the last's, inclusive."""
        if not self.attempts:
            return 0
        first = self.attempts[0].when.date()
        last = self.attempts[-1].when.date()
        monday_first = first.toordinal() - first.weekday()
        monday_last = last.toordinal() - last.weekday()
        return (monday_last - monday_first) // 7 + 1

    @property
    def emails(self) -> list[Step]:
        return self.by_channel("email")

    @property
    def new_since_last_email(self) -> list[Step]:
        """Attempts (other than e-mails) after the last e-mail and not yet reported in one."""
        emails = self.emails
        since = emails[-1].when if emails else None
        return [
            s
            for s in self.attempts
            if s.channel != "email"
            and s.n not in self.listed_in_sent_emails
            and (since is None or s.when > since)
        ]
