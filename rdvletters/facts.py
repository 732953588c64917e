"""What the journal says, in the figures every output prints.

Turns journal entries into dated steps (attempts, documents that went out,
answers and receipts) and derives every figure from them, once, so that the
e-mail, the letter, the referral, ``status`` and the dossier cannot disagree:

- an *attempt* is a step towards the préfecture (``channels.ATTEMPT_CHANNELS``);
- an attempt *with proof* has at least one file that shows it (a screenshot, a
  copy of the e-mail, a proof of posting); the two counts are never mixed up;
- *weeks* are calendar weeks, Monday to Sunday in Europe/Paris time, from the
  week of the first attempt to the week of the last one.

Corrections (``correction`` entries) are applied here: a corrected entry is read
with its new date or text, a withdrawn one is left out of every figure, and the
journal itself is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from .channels import ATTEMPT_CHANNELS
from .frdates import PARIS
from .journal import GENESIS, JournalState

STEP_TYPES = ("tentative", "evenement", "envoi")
HEADER_COPY_SUFFIXES = (".eml", ".msg")  # e-mail copies that keep their headers


@dataclass(frozen=True)
class Step:
    """One dated step, as it appears in a chronology."""

    n: int
    when: datetime  # Europe/Paris
    channel: str
    description: str = ""
    witness: str | None = None
    reference: str | None = None
    tracking: str | None = None
    sent_document: str | None = None  # courriel | lettre | saisine, for steps that sent one
    relance: int | None = None
    pieces: tuple[str, ...] = ()  # case-relative paths of the proof files recorded with it
    sent_copy: str | None = None  # the exact bytes sent by ``email --send``
    document_file: str | None = None  # the prepared document that went out
    delay: int | None = None  # days a registered letter gave the préfet
    corrected: bool = False

    @property
    def proofs(self) -> tuple[str, ...]:
        """Every file that shows the step: the exact copy sent, then the proofs recorded."""
        return ((self.sent_copy,) if self.sent_copy else ()) + self.pieces

    @property
    def is_attempt(self) -> bool:
        return self.channel in ATTEMPT_CHANNELS

    @property
    def has_proof(self) -> bool:
        return bool(self.proofs)

    @property
    def has_header_copy(self) -> bool:
        """An e-mail kept as .eml (or .msg): its headers prove sender, recipient and date."""
        return any(PurePosixPath(p).suffix.lower() in HEADER_COPY_SUFFIXES for p in self.proofs)

    @property
    def monday(self) -> date:
        day = self.when.date()
        return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    """One calendar week (Monday to Sunday) and what was done in it."""

    monday: date
    attempts: int
    with_proof: int


def _step(data: dict[str, Any], n: int, documents: dict[int, dict[str, Any]]) -> Step:
    common = {
        "n": n,
        "when": datetime.fromisoformat(data["date"]).astimezone(PARIS),
        "channel": data["canal"],
        "pieces": tuple(p["fichier"] for p in data.get("pieces", [])),
        "corrected": bool(data.get("_corrige")),
    }
    if data["type"] == "envoi":
        document = documents.get(data["document_n"], {})
        return Step(
            **common,
            tracking=data.get("suivi"),
            sent_document=data["document"],
            relance=document.get("relance"),
            sent_copy=data.get("fichier"),
            document_file=document.get("fichier"),
            delay=document.get("delai"),
        )
    return Step(
        **common,
        description=data.get("description", ""),
        witness=data.get("temoin"),
        reference=data.get("reference"),
    )


def effective_entries(state: JournalState) -> list[tuple[int, dict[str, Any]]]:
    """(n, data) of every entry as corrected; withdrawn entries and corrections left out."""
    current: dict[int, dict[str, Any]] = {}
    for entry in state.entries:
        if entry.kind != "correction":
            current[entry.n] = entry.data
            continue
        target = entry.data.get("corrige")
        if target not in current:
            continue
        if entry.data.get("retire"):
            del current[target]
        else:
            changes = {k: v for k, v in entry.data.get("valeurs", {}).items()}
            current[target] = {**current[target], **changes, "_corrige": entry.n}
    return list(current.items())


@dataclass
class Facts:
    """Derived view of a journal, shared by every document and by ``status``."""

    steps: list[Step]
    listed_in_sent_emails: set[int] = field(default_factory=set)
    head: str = GENESIS  # SHA-256 of the journal's last line: fixes its state at a date
    entry_count: int = 0
    documents: dict[int, dict[str, Any]] = field(default_factory=dict)
    head_n: int = 0  # number of the journal's last entry, the one ``head`` is the hash of

    @classmethod
    def from_journal(cls, state: JournalState) -> Facts:
        entries = effective_entries(state)
        documents = {n: d for n, d in entries if d["type"] == "document"}
        steps = [_step(d, n, documents) for n, d in entries if d["type"] in STEP_TYPES]
        steps.sort(key=lambda s: (s.when, s.n))
        listed: set[int] = set()
        for _, d in entries:
            if d["type"] == "envoi" and d["document"] == "courriel":
                listed.update(documents.get(d["document_n"], {}).get("tentatives", []))
        head_n = state.entries[-1].n if state.entries else 0
        return cls(steps, listed, state.last_hash, len(state.entries), documents, head_n)

    # --- attempts ---------------------------------------------------------------
    @property
    def attempts(self) -> list[Step]:
        return [s for s in self.steps if s.is_attempt]

    @property
    def attempts_with_proof(self) -> list[Step]:
        return [s for s in self.attempts if s.has_proof]

    @property
    def first_attempt(self) -> Step | None:
        attempts = self.attempts
        return attempts[0] if attempts else None

    @property
    def last_attempt(self) -> Step | None:
        attempts = self.attempts
        return attempts[-1] if attempts else None

    def by_channel(self, channel: str) -> list[Step]:
        return [s for s in self.steps if s.channel == channel]

    @property
    def attempt_days(self) -> set[date]:
        return {s.when.date() for s in self.attempts}

    # --- weeks (one definition for every output) -------------------------------
    @property
    def weeks(self) -> list[Week]:
        """Every calendar week from the first attempt's to the last attempt's, in order."""
        attempts = self.attempts
        if not attempts:
            return []
        counts: dict[date, list[int]] = {}
        for step in attempts:
            tally = counts.setdefault(step.monday, [0, 0])
            tally[0] += 1
            tally[1] += step.has_proof
        rows, monday = [], attempts[0].monday
        while monday <= attempts[-1].monday:
            made, proven = counts.get(monday, (0, 0))
            rows.append(Week(monday, made, proven))
            monday += timedelta(days=7)
        return rows

    @property
    def weeks_covered(self) -> int:
        return len(self.weeks)

    @property
    def weeks_with_attempts(self) -> int:
        return len({s.monday for s in self.attempts})

    @property
    def weeks_with_proof(self) -> int:
        return len({s.monday for s in self.attempts_with_proof})

    def attempts_in_week(self, day: date) -> list[Step]:
        monday = day - timedelta(days=day.weekday())
        return [s for s in self.attempts if s.monday == monday]

    # --- e-mails ----------------------------------------------------------------
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

    def waiting(self, kind: str) -> int | None:
        """The number of a document of ``kind`` prepared after the last step and not sent
        since (a sending is a step): a draft waiting to go out, whose next step is to be
        marked sent rather than prepared again."""
        last_step = max((s.n for s in self.steps), default=0)
        drafts = [n for n, d in self.documents.items() if d["document"] == kind and n > last_step]
        return min(drafts) if drafts else None

    # --- registered letters and their receipts ---------------------------------
    @property
    def letters_sent(self) -> list[Step]:
        return [s for s in self.steps if s.sent_document == "lettre"]

    def receipt_of(self, letter: Step) -> Step | None:
        """The signed AR card recorded for ``letter``: the first one after it was posted."""
        later = [s for s in self.letters_sent if s.when > letter.when]
        until = later[0].when if later else None
        return next(
            (
                ar
                for ar in self.by_channel("ar")
                if ar.when >= letter.when and (until is None or ar.when < until)
            ),
            None,
        )

    # --- answers ----------------------------------------------------------------
    def answers_to(self, step: Step) -> list[Step]:
        """Answers recorded with the same reference (a CCC ticket, for instance)."""
        if not step.reference:
            return []
        return [r for r in self.by_channel("reply") if r.reference == step.reference]

    @property
    def visits_without_statement(self) -> list[Step]:
        """Counter visits with no witness statement recorded after them (each statement
        counts for the earliest witnessed visit before it)."""
        statements = sorted(s.when for s in self.by_channel("attestation"))
        uncovered = []
        for visit in self.by_channel("counter"):
            match = (
                next((t for t in statements if t >= visit.when), None) if visit.witness else None
            )
            if match is None:
                uncovered.append(visit)
            else:
                statements.remove(match)
        return uncovered

    @property
    def referral(self) -> Step | None:
        """The first referral to the Défenseur des droits: sent by post or made otherwise."""
        return next((s for s in self.steps if s.channel == "defenseur"), None)
