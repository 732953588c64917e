"""Where do I stand, and what do I do this week.

Figures from the journal (weeks, days, attempts per week), the ladder of the
2019 La Cimade / Gisti note with each rung done or not, one next step, the
readiness for a référé as guidance, urgency, and what the dossier still lacks.
The legal floor (attempts in several different weeks) comes from CE, 10 juin
2020, n° 435594; the other thresholds are the profile's ``seuils``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ..facts import Facts
from ..journal import CHANNELS
from ..profile import Profile
from .verify import Report

LEGAL_FLOOR_WEEKS = 2  # CE 435594: several attempts "n'ayant pas été effectuées la même semaine"
EXPIRY_WARNING_DAYS = 60


@dataclass
class Rung:
    """One step of the ladder: done or not, and what to do to climb it."""

    name: str
    done: bool
    detail: str
    todo: str


@dataclass
class Status:
    """Everything ``status`` says, as data (``--json``) before it is text."""

    attempts: int
    first_attempt: str | None
    weeks_covered: int
    weeks_with_attempts: int
    distinct_days: int
    channels: dict[str, int]
    weeks: list[dict[str, Any]]
    ladder: list[Rung]
    next_step: str
    legal_floor_met: bool
    advice_weeks_needed: int
    advice_weeks_met: int
    advice_met: bool
    days_until_expiry: int | None
    urgency: list[str]
    missing: list[str] = field(default_factory=list)
    journal_head: str = ""
    proofs: dict[str, Any] = field(default_factory=dict)  # proof_status(): dated proofs, tokens

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def weekly_counts(facts: Facts, today: date) -> list[dict[str, Any]]:
    """One row per calendar week from the first attempt's week to this week."""
    if not facts.attempts:
        return []
    first = facts.attempts[0].when.date()
    monday = first - timedelta(days=first.weekday())
    counts: dict[date, int] = {}
    for step in facts.attempts:
        day = step.when.date()
        week = day - timedelta(days=day.weekday())
        counts[week] = counts.get(week, 0) + 1
    rows = []
    while monday <= today:
        rows.append({"semaine": monday.isoformat(), "tentatives": counts.get(monday, 0)})
        monday += timedelta(days=7)
    return rows


def _ladder(facts: Facts, anef: bool) -> list[Rung]:
    online = [s for s in facts.attempts if s.channel in ("web", "anef")]
    counters = facts.by_channel("counter")
    witnessed = [s for s in counters if s.witness]
    letters = facts.by_channel("letter")
    ar = facts.by_channel("ar")
    defenseur = facts.by_channel("defenseur")
    site = "le téléservice ANEF" if anef else "le site de rendez-vous"
    return [
        Rung(
            "Prise de rendez-vous en ligne, avec captures",
            bool(online),
            f"{len(online)} fois",
            f"Essayez {site} et notez chaque essai : rdvletters record "
            f"{'anef' if anef else 'web'} --proof capture.png",
        ),
        Rung(
            "Courriels au service des étrangers",
            bool(facts.emails),
            f"{len(facts.emails)}",
            "Envoyez le courriel de la semaine : rdvletters email",
        ),
        Rung(
            "Guichet avec un témoin",
            bool(witnessed),
            f"{len(counters)} visite(s), dont {len(witnessed)} avec témoin",
            "Présentez-vous au guichet accompagné(e) d'un témoin, puis : rdvletters record "
            'counter --witness "Prénom NOM"',
        ),
        Rung(
            "Lettre recommandée, avis de réception reçu",
            bool(letters and ar),
            ("envoyée" + (", avis reçu" if ar else ", avis non noté"))
            if letters
            else "pas encore envoyée",
            "Notez l'avis de réception quand il revient : rdvletters record ar --proof …"
            if letters
            else "Envoyez la lettre recommandée : rdvletters letter, puis rdvletters sent N "
            "--tracking …",
        ),
        Rung(
            "Défenseur des droits",
            bool(defenseur),
            "saisi" if defenseur else "pas encore saisi",
            "Saisissez le Défenseur des droits : rdvletters referral",
        ),
    ]


def _next_step(
    facts: Facts, ladder: list[Rung], weeks: list[dict[str, Any]], per_week: int, anef: bool
) -> str:
    """This week's attempts first, then this week's e-mail, then the next rung."""
    this_week = weeks[-1]["tentatives"] if weeks else 0
    if this_week < per_week:
        site = "le téléservice ANEF" if anef else "le site de rendez-vous"
        return (
            f"Cette semaine : essayez {site} {per_week - this_week} fois de plus, à des heures "
            "différentes, avec une capture d'écran (date, heure, adresse du site), puis "
            f"notez-le : rdvletters record {'anef' if anef else 'web'} …"
        )
    if not facts.emails or facts.new_since_last_email:
        return ladder[1].todo
    for rung in ladder:
        if not rung.done:
            return rung.todo
    return (
        "Prenez contact avec une permanence juridique (La Cimade, Gisti, ADDE, LDH…) "
        "avec votre dossier : rdvletters bundle"
    )


