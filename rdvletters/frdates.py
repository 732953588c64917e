"""Dates and times written the French way, in Europe/Paris time.

French writes "1er décembre" (not "1 décembre") and "9 h 15" (no leading zero). Month and day
names are a fixed table: no locale library to load, and a dossier of 50,000
dated steps writes them at once. Naive datetimes are never formatted: they
would be taken as UTC.
"""

from __future__ import annotations

import os
import re
import time
from datetime import date, datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

from .errors import DateToConfirm, InputError
from .i18n import _

PARIS = ZoneInfo("Europe/Paris")
EARLIEST_YEAR = 2015  # no step of a case can be older: earlier years are typos


CLOCK_VAR = "RDVLETTERS_NOW"


def now_paris() -> datetime:
    """The current time in Paris, timezone-aware.

    ``RDVLETTERS_NOW`` (ISO 8601 with its offset, « 2026-11-30T10:00:00+01:00 ») starts the
    clock at that instant instead, for this process and the ones it starts; the clock then
    runs on from there. The test suite states its own « now » this way, so that no test
    depends on the day it runs; a demonstration can replay a case at a given date.
    """
    stated = os.environ.get(CLOCK_VAR)
    if not stated:
        return datetime.now(PARIS)
    start, since = _stated_clock(stated)
    return start + timedelta(seconds=time.monotonic() - since)


@cache
def _stated_clock(stated: str) -> tuple[datetime, float]:
    """The instant ``RDVLETTERS_NOW`` states, and the monotonic time it was first read."""
    try:
        start = datetime.fromisoformat(stated)
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise InputError(
            _(
                "{var} « {value} » : date et heure ISO 8601 avec leur décalage attendues, "
                "par exemple 2026-11-30T10:00:00+01:00."
            ).format(var=CLOCK_VAR, value=stated[:40])
        )
    return start.astimezone(PARIS), time.monotonic()


def _day(d: date) -> str:
    return "1er" if d.day == 1 else str(d.day)


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")  # fmt: skip
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def jour(d: date) -> str:
    """``1er décembre 2026``."""
    return f"{_day(d)} {MONTHS[d.month - 1]} {d.year}"


def jour_complet(d: date) -> str:
    """``mardi 1er décembre 2026``."""
    return f"{WEEKDAYS[d.weekday()]} {jour(d)}"


def heure(dt: datetime) -> str:
    """``9 h 15`` in Paris time (the hour without a leading zero, the minutes with one)."""
    local = dt.astimezone(PARIS)
    return f"{local.hour} h {local:%M}"


def date_heure(dt: datetime) -> str:
    """``vendredi 27 novembre 2026 à 9 h 15`` in Paris time."""
    local = dt.astimezone(PARIS)
    return f"{jour_complet(local.date())} à {heure(local)}"


def date_courte(d: date) -> str:
    """``12/04/1990``."""
    return f"{d:%d/%m/%Y}"


_WHEN = re.compile(
    r"^\s*(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})|(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4}))"
    r"(?:[ T]+(?P<H>\d{1,2})(?:[:h]|\s*h\s*)(?P<M>\d{2}))?\s*$"
)


def parse_when(text: str, *, option: str = "--at") -> datetime:
    """Read ``2026-11-20 09:15`` or ``20/11/2026 09h15`` as Paris time.

    A date alone is refused for attempts: the hour is part of the evidence.
    """
    match = _WHEN.match(text)
    if not match or match["H"] is None:
        raise InputError(
            _(
                "{option} « {text} » : date et heure attendues, par exemple {option} "
                '"2026-11-20 09:15" ou {option} "20/11/2026 09:15".'
            ).format(option=option, text=text)
        )
    y, m, d = (
        (match["y"], match["m"], match["d"])
        if match["y"]
        else (match["y2"], match["m2"], match["d2"])
    )
    try:
        when = datetime(int(y), int(m), int(d), int(match["H"]), int(match["M"]), tzinfo=PARIS)
    except ValueError:  # Python's own words (« day is out of range ») are not shown
        raise InputError(
            _(
                "{option} « {text} » : ce jour ou cette heure n'existe pas (jour du mois, "
                "mois de 1 à 12, heure de 0 à 23, minutes de 0 à 59)."
            ).format(option=option, text=text)
        ) from None
    if when.year < EARLIEST_YEAR:
        raise InputError(
            _("{option} « {text} » : date antérieure à {year} ; vérifiez l'année.").format(
                option=option, text=text, year=EARLIEST_YEAR
            )
        )
    _refuse_gap(when, text, option)
    return when


def _refuse_gap(when: datetime, text: str, option: str) -> None:
    """Refuse a Paris time that the clocks skipped (the spring change, 02:00 to 03:00)."""
    back = when.astimezone(timezone.utc).astimezone(PARIS)
    if back.replace(tzinfo=None) != when.replace(tzinfo=None):
        raise InputError(
            _(
                "{option} « {text} » : cette heure n'a pas existé à Paris (passage à l'heure "
                "d'été) ; écrivez {time} si c'est l'heure que montrait votre téléphone."
            ).format(option=option, text=text, time=f"{back:%H:%M}")
        )


def past_or_now(
    text: str | None,
    *,
    option: str = "--at",
    first: datetime | None = None,
    confirmed: bool = False,
    confirm_hint: str | None = None,
) -> datetime:
    """A step's time: now when not given; never in the future (a step has happened).

    A date more than a year before the case's first step (``first``) is most often a
    typo (2016 for 2026) that would make every letter count hundreds of weeks: it is
    refused unless ``confirmed``; ``confirm_hint`` says how to confirm (the web form has
    a box to tick, the CLI an option).
    """
    now = now_paris()
    if text is None:
        return now.replace(second=0, microsecond=0)
    when = parse_when(text, option=option)
    if when > now + timedelta(minutes=5):
        raise InputError(
            _("{option} « {text} » : cette date est dans le futur.").format(
                option=option, text=text
            )
        )
    if first is not None and not confirmed and when < first - timedelta(days=365):
        raise DateToConfirm(
            _(
                "{option} « {text} » : plus d'un an avant la première démarche du dossier "
                "({first}). Faute de frappe dans l'année ?"
            ).format(option=option, text=text, first=f"{first:%d/%m/%Y}"),
            hint=confirm_hint or _("Si la date est juste, ajoutez --confirm-date."),
        )
    return when
