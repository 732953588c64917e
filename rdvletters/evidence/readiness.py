"""Is it time to ask the judge? One line per criterion, met or not, with its figure.

The criteria come from what judges have asked for (CE, 10 juin 2020, n° 435594:
attempts in several different weeks; CE, 9 juin 2022, n° 453391: urgency
presumed for a renewal, not for a first application, none under an unexecuted
obligation to leave France) and from the associations' practice (the profile's
``seuils``). The check never blocks drafting the requête: it says what is
missing, and the draft repeats it on a first page addressed to the person.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..facts import Facts
from ..frdates import jour
from ..profile import Profile, inside
from ..renewal import Renewal, case_renewal, delay_asked
from ..wording import dont, nombre

LEGAL_FLOOR_WEEKS = 2  # CE 435594: attempts « n'ayant pas été effectuées la même semaine »
FRESH_DAYS = 7  # a judge wants the difficulty to be current on the day of the référé
RECEIPT_WAIT_DAYS = 15  # without the signed card, the letter is taken as received after this
RENEWAL_URGENT_DAYS = 120  # a renewal this close to expiry (or past it) is urgent in practice


@dataclass
class Criterion:
    """One line of the check."""

    key: str
    name: str
    met: bool
    figure: str
    todo: str = ""


@dataclass
class Readiness:
    criteria: list[Criterion]
    blocking: bool  # an obligation to leave France: see a lawyer before anything else

    @property
    def ready(self) -> bool:
        return not self.blocking and all(c.met for c in self.criteria if c.key != "defenseur")

    @property
    def unmet(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.met and c.key != "defenseur"]

    def to_dict(self) -> dict[str, Any]:
        return {"pret": self.ready, "bloquant": self.blocking,
                "criteres": [asdict(c) for c in self.criteria]}  # fmt: skip


def _weeks(profile: Profile, facts: Facts) -> Criterion:
    seuils = profile.seuils
    needed = seuils.semaines_renouvellement if profile.renewal else seuils.semaines_premiere_demande
    proven = facts.weeks_with_proof
    kind = "un renouvellement" if profile.renewal else "une première demande"
    return Criterion(
        "semaines",
        "Démarches justifiées sur plusieurs semaines différentes",
        proven >= max(needed, LEGAL_FLOOR_WEEKS),
        f"{nombre(proven, 'semaine')} avec au moins un justificatif "
        f"({nombre(len(facts.attempts_with_proof), 'démarche justifiée', 'démarches justifiées')}"
        f" sur {len(facts.attempts)}) ; repère de rdvletters pour {kind} : "
        f"{nombre(needed, 'semaine')} (le Conseil d'État exige des tentatives faites au cours "
        "de semaines différentes, CE 10 juin 2020, n° 435594)",
        "Continuez chaque semaine, avec une capture ou une copie de chaque démarche.",
    )


def _fresh(facts: Facts, today: date) -> Criterion:
    last = facts.last_attempt
    days = (today - last.when.date()).days if last else None
    return Criterion(
        "actualite",
        "Difficulté actuelle (dernière démarche il y a 7 jours au plus)",
        days is not None and days <= FRESH_DAYS,
        f"dernière démarche le {jour(last.when.date())} ({nombre(days, 'jour')})"
        if last
        else "aucune démarche",
        "Refaites une démarche cette semaine, avec un justificatif.",
    )


def letter_deadline(facts: Facts, delay: int) -> tuple[date, date | None, date] | None:
    """(posted, receipt, end of the delay asked) of the last registered letter, or None."""
    if not facts.letters_sent:
        return None
    letter = facts.letters_sent[-1]
    receipt = facts.receipt_of(letter)
    posted = letter.when.date()
    received = receipt.when.date() if receipt else posted + timedelta(days=RECEIPT_WAIT_DAYS)
    return posted, receipt.when.date() if receipt else None, received + timedelta(days=delay)


def _letter(facts: Facts, delay: int, today: date) -> Criterion:
    found = letter_deadline(facts, delay)
    if found is None:
        return Criterion(
            "lettre",
            "Lettre recommandée envoyée, reçue, et son délai écoulé",
            False,
            "pas encore envoyée",
            "Envoyez la lettre recommandée : rdvletters letter, puis rdvletters sent N "
            "--tracking …",
        )
    posted, received, end = found
    waited = received is not None or today >= posted + timedelta(days=RECEIPT_WAIT_DAYS)
    figure = f"envoyée le {jour(posted)}, " + (
        f"avis de réception du {jour(received)}" if received else "avis de réception non noté"
    )
    figure += f" ; délai demandé écoulé le {jour(end)}"
    todo = ""
    if not waited:
        todo = "Notez l'avis de réception quand il revient : rdvletters record ar --proof carte.jpg"
    elif today <= end:
        todo = f"Attendez la fin du délai demandé ({jour(end)}) ou une réponse."
    return Criterion(
        "lettre",
        "Lettre recommandée envoyée, reçue, et son délai écoulé",
        waited and today > end,
        figure,
        todo,
    )


def _proven_facts(profile: Profile, root: Path) -> list:
    return [
        u for u in profile.demande.urgence
        if u.justificatif and (t := inside(root, u.justificatif)) is not None and t.is_file()
    ]  # fmt: skip


def _urgency(profile: Profile, root: Path, renew: Renewal | None) -> Criterion:
    name = "Urgence"
    if profile.demande.oqtf:
        return Criterion(
            "urgence",
            name,
            False,
            "obligation de quitter le territoire déclarée : pas d'urgence reconnue "
            "(CE, 9 juin 2022, n° 453391)",
            "Voyez un avocat avant toute démarche au tribunal.",
        )
    facts_ = profile.demande.urgence
    proven = _proven_facts(profile, root)
    noted = (
        f"{nombre(len(facts_), 'fait noté', 'faits notés', 'aucun fait noté')}, "
        f"{dont(len(proven), 'avec son justificatif', feminine=False)}"
    )
    todo = (
        "Joignez le justificatif de chaque fait d'urgence (profil : demande.urgence)."
        if facts_
        else "Notez les faits d'urgence (travail, santé, enfants…) et joignez leurs "
        "justificatifs (profil : demande.urgence)."
    )
    if renew is not None:
        close = renew.expired or renew.days_until_expiry <= RENEWAL_URGENT_DAYS
        days = nombre(renew.days_until_expiry, "jour")
        when = (
            f"titre expiré le {jour(renew.expiry)}"
            if renew.expired
            else f"titre expirant le {jour(renew.expiry)} ({days})"
        )
        if close:
            return Criterion(
                "urgence",
                name,
                True,
                f"renouvellement, {when} : l'urgence est en principe reconnue (CE, 9 juin "
                "2022, n° 453391)",
            )
        return Criterion(
            "urgence",
            name,
            bool(proven),
            f"renouvellement, {when} : l'échéance est encore lointaine ; {noted}",
            todo,
        )
    return Criterion(
        "urgence",
        name,
        bool(proven),
        f"première demande : {noted} (le juge demande des circonstances particulières)",
        todo,
    )


def _window(renew: Renewal) -> Criterion:
    """A renewal asked too early may be refused; asked too late, it costs and weakens."""
    name = "Délai de renouvellement (article R. 431-5 du CESEDA)"
    span = f"du {jour(renew.start)} au {jour(renew.end)}"
    if renew.not_open_yet:
        return Criterion(
            "delai", name, False, f"il ne s'ouvre que le {jour(renew.start)} ({span})",
            "Attendez l'ouverture du délai : le juge pourrait estimer la requête prématurée.",
        )  # fmt: skip
    if renew.window_missed:
        return Criterion(
            "delai", name, False,
            f"première démarche après le délai ({span}) : taxe de retard possible "
            "(article L. 436-5)",
            "Voyez une permanence juridique.",
        )  # fmt: skip
    first = f", première démarche le {jour(renew.first_in_window)}" if renew.first_in_window else ""
    return Criterion("delai", name, True, f"{span}{first}")


def _complete(profile: Profile) -> Criterion:
    listed = profile.demande.pieces_dossier
    return Criterion(
        "dossier",
        "Dossier de demande complet",
        profile.demande.dossier_complet,
        (f"{nombre(len(listed), 'pièce listée', 'pièces listées')} dans le profil"
         if listed else "aucune liste de pièces dans le profil")
        + (" ; dossier déclaré complet" if profile.demande.dossier_complet
           else " ; dossier déclaré incomplet"),
        "Réunissez les pièces demandées par la préfecture et listez-les (demande.pieces_dossier).",
    )  # fmt: skip


def _defenseur(facts: Facts) -> Criterion:
    referral = facts.referral
    return Criterion(
        "defenseur",
        "Défenseur des droits (facultatif)",
        referral is not None,
        (f"saisi le {jour(referral.when.date())}" if referral else "pas saisi")
        + " ; la saisine ne suspend aucun délai et n'empêche pas le référé",
        "",
    )


def letter_delay(profile: Profile, facts: Facts, today: date) -> int:
    """The delay the last registered letter gave (kept in the journal), else the one it would."""
    sent = facts.letters_sent
    if sent and sent[-1].delay:
        return sent[-1].delay
    return delay_asked(profile.delai_convocation_jours, case_renewal(profile, facts, today))


def check(profile: Profile, facts: Facts, today: date, root: Path) -> Readiness:
    """Every criterion for a référé « mesures utiles », with its figure."""
    renew = case_renewal(profile, facts, today)
    delay = letter_delay(profile, facts, today)
    criteria = [
        _weeks(profile, facts),
        _fresh(facts, today),
        _letter(facts, delay, today),
        _urgency(profile, root, renew),
        *([_window(renew)] if renew is not None else []),
        _complete(profile),
        _defenseur(facts),
    ]
    return Readiness(criteria, blocking=bool(profile.demande.oqtf))


def render(readiness: Readiness) -> str:
    """The check as text, one line per criterion, then the verdict."""
    out = ["EST-CE LE MOMENT DE SAISIR LE JUGE DES RÉFÉRÉS ?", ""]
    for c in readiness.criteria:
        out.append(f"  [{'x' if c.met else ' '}] {c.name} : {c.figure}")
        if not c.met and c.todo:
            out.append(f"      → {c.todo}")
    out.append("")
    if readiness.blocking:
        out.append(
            "Une obligation de quitter le territoire est déclarée : voyez un avocat avant tout."
        )
    elif readiness.ready:
        out.append(
            "Les repères sont réunis. Relisez le projet de requête avec une permanence juridique "
            "ou un avocat : rdvletters recours"
        )
    else:
        out.append(
            f"{nombre(len(readiness.unmet), 'repère manque', 'repères manquent')} encore. Vous "
            "pouvez préparer le projet de requête (rdvletters recours) : sa première page les "
            "rappelle."
        )
    return "\n".join(out) + "\n"
