"""The plan as an iCalendar file: attempt slots, the weekly e-mail, every deadline.

Built with the ``icalendar`` library (RFC 5545), never written by hand. Each event:

- has a UID made of its stable key and the case's calendar identifier
  (``essai-2026-W49-2.3f9a…@rdvletters``): importing the file again, or the phone
  refreshing its subscription, updates the event instead of adding one; this week's
  slots already kept (an attempt noted) come back as ``STATUS:CANCELLED``, so a file
  imported by hand loses them too;
- has a ``SEQUENCE`` that grows with the clock (minutes), so the newer copy wins;
- once published, is remembered (``feed.published``) until its day has passed: an
  event that drops out of the plan (the attempts, e-mails, letter and deadlines that an
  appointment or a registration ends) comes back as ``STATUS:CANCELLED``, same UID,
  higher ``SEQUENCE`` (RFC 5545, 3.8.1.11 and 3.8.7.4), for as long as its day is
  ahead, so that a file imported by hand and a subscription both lose it;
- has a DISPLAY alarm: a quarter of an hour before an attempt or the e-mail, at
  9:00 the day before a deadline (``-PT15H`` from an all-day event), at 9:00 on the
  day of a step of the ladder;
- says what to do and links to the page where it is done (the booking site for an
  attempt; the app's page when the calendar is served by the app);
- names nobody: the calendar's name holds the first name only, since a calendar may
  be synced to a third-party service (the person's phone, a mail provider).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from ..errors import OutputExistsError
from ..frdates import PARIS
from ..fsutil import read_small, replace_file, write_new
from ..i18n import _
from ..profile import Profile
from .feed import calendar_id, published, remember_published
from .plan import Item, WeekPlan, email_weekday, make_plan, milestone_item
from .plan_text import slot_action, slot_why
from .slots import SLOT_MINUTES, Slot, week_key

PRODID = "-//rdvletters//agenda//FR"
SLOT_ALARM = timedelta(minutes=-15)
DEADLINE_ALARM = timedelta(hours=-15)  # from midnight: 9:00 the day before
STEP_ALARM = timedelta(hours=9)  # 9:00 on the day
WEEKS = 4  # this week and the three after
MAX_ICS = 2 * 1024 * 1024
ITEM_KINDS = ("lettre", "suivi_lettre", "defenseur", "juge", "date_annoncee")


@dataclass(frozen=True)
class Links:
    """Where each thing is done: the app's pages (when the app serves the calendar), the
    booking site from the profile; the CLI's commands when there is no app."""

    record: str = ""
    documents: str = ""
    status: str = ""
    app: str = ""  # where to note it when no page can be linked (the association's app)

    def page(self, name: str) -> str:
        return getattr(self, name, "") or ""


def _alarm(trigger: timedelta, text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", trigger)
    return alarm


def _event(uid: str, summary: str, now: datetime, sequence: int) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("sequence", sequence)
    event.add("summary", summary)
    return event


def _describe(event: Event, lines: list[str], url: str) -> None:
    text = "\n".join(line for line in lines if line)
    if url:
        event.add("url", url)
        if url not in text:
            text += "\n" + url if text else url
    event.add("description", text)


def _slot_event(
    slot: Slot, route: str, ident: str, now: datetime, seq: int, site: str, links: Links
) -> Event:
    summary = slot_action(slot, route)
    event = _event(f"{slot.key}.{ident}@rdvletters", summary, now, seq)
    event.add("dtstart", slot.start)
    event.add("dtend", slot.start + timedelta(minutes=SLOT_MINUTES))
    where = links.record or links.app or f"rdvletters record {slot.channel} --proof capture.png"
    lines = [
        _("Moment choisi : {why}.").format(why=slot_why(slot)),
        _("Faites une capture où l'on voit l'adresse du site, la date et l'heure."),
        (_("Site : {url}").format(url=site) if site and slot.channel != "counter" else ""),
        _("Puis notez l'essai : {where}").format(where=where),
    ]
    _describe(event, lines, site if slot.channel != "counter" and site else links.record)
    event.add_component(_alarm(SLOT_ALARM, summary))
    return event


def _done_event(key: str, ident: str, start: datetime, now: datetime, seq: int) -> Event:
    event = _event(f"{key}.{ident}@rdvletters", _("Essai noté"), now, seq)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=SLOT_MINUTES))
    event.add("status", "CANCELLED")
    return event


def _day_event(item: Item, ident: str, now: datetime, seq: int, links: Links) -> Event:
    event = _event(f"{item.key}.{ident}@rdvletters", item.text, now, seq)
    if item.at is not None:
        start = datetime.combine(item.day, item.at, PARIS)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=30))
        trigger = SLOT_ALARM
    else:
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        trigger = DEADLINE_ALARM if item.deadline else STEP_ALARM
    lines = [item.detail]
    if item.estimated:
        lines.append(_("Date indicative : elle dépend de ce qui arrive d'ici là."))
    _describe(event, lines, links.page(item.page))
    event.add_component(_alarm(trigger, item.text))
    return event


def _emails(plan: WeekPlan, profile: Profile, facts_weekday: int) -> list[Item]:
    """The weekly e-mail of this week (if due) and of each later week of the plan."""
    items = [plan.email] if plan.email is not None else []
    if plan.closed:
        return items
    for week in plan.later_weeks:
        day = week.monday + timedelta(days=facts_weekday)
        if plan.waiting_until is not None and day <= plan.waiting_until:
            continue
        items.append(
            Item(
                "courriel",
                f"courriel-{week_key(week.monday)}",
                day,
                _("Envoyer le courriel de la semaine à la préfecture"),
                _("Il reprend les essais notés depuis le dernier courriel ; gardez sa copie .eml."),
                "documents",
                time(10, 0),
            )
        )
    return items


