"""What the journal says, in the figures every output prints.

Turns journal entries into dated steps (attempts, documents that went out,
answers and receipts) and derives every figure from them, once, so that the
e-mail, the letter, the referral, ``status`` and the dossier cannot disagree:

- an *attempt* is a step towards the préfecture (``channels.ATTEMPT_CHANNELS``);
- an attempt is *justified* when something in the journal shows it (``justification``,
  the one definition every output uses): a file of its own (a screenshot, a copy of
  the e-mail, a registered letter's proof of posting), the witness statement noted for
  a witnessed counter visit, or the written answer kept for a numbered request (a CCC
  ticket, a Démarches simplifiées dossier); attempts recorded and attempts justified
  are two counts, never mixed up;
- *weeks* are calendar weeks, Monday to Sunday in Europe/Paris time, from the
  week of the first attempt to the week of the last one.

Corrections (``correction`` entries) are applied here: a corrected entry is read
with its new date or text, a withdrawn one is left out of every figure, and the
journal itself is never rewritten.

Who vouches for a proof's date is a fact too. A judge weighs it: photos dated
only by their file's metadata were refused (CE, 10 mars 2025, n° 472387), dates
of deposit with a third party that cannot alter them were accepted (CAA Lyon,
12 déc. 2023, n° 21LY04307). Each step carries the time each timestamping
authority vouches for (the earliest token, checked when it was received, that
covers the entry which set the step's date; a token whose root only the case
folder holds counts for nothing, as in ``verify``: ``token_counter``); a proof is
*dated by a third party* when one of them is within ``THIRD_PARTY_WINDOW`` of the step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any

from .channels import ATTEMPT_CHANNELS, NUMBERED_REQUESTS
from .frdates import PARIS
from .journal import GENESIS, JournalState

STEP_TYPES = ("tentative", "evenement", "envoi")
TOKEN_TYPE = "horodatage"
TRUSTED = "valide"  # a token's ``verification`` when its root was trusted on receipt
# a token kept but not counted: its root only the case's own settings name (the
# ``verification`` that ``tokens.UNRECOGNISED`` writes, what ``verify`` says of it)
UNVOUCHED = "autorité non reconnue"
THIRD_PARTY_WINDOW = timedelta(hours=1)
CLOCK_SLACK = timedelta(minutes=5)  # a computer's clock a little ahead of the authority's
# How a proof is dated: by a third party within the window, by one later (it existed at
# the latest then), or only by the person (the date typed) or the file (its metadata).
THIRD_PARTY, THIRD_PARTY_LATER, SELF_DATED = "tiers", "tiers_tardif", "personne"
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
    recorded: datetime | None = None  # when the entry was written (``enregistre_le``)
    piece_sha256: tuple[str, ...] = ()  # of each file of ``pieces``
    piece_dates: tuple[datetime | None, ...] = ()  # each file's own date (metadata, name)
    stamps: tuple[tuple[str, datetime], ...] = ()  # (authority, time it vouches for), by time
    announced: date | None = None  # a date the administration gave (an answer, a convocation)

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
    def third_party_at(self) -> datetime | None:
        """The earliest time a trusted authority vouches the step was recorded by."""
        return self.stamps[0][1] if self.stamps else None

    @property
    def dating(self) -> str | None:
        """``THIRD_PARTY``, ``THIRD_PARTY_LATER`` or ``SELF_DATED`` for a step with proof."""
        if not self.has_proof:
            return None
        at = self.third_party_at
        if at is None or at < self.when - CLOCK_SLACK:
            return SELF_DATED  # a token before the stated time vouches for nothing of it
        return THIRD_PARTY if at - self.when <= THIRD_PARTY_WINDOW else THIRD_PARTY_LATER

    @property
    def dated_by_third_party(self) -> bool:
        return self.dating == THIRD_PARTY

    @property
    def monday(self) -> date:
        day = self.when.date()
        return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    """One calendar week (Monday to Sunday) and what was done in it: the attempts made,
    and those justified (``Facts.justified``)."""

    monday: date
    attempts: int
    with_proof: int
    third_party: int = 0  # attempts whose proof a third party dated within the hour


def _own_date(piece: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(piece["date_propre"]) if piece.get("date_propre") else None
    except (TypeError, ValueError):
        return None


def _recorded(data: dict[str, Any]) -> datetime | None:
    """When the step's date was written: the entry's, or its correction's."""
    stamp = data.get("_date_enregistree") or data.get("enregistre_le")
    return datetime.fromisoformat(stamp) if stamp else None


def _step(
    data: dict[str, Any],
    n: int,
    documents: dict[int, dict[str, Any]],
    stamps: tuple[tuple[str, datetime], ...] = (),
) -> Step:
    pieces = data.get("pieces", [])
    common = {
        "n": n,
        "when": datetime.fromisoformat(data["date"]).astimezone(PARIS),
        "channel": data["canal"],
        "pieces": tuple(p["fichier"] for p in pieces),
        "corrected": bool(data.get("_corrige")),
        "recorded": _recorded(data),
        "piece_sha256": tuple(p["sha256"] for p in pieces),
        "piece_dates": tuple(_own_date(p) for p in pieces),
        "stamps": stamps,
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
    registered = data["canal"] == "letter" and bool(data.get("suivi"))
    return Step(
        **common,
        description=data.get("description", ""),
        witness=data.get("temoin"),
        reference=data.get("reference"),
        # a letter written by the person and sent registered (``record letter --tracking``)
        # is the registered letter, as one prepared here and marked sent
        tracking=data.get("suivi") if registered else None,
        sent_document="lettre" if registered else None,
        announced=_announced(data),
    )


def _announced(data: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(data["date_annoncee"]) if data.get("date_annoncee") else None
    except (TypeError, ValueError):
        return None


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
            if "date" in changes:  # the date now rests on the correction, not the entry
                current[target]["_date_n"] = entry.n
                current[target]["_date_enregistree"] = entry.data.get("enregistre_le")
    return list(current.items())


def token_counter(state: JournalState) -> Callable[[dict[str, Any]], bool]:
    """The test a token entry passes to count, the same for every figure: the case's
    judge (``evidence.proofs.stamptrust``: its root trusted outside the case), or, for a
    journal read without its case, the ``verification`` written on receipt."""
    if state.token_judge is not None:
        return state.token_judge()
    return lambda data: data.get("verification") == TRUSTED


def stamps_by_entry(
    state: JournalState, numbers: set[int]
) -> dict[int, tuple[tuple[str, datetime], ...]]:
    """For each entry number in ``numbers``: per authority, the earliest time a trusted
    token covering it vouches for, in time order. One pass from the end of the journal."""
    counts = token_counter(state)
    tokens = sorted(
        (
            (int(e.data["entree"]), datetime.fromisoformat(e.data["heure_tsa"]), e.data["autorite"])
            for e in state.entries
            if e.kind == TOKEN_TYPE and counts(e.data)
        ),
        reverse=True,
    )
    out: dict[int, tuple[tuple[str, datetime], ...]] = {}
    best: dict[str, datetime] = {}
    i = 0
    for n in sorted(numbers, reverse=True):
        while i < len(tokens) and tokens[i][0] >= n:
            __, at, who = tokens[i]
            if who not in best or at < best[who]:
                best[who] = at
            i += 1
        if best:
            out[n] = tuple(sorted(best.items(), key=lambda item: item[1]))
    return out


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
        steps = [_step(d, n, documents, stamps.get(d.get("_date_n", n), ())) for n, d in stepping]
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
