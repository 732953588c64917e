"""The journal's entries as dated steps: what every chronology is made of.

``effective_entries`` applies the corrections (``correction`` entries): a corrected
entry is read with its new date or text, a withdrawn one is left out, and the journal
itself is never rewritten. ``step_of`` reads one attempt, event or sending into a
``Step``: its date in Europe/Paris time, its proof files, and the times the
timestamping authorities vouch for (``stampcount``). ``Week`` is one calendar week of
attempts. The figures drawn from them all are ``facts``'s.

Who vouches for a proof's date is part of the step. A judge weighs it: photos dated
only by their file's metadata were refused (CE, 10 mars 2025, n° 472387), dates
of deposit with a third party that cannot alter them were accepted (CAA Lyon,
12 déc. 2023, n° 21LY04307). A proof is *dated by a third party* when an authority
vouches for the step within ``THIRD_PARTY_WINDOW`` of it (``Step.dating``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from .channels import ATTEMPT_CHANNELS
from .frdates import PARIS
from .journal import JournalState

STEP_TYPES = ("tentative", "evenement", "envoi")
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


def step_of(
    data: dict[str, Any],
    n: int,
    documents: dict[int, dict[str, Any]],
    stamps: tuple[tuple[str, datetime], ...] = (),
) -> Step:
    """Entry ``n`` (as corrected) read as a step; ``documents`` are the prepared
    documents by number, for what a sending sent."""
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
