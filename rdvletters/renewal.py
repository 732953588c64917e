"""Renewal deadlines: the R. 431-5 window, the expiry, and what may be said of them.

CESEDA R. 431-5 (1°): a permit on the ANEF list is renewed « entre le
cent-vingtième jour et le soixantième jour qui précède l'expiration »; any other
permit « dans le courant des deux mois précédant l'expiration ». Filed late, a
renewal can cost the droit de visa de régularisation of L. 436-5; filed in time
and complete on ANEF, it gives a right to the attestation de prolongation de
l'instruction of R. 431-15-1. What the letters say about timing depends on when
the first attempt inside that window was made, so it is computed once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .facts import Facts
from .profile import Profile

EXPIRY_SOON_DAYS = 45  # below this, the letter asks a shorter delay and comes first
SHORT_DELAY_DAYS = 8
USUAL_DELAY_DAYS = 15

WindowState = Literal["dans_le_delai", "hors_delai", "avant_le_delai", "aucune_demarche"]


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the last day of the month if it is shorter)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)  # not calendar: 2 ms to import
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def months_after(day: date, months: int) -> date:
    """The same day ``months`` months later (the last day of the month if it is shorter)."""
    return months_before(day, -months)


def window(expiry: date, anef: bool) -> tuple[date, date]:
    """First and last day (inclusive) to ask for the renewal in time."""
    if anef:
        return expiry - timedelta(days=120), expiry - timedelta(days=60)
    return months_before(expiry, 2), expiry


@dataclass(frozen=True)
class Renewal:
    """The renewal's dates and where the attempts fall."""

    expiry: date
    anef: bool
    start: date
    end: date
    state: WindowState
    first_in_window: date | None
    today: date

    @property
    def days_until_expiry(self) -> int:
        return (self.expiry - self.today).days

    @property
    def expired(self) -> bool:
        return self.today > self.expiry

    @property
    def without_title_since(self) -> date:
        return self.expiry + timedelta(days=1)

    @property
    def expires_soon(self) -> bool:
        return self.days_until_expiry <= EXPIRY_SOON_DAYS

    @property
    def in_time(self) -> bool:
        return self.state == "dans_le_delai"

    @property
    def first_application_from(self) -> date:
        """Six months after expiry, a new application is treated as a first one (R. 431-8)."""
        return months_after(self.expiry, 6)

    @property
    def window_over(self) -> bool:
        """The last day to ask in time is behind us (the letter then speaks in the past)."""
        return self.today > self.end

    @property
    def not_open_yet(self) -> bool:
        return self.today < self.start

    @property
    def window_missed(self) -> bool:
        """Nothing done in the window and the window is over: the person must get help."""
        return self.state == "hors_delai" or (
            self.state in ("aucune_demarche", "avant_le_delai") and self.window_over
        )


def renewal(expiry: date, anef: bool, facts: Facts, today: date) -> Renewal:
    """Where the attempts of ``facts`` fall against the R. 431-5 window."""
    start, end = window(expiry, anef)
    days = sorted(facts.attempt_days)
    inside = [d for d in days if start <= d <= end]
    if inside:
        state: WindowState = "dans_le_delai"
    elif any(d > end for d in days):
        state = "hors_delai"
    elif days:
        state = "avant_le_delai"
    else:
        state = "aucune_demarche"
    return Renewal(expiry, anef, start, end, state, inside[0] if inside else None, today)


def case_renewal(profile: Profile, facts: Facts, today: date) -> Renewal | None:
    """The renewal of this case, or None for a first application."""
    expiry = profile.demande.titre_actuel_expire_le
    if not profile.renewal or expiry is None:
        return None
    return renewal(expiry, profile.anef, facts, today)


def delay_asked(configured: int | None, renewal_: Renewal | None) -> int:
    """Days the letter gives the préfet: the profile's figure, else 8 when the permit is
    about to expire (or has expired), else 15."""
    if configured is not None:
        return configured
    if renewal_ is not None and renewal_.expires_soon:
        return SHORT_DELAY_DAYS
    return USUAL_DELAY_DAYS
