"""Prepared documents as a person thinks of them: one document, perhaps in two forms.

The weekly e-mail prepared as text and then as an ``.eml`` draft, or a letter prepared
in PDF and in Word, is one document: it goes out once. Each preparation is its own
journal entry (with its own file); they are one document when they are of the same
kind and nothing the document tells changed in between: no step, sending or correction
was journaled between them. Marking one form sent marks the document sent, and the
other form cannot be marked sent a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .journal import Entry, JournalState
from .steps import STEP_TYPES, effective_entries


@dataclass(frozen=True)
class Form:
    """One file of a document: its journal entry, format and file."""

    n: int
    fmt: str
    file: str
    when: datetime


@dataclass(frozen=True)
class PreparedDocument:
    """A document the tool generated, in one or more forms, and its sending if noted."""

    kind: str  # courriel | lettre | saisine | requete
    forms: tuple[Form, ...]
    sent: Entry | None

    @property
    def n(self) -> int:
        """The document's number: its first form's entry."""
        return self.forms[0].n

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(f.n for f in self.forms)

    @property
    def when(self) -> datetime:
        return self.forms[0].when

    @property
    def latest(self) -> Form:
        return self.forms[-1]


def document_groups(state: JournalState) -> list[PreparedDocument]:
    """Every prepared document in journal order, its forms grouped, with its sending."""
    current = dict(effective_entries(state))
    groups: list[list[Entry]] = []
    open_by_kind: dict[str, list[Entry]] = {}
    for entry in state.entries:
        if entry.kind == "correction" or (
            entry.kind in STEP_TYPES and entry.n in current
        ):  # what the documents tell has changed
            open_by_kind.clear()
        elif entry.kind == "document":
            kind = entry.data["document"]
            if kind in open_by_kind:
                open_by_kind[kind].append(entry)
            else:
                open_by_kind[kind] = [entry]
                groups.append(open_by_kind[kind])
    sendings = {
        data.get("document_n"): entry
        for entry in state.entries
        if entry.kind == "envoi" and (data := current.get(entry.n)) is not None
    }
    return [
        PreparedDocument(
            group[0].data["document"],
            tuple(Form(e.n, e.data["format"], e.data["fichier"], e.when) for e in group),
            next((sendings[e.n] for e in group if e.n in sendings), None),
        )
        for group in groups
    ]


def group_of(state: JournalState, number: int) -> PreparedDocument | None:
    """The document that entry ``number`` is one form of."""
    return next((g for g in document_groups(state) if number in g.numbers), None)


def unsent(state: JournalState, kind: str) -> list[PreparedDocument]:
    """Documents of ``kind`` prepared and not (yet) noted as sent, oldest first."""
    return [g for g in document_groups(state) if g.kind == kind and g.sent is None]
