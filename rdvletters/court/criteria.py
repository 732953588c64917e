"""The criteria of the référé check, one by one, each with its figure and what to do:
the ``Criterion`` line, and the criteria the journal answers.

Each criterion says what judges have asked for (CE, 10 juin 2020, n° 435594: attempts in
several different weeks; R. 431-2: the ANEF diligences) or what the associations advise
(the benchmark of justified weeks), met or not, in the person's language. The criteria
the demand itself answers (urgency, the renewal window, a complete dossier) are in
``demand_criteria``; ``readiness`` puts them all together and gives the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..facts import Facts
from ..i18n import _, ngettext
from ..localdates import day
from ..profile import Profile
from .letter_clock import RECEIPT_WAIT_DAYS, LetterDates
from .milestone import Milestone

LEGAL_FLOOR_WEEKS = 2  # CE 435594: attempts « n'ayant pas été effectuées la même semaine »
FRESH_DAYS = 7  # a judge wants the difficulty to be current on the day of the référé
NOT_CRITERIA = ("defenseur", "dates")  # said with the check, never what makes it « not yet »


@dataclass
class Criterion:
    """One line of the check."""

    key: str
    name: str
    met: bool
    figure: str
    todo: str = ""
    command: str = ""  # the CLI's way to do it; the web app has its own pages
    todo_line: str = field(init=False)  # both, for the CLI and the notes before filing

    def __post_init__(self) -> None:
        # said now, in the language of the rest of the criterion (a document renders it
        # later, maybe outside ``i18n.french()``)
        self.todo_line = (
            _("{label} : {value}").format(label=self.todo, value=self.command)
            if self.command
            else self.todo
        )


@dataclass(frozen=True)
class Benchmark:
    """The weeks of justified attempts: the legal floor (several different weeks) and
    rdvletters' benchmark (``needed`` weeks with at least ``per_week`` justified
    attempts; the associations' advice, not a rule of law)."""

    needed: int
    per_week: int
    good_weeks: int  # weeks with at least ``per_week`` justified attempts
    weeks_justified: int  # weeks with at least one justified attempt
    justified: int
    attempts: int

    @property
    def floor_met(self) -> bool:
        return self.weeks_justified >= LEGAL_FLOOR_WEEKS

    @property
    def advice_met(self) -> bool:
        return self.good_weeks >= self.needed

    @property
    def met(self) -> bool:
        return self.floor_met and self.advice_met

    def reached_on(self, today: date) -> date:
        """When the benchmark is met if every week from now on is a good one."""
        return today + timedelta(weeks=max(0, self.needed - self.good_weeks))


def benchmark(profile: Profile, facts: Facts) -> Benchmark:
    seuils = profile.seuils
    needed = seuils.semaines_renouvellement if profile.renewal else seuils.semaines_premiere_demande
    per_week = seuils.tentatives_par_semaine
    return Benchmark(
        needed,
        per_week,
        sum(1 for w in facts.weeks if w.with_proof >= per_week),
        facts.weeks_with_proof,
        len(facts.attempts_with_proof),
        len(facts.attempts),
    )


def dont_wait_todo(
    dated: list[Milestone], letter_end: date | None = None, letter_sent: bool = True
) -> str:
    """« N'attendez pas : voyez une permanence cette semaine (… le …). »; with
    ``letter_end``, the wait it would cost is the letter's delay (and the judge's time).
    A letter not sent yet is not said to be running: it is the first thing to do, and
    its end is an estimate."""
    first = dated[0]
    if letter_end is not None and not letter_sent:
        return _(
            "N'attendez pas : envoyez aujourd'hui la lettre recommandée et voyez une "
            "permanence cette semaine ({what}, le {date} : une lettre envoyée aujourd'hui "
            "laisserait au préfet jusqu'au {end} environ, date estimée, et le juge statue "
            "en quelques jours à un mois)."
        ).format(what=first.label(), date=day(first.date), end=day(letter_end))
    if letter_end is not None:
        return _(
            "N'attendez pas : voyez une permanence cette semaine ({what}, le {date} : le délai "
            "de votre lettre finit le {end}, et le juge statue en quelques jours à un mois)."
        ).format(what=first.label(), date=day(first.date), end=day(letter_end))
    return _(
        "N'attendez pas : voyez une permanence cette semaine ({what}, le {date}, tomberait "
        "avant le repère)."
    ).format(what=first.label(), date=day(first.date))


def weeks(bench: Benchmark, renewal: bool, dont_wait: str) -> Criterion:
    parts = {
        "weeks": ngettext(
            "{n} semaine avec au moins une démarche justifiée",
            "{n} semaines avec au moins une démarche justifiée",
            bench.weeks_justified,
        ).format(n=bench.weeks_justified),
        "attempts": ngettext(
            "{n} démarche justifiée sur {total}",
            "{n} démarches justifiées sur {total}",
            bench.justified,
        ).format(n=bench.justified, total=bench.attempts),
        "needed": ngettext(
            "{n} semaine avec au moins {per} démarches justifiées",
            "{n} semaines avec au moins {per} démarches justifiées",
            bench.needed,
        ).format(n=bench.needed, per=bench.per_week),
        "have": bench.good_weeks,
    }
    figure = (
        _(
            "{weeks} ({attempts}) ; repère de rdvletters pour un renouvellement : {needed} "
            "(vous en avez {have}) ; le Conseil d'État exige des tentatives faites au cours de "
            "semaines différentes (CE, 10 juin 2020, n° 435594)"
        )
        if renewal
        else _(
            "{weeks} ({attempts}) ; repère de rdvletters pour une première demande : {needed} "
            "(vous en avez {have}) ; le Conseil d'État exige des tentatives faites au cours de "
            "semaines différentes (CE, 10 juin 2020, n° 435594)"
        )
    )
    todo = dont_wait or _(
        "Continuez chaque semaine, avec une capture ou une copie de chaque démarche."
    )
    return Criterion(
        "semaines",
        _("Démarches justifiées sur plusieurs semaines différentes"),
        bench.met,
        figure.format(**parts),
        todo,
    )


