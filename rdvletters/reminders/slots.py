"""When to try: attempt slots spread over the days and hours the journal has not covered.

The 2019 note asks for attempts « si possible à des heures différentes », two or three
a week; the Conseil d'État wants them in different weeks (CE, 10 juin 2020, n° 435594).
A slot is a day and a time for one attempt. This week's slots are the attempts still
missing (``seuils.tentatives_par_semaine`` minus those noted since Monday); the weeks
after hold that many each. Each is placed where the journal is thinnest: the weekday
and the part of the day least used so far, one slot a day, inside the booking site's
or the counter's opening hours when the profile gives them (``openinghours``).

Everything is a pure function of the profile, the journal and the clock: the same
case gives the same slots, with the same keys, until an attempt is noted (which moves
the slots after it) or the week turns. A slot's ``key`` names its week and its rank
(``essai-2026-W49-2``): a calendar updates that event rather than adding one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..facts import Facts
from ..frdates import PARIS
from ..openinghours import Hours, parse
from ..profile import Profile

LEAD = timedelta(hours=1)  # a slot today is at least this far ahead
SLOT_MINUTES = 20
# Times tried when the profile gives no hours: early morning, lunchtime, evening.
DEFAULT_TIMES = (8 * 60 + 30, 12 * 60 + 30, 19 * 60)
COUNTER_DEFAULT = ((9 * 60, 12 * 60),)  # weekday mornings, when the counter's hours are unknown
# Parts of the day, for counting what the journal covers: (name, first minute).
PARTS = (("matin", 0), ("midi", 11 * 60), ("apres-midi", 14 * 60), ("soir", 17 * 60))


@dataclass(frozen=True)
class Slot:
    """One attempt to make: when, through which channel, and its stable key."""

    key: str
    start: datetime  # Europe/Paris
    channel: str  # web | anef | counter
    rank: int  # 1.. within its week
    opening: bool = False  # at the opening of the site's or the counter's hours

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=SLOT_MINUTES)

    @property
    def part(self) -> str:
        return part_of_day(self.start.hour * 60 + self.start.minute)

    @property
    def weekend(self) -> bool:
        return self.start.weekday() >= 5


def part_of_day(minute: int) -> str:
    return [name for name, first in PARTS if minute >= first][-1]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_key(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def main_channel(profile: Profile) -> str:
    """The attempt the week is built on: the booking site, or ANEF on the ANEF route."""
    return "anef" if profile.anef else "web"


@dataclass
class Coverage:
    """What the journal (and the slots already placed) covers: weekdays, parts of the
    day, and the two together."""

    weekdays: Counter
    parts: Counter
    pairs: Counter

    @classmethod
    def of(cls, moments: list[datetime]) -> Coverage:
        local = [m.astimezone(PARIS) for m in moments]
        return cls(
            Counter(m.weekday() for m in local),
            Counter(part_of_day(m.hour * 60 + m.minute) for m in local),
            Counter((m.weekday(), part_of_day(m.hour * 60 + m.minute)) for m in local),
        )

    def add(self, moment: datetime) -> None:
        part = part_of_day(moment.hour * 60 + moment.minute)
        self.weekdays[moment.weekday()] += 1
        self.parts[part] += 1
        self.pairs[(moment.weekday(), part)] += 1

    def score(self, moment: datetime) -> int:
        part = part_of_day(moment.hour * 60 + moment.minute)
        return (
            2 * self.pairs[(moment.weekday(), part)]
            + self.weekdays[moment.weekday()]
            + (self.parts[part])
        )


def _times(hours: Hours | None, weekday: int) -> list[tuple[int, bool]]:
    """(minute, at the opening) candidates on ``weekday``: inside the hours when given."""
    if hours is None:
        return [(m, False) for m in DEFAULT_TIMES]
    found: list[tuple[int, bool]] = []
    for start, end in hours.on(weekday):
        found.append((start, True))
        for minute in (12 * 60 + 30, end - 45):
            if start + 30 <= minute and minute + SLOT_MINUTES <= end:
                found.append((minute, False))
    return sorted(set(found))


def _candidates(
    days: list[date], hours: Hours | None, not_before: datetime
) -> list[tuple[datetime, bool]]:
    out = []
    for day in days:
        for minute, opening in _times(hours, day.weekday()):
            moment = datetime.combine(day, time(minute // 60, minute % 60), PARIS)
            if moment >= not_before:
                out.append((moment, opening))
    return out


def _pick(
    count: int,
    candidates: list[tuple[datetime, bool]],
    coverage: Coverage,
    busy_days: set[date],
) -> list[tuple[datetime, bool]]:
    """``count`` moments, each where the coverage is thinnest, one a day while days remain."""
    chosen: list[tuple[datetime, bool]] = []
    days_taken = set(busy_days)
    parts_taken: Counter = Counter()
    for _i in range(count):
        left = [c for c in candidates if c not in chosen]
        if not left:
            break
        free = [c for c in left if c[0].date() not in days_taken] or left

        def weight(item: tuple[datetime, bool], taken: set[date] = days_taken) -> tuple:
            moment = item[0]
            near = sum(1 for d in taken if abs((d - moment.date()).days) == 1)
            same_part = parts_taken[part_of_day(moment.hour * 60 + moment.minute)]
            return (same_part, coverage.score(moment) + near, moment)

        best = min(free, key=weight)
        chosen.append(best)
        days_taken.add(best[0].date())
        parts_taken[part_of_day(best[0].hour * 60 + best[0].minute)] += 1
        coverage.add(best[0])
    return sorted(chosen)


@dataclass(frozen=True)
class WeekSlots:
    monday: date
    done: int  # attempts noted in the week (this week only; later weeks: 0)
    slots: tuple[Slot, ...]


def _counter_slot(
    profile: Profile, monday: date, not_before: datetime, coverage: Coverage, rank: int
) -> Slot | None:
    hours = parse(profile.prefecture.horaires_guichet)
    weekdays = [d for d in range(7) if (hours.open_on(d) if hours else d < 5)]
    days = [monday + timedelta(days=d) for d in weekdays]
    opening = Hours(tuple(COUNTER_DEFAULT if d < 5 else () for d in range(7)))
    candidates = [
        c for c in _candidates(days, hours or opening, not_before) if c[1]
    ]  # at the opening: the counter's queue is shortest then
    picked = _pick(1, candidates, coverage, set())
    if not picked:
        return None
    moment, opening_time = picked[0]
    return Slot(f"guichet-{week_key(monday)}", moment, "counter", rank, opening_time)


def week_slots(
    profile: Profile,
    facts: Facts,
    now: datetime,
    monday: date,
    coverage: Coverage,
    counter: bool = False,
) -> WeekSlots:
    """The slots of the week starting ``monday`` (this week: from now on)."""
    per_week = profile.seuils.tentatives_par_semaine
    this_week = monday == monday_of(now.date())
    noted = facts.attempts_in_week(monday) if this_week else []
    done = len(noted)
    missing = max(0, per_week - done)
    not_before = now + LEAD if this_week else datetime.combine(monday, time(0), PARIS)
    days = [monday + timedelta(days=d) for d in range(7)]
    channel = main_channel(profile)
    slots: list[Slot] = []
    if counter and missing:
        visit = _counter_slot(profile, monday, not_before, coverage, per_week)
        if visit is not None:
            slots.append(visit)
            missing -= 1
    hours = parse(profile.prefecture.horaires_site)
    busy = {s.when.date() for s in noted} | {s.start.date() for s in slots}
    picked = _pick(missing, _candidates(days, hours, not_before), coverage, busy)
    key = week_key(monday)
    for rank, (moment, opening) in enumerate(picked, start=done + 1):
        slots.append(Slot(f"essai-{key}-{rank}", moment, channel, rank, opening))
    return WeekSlots(monday, done, tuple(sorted(slots, key=lambda s: s.start)))


def schedule(
    profile: Profile, facts: Facts, now: datetime, weeks: int = 4, counter: bool = False
) -> list[WeekSlots]:
    """This week's slots and those of the ``weeks - 1`` weeks after, each week placed as
    if the slots before it had been kept (so the weeks vary, too)."""
    channel = main_channel(profile)
    moments = [s.when for s in facts.attempts if s.channel in (channel, "counter")]
    coverage = Coverage.of(moments)
    monday = monday_of(now.astimezone(PARIS).date())
    out = []
    for k in range(weeks):
        week = week_slots(
            profile, facts, now, monday + timedelta(weeks=k), coverage, counter and k == 0
        )
        out.append(week)
    return out