def _missing(facts: Facts, profile: Profile, report: Report | None) -> list[str]:
    missing = []
    if any(s.witness for s in facts.by_channel("counter")) and not facts.by_channel("attestation"):
        missing.append(
            "attestation du témoin de la visite au guichet (rdvletters bundle en "
            "prépare le modèle ; notez-la avec : rdvletters record attestation)"
        )
    if facts.by_channel("letter") and not facts.by_channel("ar"):
        missing.append("avis de réception de la lettre recommandée (rdvletters record ar)")
    if not profile.demande.dossier_complet:
        missing.append("pièces du dossier de demande (demande.dossier_complet : non)")
    if report is not None:
        missing += [p for p in report.problems if "fichier" in p]
    return missing


def compute_status(
    profile: Profile,
    facts: Facts,
    now: datetime,
    report: Report | None = None,
    proofs: dict[str, Any] | None = None,
) -> Status:
    """All figures of ``status``."""
    seuils = profile.seuils
    renewal = profile.demande.nature == "renouvellement"
    weeks = weekly_counts(facts, now.date())
    anef = profile.situation == "anef"
    ladder = _ladder(facts, anef)
    needed = seuils.semaines_renouvellement if renewal else seuils.semaines_premiere_demande
    good_weeks = sum(1 for w in weeks if w["tentatives"] >= seuils.tentatives_par_semaine)
    expiry = profile.demande.titre_actuel_expire_le
    channels: dict[str, int] = {}
    for step in facts.attempts:
        channels[step.channel] = channels.get(step.channel, 0) + 1
    first = facts.first_attempt
    return Status(
        attempts=len(facts.attempts),
        first_attempt=first.when.date().isoformat() if first else None,
        weeks_covered=len(weeks),
        weeks_with_attempts=len(facts.weeks_with_attempts),
        distinct_days=len(facts.attempt_days),
        channels=channels,
        weeks=weeks,
        ladder=ladder,
        next_step=_next_step(facts, ladder, weeks, seuils.tentatives_par_semaine, anef),
        legal_floor_met=len(facts.weeks_with_attempts) >= LEGAL_FLOOR_WEEKS,
        advice_weeks_needed=needed,
        advice_weeks_met=good_weeks,
        advice_met=good_weeks >= needed,
        days_until_expiry=(expiry - now.date()).days if expiry else None,
        urgency=list(profile.demande.urgence),
        missing=_missing(facts, profile, report),
        journal_head=facts.head,
        proofs=proofs or {},
    )


def render_status(status: Status, renewal: bool, per_week: int) -> str:
    """The status as French text for a person who is not a lawyer."""
    out = ["OÙ EN ÊTES-VOUS ?", ""]
    if status.attempts:
        out.append(
            f"{status.attempts} tentative(s) depuis le {status.first_attempt}, "
            f"sur {status.weeks_covered} semaine(s) ; {status.weeks_with_attempts} "
            f"semaine(s) avec au moins une tentative, {status.distinct_days} jour(s) "
            "différent(s)."
        )
        out.append(
            "Canaux : " + ", ".join(f"{CHANNELS[c]} ({n})" for c, n in status.channels.items())
        )
        out += ["", "Semaine par semaine (lundi) :"]
        for week in status.weeks:
            n = week["tentatives"]
            flag = (
                "  ← aucune"
                if n == 0
                else ("  ← moins de " + str(per_week) if n < per_week else "")
            )
            dated = status.proofs.get("semaines", {}).get(week["semaine"])  # proof dates
            flag += f"  (preuve datée : {dated})" if dated else ""
            out.append(f"  {week['semaine']}  {'#' * n:<12} {n}{flag}")
    else:
        out.append("Aucune tentative enregistrée pour l'instant.")
    out += ["", "LES ÉTAPES (note La Cimade / Gisti, 2019)"]
    out += [f"  [{'x' if r.done else ' '}] {r.name} : {r.detail}" for r in status.ladder]
    out += ["", "À FAIRE CETTE SEMAINE", f"  {status.next_step}", "", "VERS UN RÉFÉRÉ (repères)"]
    out.append(
        f"  [{'x' if status.legal_floor_met else ' '}] tentatives sur plusieurs semaines "
        "différentes (le minimum exigé par le Conseil d'État, CE 10 juin 2020, "
        "n° 435594)"
    )
    kind = "un renouvellement" if renewal else "une première demande"
    out.append(
        f"  [{'x' if status.advice_met else ' '}] conseil des associations pour {kind} : "
        f"{status.advice_weeks_needed} semaines à {per_week} tentatives ou plus "
        f"(vous en avez {status.advice_weeks_met}). Ce n'est pas une règle de droit ; "
        "une permanence juridique vous dira si c'est le moment."
    )
    if status.days_until_expiry is not None:
        days = status.days_until_expiry
        out += ["", "URGENCE"]
        out.append(
            f"  Votre titre expire dans {days} jour(s)."
            if days >= 0
            else f"  Votre titre a expiré il y a {-days} jour(s)."
        )
        if days <= EXPIRY_WARNING_DAYS:
            out.append(
                "  Attention : échéance proche. Pour un renouvellement, l'urgence est "
                "en principe reconnue ; contactez vite une permanence juridique."
            )
    if status.urgency:
        out += ["", "Faits d'urgence notés :"] + [f"  - {u}" for u in status.urgency]
    if status.missing:
        out += ["", "IL MANQUE AU DOSSIER"] + [f"  - {m}" for m in status.missing]
    out += ["", f"Empreinte du journal : {status.journal_head[:16]}"]
    if status.proofs.get("horodatage"):  # proof: « journal non horodaté depuis le … »
        out.append(f"Horodatage : {status.proofs['horodatage']}")
    return "\n".join(out) + "\n"