def fresh(facts: Facts, today: date) -> Criterion:
    last = facts.last_attempt
    days = (today - last.when.date()).days if last else None
    figure = (
        ngettext(
            "dernière démarche le {date} ({n} jour)",
            "dernière démarche le {date} ({n} jours)",
            days,
        ).format(date=day(last.when.date()), n=days)
        if last is not None and days is not None
        else _("aucune démarche")
    )
    return Criterion(
        "actualite",
        ngettext(
            "Difficulté actuelle (dernière démarche il y a {n} jour au plus)",
            "Difficulté actuelle (dernière démarche il y a {n} jours au plus)",
            FRESH_DAYS,
        ).format(n=FRESH_DAYS),
        days is not None and days <= FRESH_DAYS,
        figure,
        _("Refaites une démarche cette semaine, avec un justificatif."),
    )


def letter_wait(dates: LetterDates | None, delay: int, today: date) -> date | None:
    """The day the letter's delay ends, while it is still to come (estimated as if the
    letter went today when it has not gone yet); None once it has passed."""
    if dates is None:
        return today + timedelta(days=RECEIPT_WAIT_DAYS + delay)
    return dates.end if today <= dates.end else None


def letter(dates: LetterDates | None, today: date, dont_wait: str = "") -> Criterion:
    name = _("Lettre recommandée envoyée, reçue, et son délai écoulé")
    if dates is None:
        return Criterion(
            "lettre",
            name,
            False,
            _("pas encore envoyée"),
            _("Envoyez la lettre recommandée"),
            _("rdvletters letter, puis rdvletters sent N --tracking …"),
        )
    waited = dates.received is not None or today >= dates.counted_from
    if dates.received:
        figure = _(
            "envoyée le {posted}, avis de réception signé le {received} ; délai demandé "
            "écoulé le {end}"
        ).format(posted=day(dates.posted), received=day(dates.received), end=day(dates.end))
    else:
        figure = _(
            "envoyée le {posted}, avis de réception non noté ; délai demandé écoulé le {end}"
        ).format(posted=day(dates.posted), end=day(dates.end))
    todo = command = ""
    if not waited:
        todo = _("Notez l'avis de réception quand il revient, à la date signée sur l'avis")
        command = _("rdvletters record ar --at AAAA-MM-JJ --proof avis.jpg")
    elif today <= dates.end:
        todo = dont_wait or _("Attendez la fin du délai demandé ({date}) ou une réponse.").format(
            date=day(dates.end)
        )
    return Criterion("lettre", name, waited and today > dates.end, figure, todo, command)


def diligences(facts: Facts) -> Criterion:
    """R. 431-2: the substitute filing is for whoever has done what falls to them, notably
    called on the accompaniment: the CCC (its written answer kept) and a point d'accueil
    numérique (a visit, or a request for one)."""
    contacts = facts.by_channel("ccc")
    answered = [s for s in contacts if any(r.has_proof for r in facts.answers_to(s))]
    pan = facts.by_channel("pan")
    figure = _("{ccc} ; {pan}").format(
        ccc=ngettext(
            "{n} contact avec le centre de contact citoyens, dont {k} avec sa réponse écrite "
            "gardée",
            "{n} contacts avec le centre de contact citoyens, dont {k} avec sa réponse écrite "
            "gardée",
            len(contacts),
        ).format(n=len(contacts), k=len(answered)),
        pan=ngettext(
            "{n} passage ou demande au point d'accueil numérique",
            "{n} passages ou demandes au point d'accueil numérique",
            len(pan),
        ).format(n=len(pan)),
    )
    if not answered:
        todo, command = (
            _(
                "Écrivez au centre de contact citoyens, gardez sa réponse écrite et notez-la "
                "sous le même numéro"
            ),
            _("rdvletters record reply --reference N° --proof reponse.pdf"),
        )
    else:
        todo, command = (
            _("Allez au point d'accueil numérique de la préfecture (ou demandez-y un rendez-vous)"),
            _("rdvletters record pan --proof justificatif.jpg"),
        )
    return Criterion(
        "diligences",
        _("Diligences de l'article R. 431-2 du CESEDA (accompagnement)"),
        bool(answered) and bool(pan),
        figure,
        todo,
        command,
    )


def defenseur(facts: Facts) -> Criterion:
    """Not a criterion: the Défenseur des droits does not take up what a court is seized of."""
    referral = facts.referral
    if referral:
        figure = _(
            "saisi le {date} ; il ne traite pas un litige porté devant un tribunal : le référé "
            "conduira probablement à clore la saisine, qui ne suspend aucun délai"
        ).format(date=day(referral.when.date()))
    else:
        figure = _(
            "pas saisi ; saisissez-le avant de déposer le référé : il ne prend pas en charge un "
            "litige déjà porté devant un tribunal (n'attendez pas sa réponse si l'urgence le "
            "demande)"
        )
    return Criterion(
        "defenseur",
        _("Défenseur des droits (avant le juge)"),
        referral is not None,
        figure,
        "" if referral else _("Saisissez le Défenseur des droits avant le référé"),
        "" if referral else "rdvletters referral",
    )


def dates(facts: Facts) -> Criterion:
    """Who dates the proofs (proof: ``evidence/proofs/dating.py``): advisory."""
    from ..evidence.proofs.dating import criterion

    return Criterion(**criterion(facts))  # type: ignore[arg-type]
