"""The registered letter's clock: when it was posted and received, and what runs from there.

The end of the delay the letter gave the préfet is counted from its receipt (the signed
card, else fifteen days after posting); the préfet's silence is counted from the signed
card, else, to be safe, from posting: seven weeks, then two months. These dates serve the
milestones (``deadlines``), the check (the letter's criterion, the wait before the
judge), the requête (the delay it cites) and the week's plan, which need the dates
without the rest of the case's milestones; they are computed here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..facts import Facts
from ..profile import Profile
from ..renewal import case_renewal, delay_asked, months_after
from ..steps import Step

RECEIPT_WAIT_DAYS = 15  # without the signed card, the letter is taken as received after this
PRUDENCE_WEEKS = 7  # from here, the two months after the letter's receipt come close
SILENCE_MONTHS = 2


def letter_delay(profile: Profile, facts: Facts, today: date) -> int:
    """The delay the last registered letter gave (kept in the journal), else the one it would."""
    sent = facts.letters_sent
    if sent and sent[-1].delay:
        return sent[-1].delay
    return delay_asked(profile.delai_convocation_jours, case_renewal(profile, facts, today))


@dataclass(frozen=True)
class LetterDates:
    """The last registered letter: posted, received (the card's date, if noted), the end of
    the delay it gave, and the date its receipt is counted from (the card, else posting)."""

    letter: Step
    posted: date
    received: date | None
    delay: int

    @property
    def counted_from(self) -> date:
        """When the préfet had the letter: the signed card, else fifteen days after posting."""
        return self.received or self.posted + timedelta(days=RECEIPT_WAIT_DAYS)

    @property
    def end(self) -> date:
        return self.counted_from + timedelta(days=self.delay)

    @property
    def silence_from(self) -> date:
        """The date the préfet's silence runs from: the signed card, else (to be safe) the
        day of posting."""
        return self.received or self.posted

    @property
    def prudence(self) -> date:
        return self.silence_from + timedelta(weeks=PRUDENCE_WEEKS)

    @property
    def two_months(self) -> date:
        return months_after(self.silence_from, SILENCE_MONTHS)


def letter_dates(profile: Profile, facts: Facts, today: date) -> LetterDates | None:
    """The dates of the last registered letter, or None before any was sent."""
    if not facts.letters_sent:
        return None
    letter = facts.letters_sent[-1]
    receipt = facts.receipt_of(letter)
    return LetterDates(
        letter,
        letter.when.date(),
        receipt.when.date() if receipt else None,
        letter_delay(profile, facts, today),
    )