def build(
    plan: WeekPlan,
    profile: Profile,
    facts,
    ident: str,
    now: datetime,
    links: Links | None = None,
) -> Calendar:
    """The calendar of ``plan``: this week and the later weeks it holds, and every
    milestone of the case (passed ones too, their meaning said in the past)."""
    links = links or Links()
    seq = int(now.timestamp() // 60)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("rdvletters – {name}").format(name=profile.demandeur.prenom))
    cal.add("x-wr-timezone", "Europe/Paris")
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    site = profile.prefecture.site_rdv or ""
    if site and "://" not in site:
        site = f"https://{site}"
    week = week_key(plan.monday)
    noted = facts.attempts_in_week(plan.monday)
    for rank, step in enumerate(noted[: plan.per_week], start=1):
        cal.add_component(_done_event(f"essai-{week}-{rank}", ident, step.when, now, seq))
    for slot in plan.slots + [s for w in plan.later_weeks for s in w.slots]:
        cal.add_component(_slot_event(slot, plan.route, ident, now, seq, site, links))
    for item in _emails(plan, profile, email_weekday(profile, facts)):
        cal.add_component(_day_event(item, ident, now, seq, links))
    for item in plan.ahead:
        if item.kind in ITEM_KINDS:
            cal.add_component(_day_event(item, ident, now, seq, links))
    for milestone in plan.milestones:
        cal.add_component(_day_event(milestone_item(milestone, plan.today), ident, now, seq, links))
    cal.add_missing_timezones()  # the VTIMEZONE of Europe/Paris, which TZID= refers to
    return cal


def _start(event: Event) -> tuple[str, bool]:
    """The event's start as ISO text, and whether it is an all-day event."""
    start = event.decoded("dtstart")
    return start.isoformat(), not isinstance(start, datetime)


def _cancelled(uid: str, kept: dict, now: datetime, seq: int) -> Event:
    """The event ``uid`` published before, withdrawn: same UID, higher SEQUENCE."""
    event = _event(uid, kept.get("titre") or _("Événement retiré"), now, seq)
    if kept.get("jour"):
        start = date.fromisoformat(kept["debut"])
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(days=1))
    else:
        start_at = datetime.fromisoformat(kept["debut"]).astimezone(PARIS)
        event.add("dtstart", start_at)
        event.add("dtend", start_at + timedelta(minutes=SLOT_MINUTES))
    event.add("status", "CANCELLED")
    return event


def _day_of(kept: dict) -> date:
    return date.fromisoformat(kept["debut"][:10])


def _sequence(prev: dict | None, now_seq: int, cancelled: bool) -> int:
    """The clock's SEQUENCE, never below the one published before, and above it when the
    event's state changes (published -> cancelled, or back)."""
    if prev is None:
        return now_seq
    was_cancelled = bool(prev.get("annule"))
    if cancelled and was_cancelled:
        return prev["sequence"]  # the same cancellation, sent again
    return max(now_seq, prev["sequence"] + (cancelled != was_cancelled))


def withdraw(cal: Calendar, before: dict[str, dict], now: datetime) -> dict[str, dict]:
    """Add to ``cal`` a cancellation of every event published ``before`` that the plan no
    longer holds and whose day is not past; return what is now published (the events of
    ``cal`` and the cancellations still to send), for ``feed.remember_published``."""
    today = now.astimezone(PARIS).date()
    now_seq = int(now.timestamp() // 60)
    current: dict[str, dict] = {}
    for event in cal.walk("VEVENT"):
        uid = str(event["uid"])
        start, all_day = _start(event)
        cancelled = str(event.get("status", "")).upper() == "CANCELLED"
        sequence = _sequence(before.get(uid), now_seq, cancelled)
        event.pop("sequence", None)
        event.add("sequence", sequence)
        current[uid] = {
            "titre": str(event.get("summary", "")),
            "debut": start,
            "jour": all_day,
            "sequence": sequence,
            "annule": cancelled,
        }
    for uid, kept in before.items():
        if uid in current or _day_of(kept) < today:
            continue
        sequence = _sequence(kept, now_seq, True)
        cal.add_component(_cancelled(uid, kept, now, sequence))
        current[uid] = {**kept, "sequence": sequence, "annule": True}
    return {uid: kept for uid, kept in current.items() if _day_of(kept) >= today}


def case_calendar(
    root: Path, profile: Profile, facts, now: datetime, links: Links | None = None
) -> bytes:
    """The case's calendar as bytes, the plan made at ``now`` (Paris time); the events it
    published before and no longer holds, as cancellations."""
    plan = make_plan(profile, facts, now.astimezone(PARIS), root, weeks=WEEKS)
    cal = build(plan, profile, facts, calendar_id(root), now, links)
    remember_published(root, withdraw(cal, published(root), now))
    return cal.to_ical()


def write_ics(path: Path, data: bytes) -> bool:
    """Write the calendar to ``path``; a calendar rdvletters wrote there before is replaced
    (the point of the file is to be imported again, updated), anything else is never
    overwritten. True when a previous calendar was replaced."""
    if path.exists():
        head = read_small(path, MAX_ICS)
        if PRODID.encode() not in head[:4096]:
            raise OutputExistsError(
                _(
                    "Le fichier {path} existe déjà et n'est pas un agenda de rdvletters : il "
                    "n'est jamais écrasé."
                ).format(path=path),
                hint=_("Choisissez un autre nom de fichier."),
            )
        replace_file(path, data)
        return True
    write_new(path, data)
    return False
