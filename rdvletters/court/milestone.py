"""What a dated milestone of a case is, and how it reads: ``Milestone``.

``deadlines`` computes the list (which dates the law and the case give); this module is
the shape each of them takes, and what every reader of that list asks of one: passed,
near, to be marked « ATTENTION », or stale (an opening once passed); its heading, a
neutral label, what it means before and after. Kept apart from how the list is made:
its readers (status, the check, the plan and its calendar) need the type, not the law
that dates each milestone.

A ``Milestone`` keeps its words as catalog messages and says them when asked, so the
same list reads in the person's language on screen and in French in the dossier. Its
``key`` is stable for a case (the same milestone keeps its key from one run to the
next), for a calendar entry to be updated rather than duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..i18n import _
from ..localdates import day

NEAR_DAYS = 30  # a milestone this close, or passed, is marked « ATTENTION »
OPENINGS = ("renouvellement_debut",)  # once passed, nothing is left to do about them


@dataclass(frozen=True)
class Milestone:
    """One dated milestone: what it is (``kind``, a stable ``key``), when, and what it
    means before and after (catalog messages, said in the current language)."""

    kind: str
    key: str
    date: date
    title: str  # catalog message, or the person's own words (an urgency fact)
    coming: str  # what it means while it is ahead
    gone: str  # what it meant, once passed
    values: tuple[tuple[str, Any], ...] = ()  # placeholders of the messages
    translated: bool = True  # False: ``title`` is the person's words, shown as written
    own_words: str = ""  # what it means in the person's words (an urgency's consequence)

    def passed(self, today: date) -> bool:
        return self.date < today

    def near(self, today: date, days: int = NEAR_DAYS) -> bool:
        return today <= self.date <= today + timedelta(days=days)

    def attention(self, today: date) -> bool:
        """Within ``NEAR_DAYS`` or already passed."""
        return self.passed(today) or self.near(today)

    def stale(self, today: date) -> bool:
        """Passed and meaning nothing any more (a window's opening): a list may leave it out."""
        return self.kind in OPENINGS and self.passed(today)

    def days_left(self, today: date) -> int:
        return (self.date - today).days

    def _said(self) -> dict[str, Any]:
        return {k: day(v) if isinstance(v, date) else v for k, v in self.values}

    def heading(self) -> str:
        """What it is, in a few words; an urgency fact's own words are quoted as the
        person's, never pasted into a sentence addressed to them (they say « je »)."""
        if not self.translated:
            return _("Fait d'urgence noté dans votre profil : « {words} »").format(words=self.title)
        return _(self.title).format(**self._said())

    def label(self) -> str:
        """What it is, for advice that names it in passing (« N'attendez pas… »): for an
        urgency fact, a neutral label and never the person's words."""
        return self.heading() if self.translated else _("fait d'urgence noté dans votre profil")

    def meaning(self, today: date) -> str:
        """What it means, in the future or the past tense, in the current language; the
        consequence the person wrote is quoted as their words."""
        said = _(self.gone if self.passed(today) else self.coming).format(**self._said())
        if self.own_words and not self.passed(today):
            return _("{said} Conséquence, dans vos mots : « {words} »").format(
                said=said, words=self.own_words
            )
        return said
