"""Opening hours, as a person copies them from a préfecture's page: « lun-ven 09:00-16:00 ».

The week's plan (``reminders.slots``) places the booking-site attempts inside the
site's hours and a counter visit inside the counter's, when the profile gives them
(``prefecture.horaires_site``, ``prefecture.horaires_guichet``). One line per group
of days, each with one or more ranges::

    horaires_guichet: ["lun-ven 09:00-12:00, 13:30-16:00", "sam 09:00-12:00"]

Days are French abbreviations (``lun mar mer jeu ven sam dim``), a range
(``lun-ven``), a list (``lun,mer,ven``) or ``tous les jours``; times are ``HH:MM``
(``9h``, ``9h30`` are read too), ``24:00`` for midnight at the end of a day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import _

DAYS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
EVERY_DAY = ("tous les jours", "tlj", "7j/7")
_TIME = re.compile(r"^(\d{1,2})(?:[:hH](\d{2})?)?$")


@dataclass(frozen=True)
class Hours:
    """Per weekday (0 = Monday), the ranges open, in minutes after midnight."""

    ranges: tuple[tuple[tuple[int, int], ...], ...]  # 7 entries

    def open_on(self, weekday: int) -> bool:
        return bool(self.ranges[weekday])

    def on(self, weekday: int) -> tuple[tuple[int, int], ...]:
        return self.ranges[weekday]

    def contains(self, weekday: int, minute: int) -> bool:
        return any(start <= minute < end for start, end in self.ranges[weekday])


def _minutes(text: str, line: str) -> int:
    found = _TIME.match(text.strip())
    if not found:
        raise ValueError(
            _(
                "« {line} » : heure non reconnue « {time} » (attendu HH:MM, par exemple 09:00)"
            ).format(line=line, time=text.strip())
        )
    hours, minutes = int(found.group(1)), int(found.group(2) or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(
            _("« {line} » : heure impossible « {time} »").format(line=line, time=text.strip())
        )
    return hours * 60 + minutes


def _day(word: str, line: str) -> int:
    key = word.strip().lower().rstrip(".")[:3]
    if key not in DAYS:
        raise ValueError(
            _(
                "« {line} » : jour non reconnu « {day} » (attendu lun, mar, mer, jeu, ven, sam "
                "ou dim)"
            ).format(line=line, day=word.strip())
        )
    return DAYS.index(key)


def _days(text: str, line: str) -> list[int]:
    words = text.strip().lower()
    if words in EVERY_DAY:
        return list(range(7))
    days: list[int] = []
    for part in words.split(","):
        if "-" in part:
            first, last = (_day(p, line) for p in part.split("-", 1))
            days += list(range(first, last + 1)) if first <= last else []
            if first > last:
                raise ValueError(
                    _("« {line} » : période de jours à l'envers « {days} »").format(
                        line=line, days=part.strip()
                    )
                )
        else:
            days.append(_day(part, line))
    return days


def _line(line: str) -> tuple[list[int], list[tuple[int, int]]]:
    found = re.match(r"^\s*(.*?)\s+(\d{1,2}(?:[:hH]\d{0,2})?\s*-.*)$", line)
    if not found:
        raise ValueError(
            _(
                "« {line} » : attendu des jours puis des heures, par exemple "
                "« lun-ven 09:00-16:00 »"
            ).format(line=line)
        )
    days = _days(found.group(1), line)
    ranges = []
    for part in found.group(2).split(","):
        if "-" not in part:
            raise ValueError(
                _("« {line} » : plage horaire « {range} » sans tiret").format(
                    line=line, range=part.strip()
                )
            )
        start, end = (_minutes(p, line) for p in part.split("-", 1))
        if end <= start:
            raise ValueError(
                _("« {line} » : la plage « {range} » finit avant de commencer").format(
                    line=line, range=part.strip()
                )
            )
        ranges.append((start, end))
    return days, ranges


def parse(lines: list[str]) -> Hours | None:
    """The hours the lines give, or None for none; ValueError says which line is wrong."""
    if not lines:
        return None
    week: list[list[tuple[int, int]]] = [[] for _day in range(7)]
    for line in lines:
        days, ranges = _line(line)
        for weekday in days:
            week[weekday] = sorted(set(week[weekday]) | set(ranges))
    return Hours(tuple(tuple(day) for day in week))


def hours_field(value: object) -> object:
    """The profile's validator: a line or a list of lines, checked, kept as written."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    lines = [value] if isinstance(value, str) else value
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise ValueError(_("attendu une ligne comme « lun-ven 09:00-16:00 », ou une liste"))
    parse([" ".join(x.split()) for x in lines if x.strip()])
    return [" ".join(x.split()) for x in lines if x.strip()]
