"""This week's plan: the attempts to make and when, the weekly e-mail's day, what follows.

A cadence tied to the case, as the best follow-up tools do for their requests
(MuckRock waits for the agency's own date, then follows up; FragDenStaat escalates its
wording with the months): the plan reads the journal and the clock, and

- places this week's missing attempts at varied times (``slots``);
- gives the weekly e-mail a day (``seuils.jour_courriel``, else the weekday of the last
  e-mail sent, else Friday, after the week's attempts), unless it went this week;
- dates what follows on the ladder: the registered letter (after about a month of
  attempts, at once when the permit expires soon), its receipt, the end of the delay it
  gave, the Défenseur des droits, and when rdvletters' benchmark for the judge would be
  met at this rhythm (``court.readiness``); the legal milestones come from
  ``court.deadlines``, never computed here;
- words the week by how long it has lasted and by what the administration said: a date
  it announced is waited for (no chasing before it), a CCC request unanswered after
  ``CCC_WAIT_DAYS`` calls for a second contact under its number, a letter without its
  signed card ``AR_WAIT_DAYS`` after posting calls for tracking it.

Texts are said in the current language when the plan is made (the CLI's, the page's,
or the language a person chose for their reminders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..court import deadlines, readiness
from ..court.letter_clock import RECEIPT_WAIT_DAYS, letter_dates, letter_delay
from ..court.milestone import Milestone
from ..facts import Facts
from ..i18n import _, ngettext
from ..localdates import day
from ..profile import Profile
from ..renewal import case_renewal
from ..steps import Step
from .slots import Slot, WeekSlots, monday_of, schedule, week_key

CCC_WAIT_DAYS = 10  # a CCC request unanswered this long: a second contact under its number
AR_WAIT_DAYS = 10  # a letter without its signed card this long after posting: track it
LETTER_AFTER_WEEKS = 4  # « plusieurs semaines sans réponse (par exemple un mois) »: README §4
EMAIL_TIME = time(10, 0)
DEFAULT_EMAIL_DAY = 4  # Friday: after the week's attempts
DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
HORIZON_WEEKS = 8  # the plan lists what follows within this many weeks


@dataclass(frozen=True)
class Item:
    """Something dated ahead: the weekly e-mail, a step of the ladder, a legal milestone.

    ``key`` is stable for the case (a calendar updates the event); ``page`` is where it
    is done (``record``, ``documents``, ``status``); ``deadline`` marks a legal date,
    reminded the day before."""

    kind: str
    key: str
    day: date
    text: str
    detail: str = ""
    page: str = "status"
    at: time | None = None
    deadline: bool = False
    estimated: bool = False  # « vers le … »: a date that depends on what comes first
    own_words: bool = False  # the text is the person's own (an urgency fact), not translated
    own_detail: bool = False  # the detail too (the consequence the person wrote)


@dataclass
class WeekPlan:
    today: date
    monday: date
    week_number: int  # weeks since the first attempt's week, this one included (0: none yet)
    per_week: int
    done: int  # attempts noted since Monday
    route: str
    slots: list[Slot]
    email: Item | None
    email_sent: date | None  # the e-mail of this week, when it went
    notes: list[str] = field(default_factory=list)  # escalation, the administration's words
    ahead: list[Item] = field(default_factory=list)
    waiting_until: date | None = None  # a date the administration announced
    later_weeks: list[WeekSlots] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    closed: bool = False  # an appointment or the registration is noted: no more chasing

    @property
    def key(self) -> str:
        return week_key(self.monday)


# --- the weekly e-mail ---------------------------------------------------------------
def email_weekday(profile: Profile, facts: Facts) -> int:
    chosen = profile.seuils.jour_courriel
    if chosen:
        return DAY_NAMES.index(chosen)
    if facts.emails:
        return facts.emails[-1].when.weekday()
    return DEFAULT_EMAIL_DAY


def _email(profile: Profile, facts: Facts, today: date, waiting: date | None) -> Item | None:
    monday = monday_of(today)
    if waiting is not None or any(s.monday == monday for s in facts.emails):
        return None
    when = max(today, monday + timedelta(days=email_weekday(profile, facts)))
    return Item(
        "courriel",
        f"courriel-{week_key(monday)}",
        when,
        _("Envoyer le courriel de la semaine à la préfecture"),
        _("Il reprend les essais notés depuis le dernier courriel ; gardez sa copie .eml."),
        "documents",
        EMAIL_TIME,
    )


# --- what the administration said -------------------------------------------------------
def announced(facts: Facts) -> Step | None:
    """The latest answer or convocation that gave a date."""
    dated = [s for s in facts.steps if s.channel in ("reply", "appointment") and s.announced]
    return dated[-1] if dated else None


def _administration(facts: Facts, today: date) -> tuple[list[str], date | None, list[Item]]:
    notes: list[str] = []
    items: list[Item] = []
    waiting = None
    promise = announced(facts)
    if promise is not None and promise.announced is not None:
        said = {
            "date": day(promise.announced),
            "when": day(promise.when.date()),
        }
        if promise.announced >= today:
            waiting = promise.announced
            # a convocation closes the référé: ``make_plan`` says so instead (``Closed``)
            notes.append(
                _(
                    "La préfecture a annoncé une date, le {date} (réponse notée le {when}) : "
                    "attendez cette date avant de relancer par courriel ou par lettre ; "
                    "continuez de noter vos essais."
                ).format(**said)
            )
            items.append(
                Item(
                    "date_annoncee",
                    f"annonce-{promise.n}",
                    promise.announced,
                    _("Date annoncée par la préfecture"),
                    _("Notez ce qui se passe ce jour-là (rendez-vous, réponse, ou rien)."),
                    "record",
                    deadline=True,
                )
            )
        elif not _after(facts, promise, ("appointment", "registration")):
            notes.append(
                _(
                    "La date annoncée par la préfecture ({date}) est passée sans suite notée : "
                    "reprenez les relances et dites-le dans le prochain courriel."
                ).format(**said)
            )
    notes += _ccc(facts, today) + _receipt(facts, today)
    return notes, waiting, items


def _after(facts: Facts, step: Step, channels: tuple[str, ...]) -> bool:
    return any(s.when > step.when for c in channels for s in facts.by_channel(c))


def _ccc(facts: Facts, today: date) -> list[str]:
    tickets = [s for s in facts.by_channel("ccc") if s.reference and not facts.answers_to(s)]
    if not tickets:
        return []
    last = tickets[-1]
    waited = (today - last.when.date()).days
    if waited < CCC_WAIT_DAYS:
        return []
    return [
        ngettext(
            "Votre demande n° {ref} au centre de contact citoyens, du {date}, est sans réponse "
            "depuis {n} jour : recontactez-le en rappelant ce numéro, et notez le nouveau "
            "contact avec son propre numéro.",
            "Votre demande n° {ref} au centre de contact citoyens, du {date}, est sans réponse "
            "depuis {n} jours : recontactez-le en rappelant ce numéro, et notez le nouveau "
            "contact avec son propre numéro.",
            waited,
        ).format(ref=last.reference, date=day(last.when.date()), n=waited)
    ]


def _receipt(facts: Facts, today: date) -> list[str]:
    if not facts.letters_sent:
        return []
    letter = facts.letters_sent[-1]
    waited = (today - letter.when.date()).days
    if facts.receipt_of(letter) is not None or waited < AR_WAIT_DAYS:
        return []
    if letter.tracking:
        text = _(
            "Pas d'avis de réception noté {n} jours après l'envoi de la lettre du {date} : "
            "suivez-la sur le site de La Poste avec son numéro {tracking}, et notez l'avis "
            "à la date signée dès qu'il revient."
        )
    else:
        text = _(
            "Pas d'avis de réception noté {n} jours après l'envoi de la lettre du {date} : "
            "suivez-la sur le site de La Poste avec le numéro de la preuve de dépôt, et notez "
            "l'avis à la date signée dès qu'il revient."
        )
    return [text.format(n=waited, date=day(letter.when.date()), tracking=letter.tracking or "")]


# --- how long it has lasted ---------------------------------------------------------------
def _week_number(facts: Facts, monday: date) -> int:
    first = facts.first_attempt
    if first is None:
        return 0
    return (monday - first.monday).days // 7 + 1


def _rhythm(plan: WeekPlan, needed: int, letter_sent: bool) -> str:
    n, w = plan.per_week, plan.week_number
    left = max(0, n - plan.done)
    if w == 0:
        return ngettext(
            "Première semaine : faites {n} essai cette semaine, à une heure que vous noterez, "
            "avec une capture d'écran où l'on voit la date et l'heure.",
            "Première semaine : faites {n} essais cette semaine, à des heures différentes, "
            "chacun avec une capture d'écran où l'on voit la date et l'heure.",
            n,
        ).format(n=n)
    if left == 0:
        return ngettext(
            "Semaine {w} : {done} essai noté cette semaine, le rythme est tenu.",
            "Semaine {w} : {done} essais notés cette semaine, le rythme est tenu.",
            plan.done,
        ).format(w=max(w, 1), done=plan.done)
    if w < LETTER_AFTER_WEEKS:
        return ngettext(
            "Semaine {w} : encore {n} essai cette semaine, à une heure différente des précédents.",
            "Semaine {w} : encore {n} essais cette semaine, à des heures différentes des "
            "précédents.",
            left,
        ).format(w=w, n=left)
    if not letter_sent:
        return ngettext(
            "Semaine {w} : plus d'un mois sans rendez-vous. Encore {n} essai cette semaine, "
            "et envoyez la lettre recommandée : elle montre que vous avez tout tenté.",
            "Semaine {w} : plus d'un mois sans rendez-vous. Encore {n} essais cette semaine, "
            "et envoyez la lettre recommandée : elle montre que vous avez tout tenté.",
            left,
        ).format(w=w, n=left)
    if w < needed:
        return ngettext(
            "Semaine {w} : la lettre recommandée est partie ; encore {n} essai cette semaine, "
            "à une heure différente des précédents.",
            "Semaine {w} : la lettre recommandée est partie ; encore {n} essais cette semaine, "
            "à des heures différentes des précédents.",
            left,
        ).format(w=w, n=left)
    return ngettext(
        "Semaine {w} : {needed} semaines de démarches sont passées. Gardez {n} essai cette "
        "semaine pour que la difficulté reste actuelle, et voyez une permanence juridique "
        "avec votre dossier.",
        "Semaine {w} : {needed} semaines de démarches sont passées. Gardez {n} essais cette "
        "semaine pour que la difficulté reste actuelle, et voyez une permanence juridique "
        "avec votre dossier.",
        left,
    ).format(w=w, needed=needed, n=left)


# --- the ladder, dated -------------------------------------------------------------------
def _letter_items(
    profile: Profile, facts: Facts, today: date, waiting: date | None
) -> tuple[list[Item], date | None]:
    """The letter (to send, or its receipt), and the day its delay ends (real or estimated)."""
    dates = letter_dates(profile, facts, today)
    if dates is not None:
        items = []
        if dates.received is None:
            items.append(
                Item(
                    "suivi_lettre",
                    f"lettre-{dates.letter.n}-suivi",
                    dates.posted + timedelta(days=AR_WAIT_DAYS),
                    _("Avis de réception de la lettre recommandée : l'avez-vous reçu ?"),
                    _(
                        "Notez-le à la date signée sur l'avis ; sinon suivez la lettre sur le site "
                        "de La Poste."
                    ),
                    "record",
                )
            )
        return items, dates.end
    renew = case_renewal(profile, facts, today)
    first = facts.first_attempt
    if renew is not None and (renew.expires_soon or renew.expired):
        when = today
    elif first is None:
        when = monday_of(today) + timedelta(weeks=LETTER_AFTER_WEEKS)
    else:
        when = max(today, first.monday + timedelta(weeks=LETTER_AFTER_WEEKS))
    if waiting is not None:
        when = max(when, waiting + timedelta(days=1))
    delay = letter_delay(profile, facts, today)
    end = when + timedelta(days=RECEIPT_WAIT_DAYS + delay)
    return [
        Item(
            "lettre",
            "lettre-envoi",
            when,
            _("Envoyer la lettre recommandée avec avis de réception"),
            _(
                "Elle demande une convocation dans un délai de {n} jours ; gardez la preuve de "
                "dépôt et notez son numéro."
            ).format(n=delay),
            "documents",
            estimated=when > today,
        )
    ], end


def _after_letter(facts: Facts, today: date, delay_end: date | None, check) -> list[Item]:
    items = []
    if facts.referral is None and delay_end is not None:
        items.append(
            Item(
                "defenseur",
                "defenseur",
                max(today, delay_end + timedelta(days=1)),
                _("Saisir le Défenseur des droits si la lettre reste sans effet"),
                _(
                    "Après la fin du délai donné par la lettre ; c'est gratuit, et cela ne "
                    "suspend aucun délai de recours."
                ),
                "documents",
                estimated=not facts.letters_sent or delay_end >= today,
            )
        )
    bench = check.benchmark
    if check.ready:
        items.append(
            Item(
                "juge",
                "juge",
                today,
                _("Les repères pour saisir le juge des référés sont réunis"),
                _("Voyez une permanence juridique ou un avocat avec votre dossier."),
                "status",
            )
        )
    elif not bench.advice_met:
        items.append(
            Item(
                "juge",
                "juge",
                bench.reached_on(today),
                _("Repère de rdvletters pour le juge atteint, à ce rythme"),
                ngettext(
                    "Si chaque semaine d'ici là compte {n} essai justifié ; ce n'est pas une "
                    "règle de droit.",
                    "Si chaque semaine d'ici là compte {n} essais justifiés ; ce n'est pas une "
                    "règle de droit.",
                    bench.per_week,
                ).format(n=bench.per_week),
                "status",
                estimated=True,
            )
        )
    return items


def milestone_item(m: Milestone, today: date) -> Item:
    return Item(
        "echeance",
        m.key,
        m.date,
        m.heading(),
        m.meaning(today),
        "status",
        deadline=True,
        own_words=not m.translated,
        own_detail=bool(m.own_words) and not m.passed(today),
    )


def make_plan(profile: Profile, facts: Facts, now: datetime, root, weeks: int = 4) -> WeekPlan:
    """The plan of the week containing ``now`` (Paris time), and the ``weeks - 1`` after."""
    today = now.date()
    monday = monday_of(today)
    notes, waiting, said_items = _administration(facts, today)
    counter_due = (
        not profile.anef
        and not any(s.witness for s in facts.by_channel("counter"))
        and bool(facts.emails)
    )
    weeks_slots = schedule(profile, facts, now, weeks, counter=counter_due)
    check = readiness.check(profile, facts, today, root)
    found = deadlines.milestones(profile, facts, today)
    letter_items, delay_end = _letter_items(profile, facts, today, waiting)
    emails_this_week = [s for s in facts.emails if s.monday == monday]
    plan = WeekPlan(
        today=today,
        monday=monday,
        week_number=_week_number(facts, monday),
        per_week=profile.seuils.tentatives_par_semaine,
        done=weeks_slots[0].done,
        route=profile.situation,
        slots=list(weeks_slots[0].slots),
        email=_email(profile, facts, today, waiting),
        email_sent=emails_this_week[-1].when.date() if emails_this_week else None,
        waiting_until=waiting,
        later_weeks=weeks_slots[1:],
        milestones=[m for m in found if not m.stale(today)],
    )
    horizon = today + timedelta(weeks=HORIZON_WEEKS)
    if check.closed is not None:
        # an appointment or the registration is noted: no attempt, e-mail, letter, Défenseur
        # or judge to plan any more (the calendar cancels those it had published)
        plan.closed, plan.slots, plan.email = True, [], None
        plan.later_weeks = [WeekSlots(w.monday, 0, ()) for w in plan.later_weeks]
        plan.notes = [check.closed.said()]  # the convocation, the letter: said there
        ahead = list(said_items)
    else:
        plan.notes = [_rhythm(plan, check.benchmark.needed, bool(facts.letters_sent)), *notes]
        ahead = said_items + letter_items + _after_letter(facts, today, delay_end, check)
    ahead += [milestone_item(m, today) for m in found if today <= m.date <= horizon]
    plan.ahead = sorted(ahead, key=lambda i: (i.day, i.kind))
    return plan
