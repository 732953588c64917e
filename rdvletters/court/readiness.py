"""Is it time to ask the judge? One line per criterion, met or not, with its figure.

The criteria come from what judges have asked for (CE, 10 juin 2020, n° 435594:
attempts in several different weeks; CE, 9 juin 2022, n° 453391: urgency
presumed for a renewal, not for a first application, none under an unexecuted
obligation to leave France; on ANEF, the diligences of R. 431-2: the centre de
contact citoyens, a point d'accueil numérique) and from the associations' practice
(the profile's ``seuils``, the benchmark of justified weeks). The check never blocks
drafting the requête: it says what is missing, and the notes the person reads before
filing repeat it.

This is the one source of « is it time »: ``status`` shows these criteria and this
benchmark, never figures of its own, so the two cannot disagree. A dated urgency (or a
legal basis that ends) that waiting would let pass — for the benchmark, or for the
letter's delay plus the time the judge takes — says « don't wait »; the dates themselves
come from ``deadlines``. Once an appointment or the registration is noted (``Closed``),
the référé for an appointment no longer applies: the check, status, the web page and
``recours`` (which refuses to draft) all say so, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..facts import Facts
from ..i18n import _, ngettext
from ..localdates import day, weekday_day
from ..profile import Profile
from ..renewal import case_renewal, months_after
from ..steps import Step
from . import deadlines
from .criteria import (
    FRESH_DAYS,
    LEGAL_FLOOR_WEEKS,
    NOT_CRITERIA,
    Benchmark,
    Criterion,
    benchmark,
    dates,
    defenseur,
    diligences,
    dont_wait_todo,
    fresh,
    letter,
    letter_wait,
    weeks,
)
from .demand_criteria import complete, urgency, window
from .letter_clock import letter_dates, letter_delay
from .milestone import Milestone

JUDGE_DAYS = 15  # a référé is decided in « quelques jours à 1 mois » (F2553): about two weeks

__all__ = [
    "FRESH_DAYS",
    "LEGAL_FLOOR_WEEKS",
    "Closed",
    "Criterion",
    "Readiness",
    "check",
    "dont_wait_todo",
]


@dataclass(frozen=True)
class Closed:
    """An appointment or the registration of the demand is noted: the référé « mesures
    utiles » for an appointment is no longer « utile », and filing it anyway exposes to the
    fine for an abusive request (R. 741-12 CJA). After registration, what is left is the
    four-month clock (R. 432-2) and the two months to contest the implicit refusal."""

    step: Step
    registered: bool
    refusal: date | None = None  # registration + four months (R. 432-2)
    appeal_until: date | None = None  # two months after that refusal

    def said(self) -> str:
        """The gate in one sentence, the same in status, the check, ``recours`` and the
        notes read before filing."""
        if self.registered:
            return _(
                "Votre demande est enregistrée depuis le {date} : le référé pour obtenir un "
                "rendez-vous ne s'applique plus. Sans décision le {refusal}, le silence du "
                "préfet vaudra refus implicite (article R. 432-2 du CESEDA), à contester dans "
                "les deux mois, jusqu'au {appeal} : voyez alors une permanence juridique ou un "
                "avocat."
            ).format(
                date=day(self.step.when.date()),
                refusal=day(self.refusal),
                appeal=day(self.appeal_until),
            )
        recorded = day(self.step.when.date())
        what = self.step.description
        if self.step.announced is not None:
            # the appointment's own day, apart from the day the entry was noted
            noted = (
                _("rendez-vous fixé au {day}, noté le {date} : « {what} »")
                if what
                else _("rendez-vous fixé au {day}, noté le {date}")
            ).format(day=weekday_day(self.step.announced), date=recorded, what=what)
            return _(
                "Un rendez-vous ou une convocation est noté ({noted}) : le référé pour obtenir "
                "un rendez-vous ne s'applique plus. Présentez-vous ce jour-là avec votre dossier "
                "complet, puis notez l'enregistrement de la demande (rdvletters record "
                "registration)."
            ).format(noted=noted)
        noted = (
            _("noté le {date} : « {what} » ; jour du rendez-vous non noté")
            if what
            else _("noté le {date} ; jour du rendez-vous non noté")
        ).format(date=recorded, what=what)
        return _(
            "Un rendez-vous ou une convocation est noté ({noted}) : le référé pour obtenir un "
            "rendez-vous ne s'applique plus. Présentez-vous avec votre dossier complet, puis "
            "notez l'enregistrement de la demande (rdvletters record registration)."
        ).format(noted=noted)


def closed_by(facts: Facts) -> Closed | None:
    """The registration, else the last appointment noted, or None while neither is."""
    registered = deadlines.registration(facts)
    if registered is not None:
        refusal = months_after(registered.when.date(), deadlines.IMPLICIT_REFUSAL_MONTHS)
        appeal = months_after(refusal, deadlines.APPEAL_MONTHS)
        return Closed(registered, True, refusal, appeal)
    appointments = facts.by_channel("appointment")
    return Closed(appointments[-1], False) if appointments else None


@dataclass
class Readiness:
    criteria: list[Criterion]
    blocking: bool  # an obligation to leave France: see a lawyer before anything else
    benchmark: Benchmark
    warnings: list[str] = field(default_factory=list)  # said before the verdict
    dont_wait: list[Milestone] = field(default_factory=list)  # dates waiting would let pass
    file_by: date | None = None  # prudence after the letter: file before this day
    silence_passed: bool = False  # two months of silence on the letter have passed
    closed: Closed | None = None  # an appointment or the registration is noted
    dont_wait_said: str = ""  # « N'attendez pas… », said once for every output

    @property
    def ready(self) -> bool:
        return not self.blocking and self.closed is None and not self.unmet

    @property
    def unmet(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.met and c.key not in NOT_CRITERIA]

    def to_dict(self) -> dict[str, Any]:
        return {
            "pret": self.ready,
            "bloquant": self.blocking,
            "criteres": [_flat(c) for c in self.criteria],
            "repere": {**_flat(self.benchmark), "plancher_atteint": self.benchmark.floor_met,
                       "repere_atteint": self.benchmark.advice_met},
            "avertissements": self.warnings,
            "n_attendez_pas": [m.key for m in self.dont_wait],
            "deposer_avant": self.file_by.isoformat() if self.file_by else None,
            "silence_de_deux_mois": self.silence_passed,
            "sans_objet": self.closed.said() if self.closed else None,
        }  # fmt: skip


def _flat(record: Criterion | Benchmark) -> dict[str, Any]:
    """``asdict`` of a dataclass whose fields are plain values (str, int, bool), without
    its deep copy: the same dict, in the same order, for a fraction of the time."""
    return {f.name: getattr(record, f.name) for f in _FIELDS[type(record)]}


_FIELDS = {kind: fields(kind) for kind in (Criterion, Benchmark)}


def _warnings(found: list[Milestone], today: date) -> list[str]:
    """The open risk after the letter: from seven weeks after its receipt, the latest of
    the two milestones passed, said as it stands."""
    passed = [
        m
        for m in found
        if m.kind in ("lettre_sept_semaines", "lettre_deux_mois") and m.passed(today)
    ]
    return [passed[-1].meaning(today)] if passed else []


def check(profile: Profile, facts: Facts, today: date, root: Path) -> Readiness:
    """Every criterion for a référé « mesures utiles », with its figure."""
    renew = case_renewal(profile, facts, today)
    found = deadlines.milestones(profile, facts, today)
    bench = benchmark(profile, facts)
    sent = letter_dates(profile, facts, today)
    delay_end = letter_wait(sent, letter_delay(profile, facts, today), today)
    # a dated urgency that waiting would let pass: for the weeks, the benchmark; for the
    # letter, its delay and the time the judge takes (« quelques jours à 1 mois », F2553)
    dated = [] if bench.met else deadlines.dated_before(found, today, bench.reached_on(today))
    said = dont_wait_todo(dated) if dated else ""
    if not dated and delay_end is not None:
        limit = delay_end + timedelta(days=JUDGE_DAYS + 1)
        dated = deadlines.dated_before(found, today, limit)
        said = dont_wait_todo(dated, delay_end, sent is not None) if dated else ""
    criteria = [
        weeks(bench, profile.renewal, said),
        fresh(facts, today),
        letter(sent, today, said),
        urgency(profile, root, renew),
        *([window(renew)] if renew is not None else []),
        complete(profile),
        *([diligences(facts)] if profile.anef else []),
        dates(facts),
        defenseur(facts),
    ]
    passed = {m.kind for m in found if m.passed(today)}
    two_months = next((m.date for m in found if m.kind == "lettre_deux_mois"), None)
    prudence = "lettre_sept_semaines" in passed and "lettre_deux_mois" not in passed
    return Readiness(
        criteria,
        bool(profile.demande.oqtf),
        bench,
        _warnings(found, today),
        dated,
        two_months if prudence else None,
        "lettre_deux_mois" in passed,
        closed_by(facts),
        said,
    )


def tick(met: bool, key: str) -> str:
    """« [x] » met, « [ ] » missing; « [i] » for what is said, not counted (the Défenseur)."""
    if key in NOT_CRITERIA:
        return "[i]"
    return "[x]" if met else "[ ]"


def render(readiness: Readiness) -> str:
    """The check as text, one line per criterion, then what to know, then the verdict;
    once an appointment or the registration is noted, only that."""
    out = [_("EST-CE LE MOMENT DE SAISIR LE JUGE DES RÉFÉRÉS ?"), ""]
    if readiness.closed is not None:
        return "\n".join([*out, verdict(readiness)]) + "\n"
    for c in readiness.criteria:
        line = _("{label} : {value}").format(label=c.name, value=c.figure)
        out.append(f"  {tick(c.met, c.key)} {line}")
        if not c.met and c.todo:
            out.append(f"      → {c.todo_line}")
    out += [""] + [f"  ! {w}" for w in readiness.warnings] + ([""] if readiness.warnings else [])
    out.append(verdict(readiness))
    return "\n".join(out) + "\n"


def verdict(readiness: Readiness) -> str:
    """The check in one sentence, the same in ``recours --check`` and ``status``."""
    if readiness.closed is not None:
        return readiness.closed.said()
    if readiness.blocking:
        return _(
            "Une obligation de quitter le territoire est déclarée : voyez un avocat avant tout."
        )
    if readiness.ready:
        return _(
            "Les repères sont réunis. Relisez le projet de requête avec une permanence "
            "juridique ou un avocat : rdvletters recours"
        )
    if readiness.dont_wait:
        return readiness.dont_wait_said
    unmet = len(readiness.unmet)
    return ngettext(
        "{n} repère manque encore. Vous pouvez préparer le projet de requête (rdvletters "
        "recours) : le fichier à lire avant le dépôt les rappelle.",
        "{n} repères manquent encore. Vous pouvez préparer le projet de requête "
        "(rdvletters recours) : le fichier à lire avant le dépôt les rappelle.",
        unmet,
    ).format(n=unmet)
