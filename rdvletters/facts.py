"""What the journal says, in the figures every output prints.

Derives every figure from the journal's dated steps (``steps``: corrections applied,
each step with the times the timestamping authorities vouch for, ``stampcount``),
once, so that the e-mail, the letter, the referral, ``status`` and the dossier cannot
disagree:

- an *attempt* is a step towards the préfecture (``channels.ATTEMPT_CHANNELS``);
- an attempt is *justified* when something in the journal shows it (``justification``,
  the one definition every output uses): a file of its own (a screenshot, a copy of
  the e-mail, a registered letter's proof of posting), the witness statement noted for
  a witnessed counter visit, or the written answer kept for a numbered request (a CCC
  ticket, a Démarches simplifiées dossier); attempts recorded and attempts justified
  are two counts, never mixed up;
- *weeks* are calendar weeks, Monday to Sunday in Europe/Paris time, from the
  week of the first attempt to the week of the last one;
- proofs are counted by who dates them (``proofs_by_dating``, from ``Step.dating``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from .channels import NUMBERED_REQUESTS
from .journal import GENESIS, JournalState
from .stampcount import stamps_by_entry
from .steps import (
    SELF_DATED,
    STEP_TYPES,
    THIRD_PARTY,
    THIRD_PARTY_LATER,
    Step,
    Week,
    effective_entries,
    step_of,
)


@dataclass
class Facts:
    """Derived view of a journal, shared by every document and by ``status``."""

    steps: list[Step]
    listed_in_sent_emails: set[int] = field(default_factory=set)
    head: str = GENESIS  # SHA-256 of the journal's last line: fixes its state at a date
    entry_count: int = 0
    documents: dict[int, dict[str, Any]] = field(default_factory=dict)
    head_n: int = 0  # number of the journal's last entry, the one ``head`` is the hash of
    # The last entry that can change the pieces (any but a document prepared, which adds
    # no step): the requête and the dossier name this state, so both give the same one
    # whichever is made first.
    evidence_n: int = 0
    evidence_head: str = GENESIS

    @classmethod
    def from_journal(cls, state: JournalState) -> Facts:
        entries = effective_entries(state)
        documents = {n: d for n, d in entries if d["type"] == "document"}
        stepping = [(n, d) for n, d in entries if d["type"] in STEP_TYPES]
        stamps = stamps_by_entry(state, {d.get("_date_n", n) for n, d in stepping})
        steps = [step_of(d, n, documents, stamps.get(d.get("_date_n", n), ())) for n, d in stepping]
        steps.sort(key=lambda s: (s.when, s.n))
        listed: set[int] = set()
        for _, d in entries:
            if d["type"] == "envoi" and d["document"] == "courriel":
                listed.update(documents.get(d["document_n"], {}).get("tentatives", []))
        head_n = state.entries[-1].n if state.entries else 0
        last = next((e for e in reversed(state.entries) if e.kind != "document"), None)
        return cls(
            steps,
            listed,
            state.last_hash,
            len(state.entries),
            documents,
            head_n,
            last.n if last else 0,
            last.digest if last else GENESIS,
        )

    @property
    def evidence_state(self) -> str:
        """« l'entrée n° 31 (empreinte 4e3f1d9e319361a1) »: the journal state the numbered
        pieces describe, in the words of the requête and the dossier."""
        if not self.evidence_n:
            return "un journal sans démarche"
        return f"l'entrée n° {self.evidence_n} (empreinte {self.evidence_head[:16]})"

    # --- attempts ---------------------------------------------------------------
    @property
    def attempts(self) -> list[Step]:
        return list(self._attempts)

    @cached_property
    def _attempts(self) -> tuple[Step, ...]:
        """Found once: a ``Facts`` is not changed after ``from_journal`` (``statements``
        is kept the same way), and ``status`` asks for the attempts many times."""
        return tuple(s for s in self.steps if s.is_attempt)

    @property
    def attempts_with_proof(self) -> list[Step]:
        """The attempts justified (``justified``): what every « dont N avec justificatif »
        counts."""
        return list(self._attempts_with_proof)

    @cached_property
    def _attempts_with_proof(self) -> tuple[Step, ...]:
        return tuple(s for s in self._attempts if self.justified(s))

    # --- what justifies a step (one definition for every output) --------------------
    @cached_property
    def statements(self) -> dict[int, Step]:
        """Witnessed counter visit (its entry number) -> the witness statement noted for it:
        each statement counts for the earliest witnessed visit before it still without one."""
        left = sorted(self.by_channel("attestation"), key=lambda s: (s.when, s.n))
        found: dict[int, Step] = {}
        for visit in self.by_channel("counter"):
            if not visit.witness:
                continue
            match = next((t for t in left if t.when >= visit.when), None)
            if match is not None:
                found[visit.n] = match
                left.remove(match)
        return found

    def visit_of(self, statement: Step) -> Step | None:
        """The counter visit a witness statement is for."""
        return next(
            (v for v in self.by_channel("counter") if self.statements.get(v.n) == statement),
            None,
        )

    def justification(self, step: Step) -> tuple[Step, ...]:
        """The steps whose record shows ``step``: itself when it has a file; for a
        witnessed counter visit, the statement noted for it (its file may still be to
        add); for a numbered request, each answer received under its number with a file."""
        found = (step,) if step.has_proof else ()
        statement = self.statements.get(step.n) if step.channel == "counter" else None
        if statement is not None:
            found += (statement,)
        if step.channel in NUMBERED_REQUESTS:
            found += tuple(r for r in self.answers_to(step) if r.has_proof)
        return found

    def justified(self, step: Step) -> bool:
        return bool(self.justification(step))

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
        return list(self._weeks)

    @cached_property
    def _weeks(self) -> tuple[Week, ...]:
        attempts = self._attempts
        if not attempts:
            return ()
        counts: dict[date, list[int]] = {}
        for step in attempts:
            tally = counts.setdefault(step.monday, [0, 0, 0])
            tally[0] += 1
            tally[1] += self.justified(step)
            tally[2] += step.dated_by_third_party
        rows, monday = [], attempts[0].monday
        while monday <= attempts[-1].monday:
            made, proven, dated = counts.get(monday, (0, 0, 0))
            rows.append(Week(monday, made, proven, dated))
            monday += timedelta(days=7)
        return tuple(rows)

    def proofs_by_dating(self) -> dict[str, int]:
        """Attempts with a proof file of their own, by who dates it (``THIRD_PARTY``…): one
        count for ``status``, ``recours --check``, the fiche and the requête. (A visit
        justified by its witness's statement has no file of its own to date.)"""
        counts = {THIRD_PARTY: 0, THIRD_PARTY_LATER: 0, SELF_DATED: 0}
        for step in self.attempts:
            if step.has_proof:  # a proof file of its own: what a date can be vouched for
                counts[step.dating] += 1  # type: ignore[index]
        return counts

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

    @cached_property
    def linked_answers(self) -> set[int]:
        """Replies that answer a numbered request (same reference), not the préfecture's
        service as a whole."""
        numbered = [s for s in self.steps if s.channel in NUMBERED_REQUESTS]
        return {r.n for s in numbered for r in self.answers_to(s)}

    @property
    def prefecture_replies(self) -> list[Step]:
        """Answers of the préfecture's service: the replies not under a request's number."""
        return [r for r in self.by_channel("reply") if r.n not in self.linked_answers]

    def answered(self, email: Step) -> bool:
        """An e-mail is answered when a reply of the service came after it and before the
        next e-mail (the tool cannot tell which message a reply answers beyond that)."""
        emails = self.emails
        later = [e.when for e in emails if e.when > email.when]
        until = later[0] if later else None
        return any(
            r.when >= email.when and (until is None or r.when < until)
            for r in self.prefecture_replies
        )

    @property
    def visits_without_statement(self) -> list[Step]:
        """Counter visits with no witness statement noted for them."""
        return [v for v in self.by_channel("counter") if v.n not in self.statements]

    @property
    def referral(self) -> Step | None:
        """The first referral to the Défenseur des droits: sent by post or made otherwise."""
        return next((s for s in self.steps if s.channel == "defenseur"), None)
