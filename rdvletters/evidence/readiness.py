"""Is it time to ask the judge? One line per criterion, met or not, with its figure.

The criteria come from what judges have asked for (CE, 10 juin 2020, n° 435594:
attempts in several different weeks; CE, 9 juin 2022, n° 453391: urgency
presumed for a renewal, not for a first application, none under an unexecuted
obligation to leave France) and from the associations' practice (the profile's
``seuils``). The check never blocks drafting the requête: it says what is
missing, and the draft repeats it on a first page addressed to the person.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..facts import Facts
from ..i18n import _, ngettext
from ..localdates import day
from ..profile import Profile, inside
from ..renewal import Renewal, case_renewal, delay_asked

LEGAL_FLOOR_WEEKS = 2  # CE 435594: attempts « n'ayant pas été effectuées la même semaine »
FRESH_DAYS = 7  # a judge wants the difficulty to be current on the day of the référé
RECEIPT_WAIT_DAYS = 15  # without the signed card, the letter is taken as received after this
RENEWAL_URGENT_DAYS = 120  # a renewal this close to expiry (or past it) is urgent in practice
ADVISORY = ("defenseur", "dates")  # said, never counted against the référé


@dataclass
class Criterion:
    """One line of the check."""

    key: str
    name: str
    met: bool
    figure: str
    todo: str = ""
    command: str = ""  # the CLI's way to do it; the web app has its own pages
    todo_line: str = field(init=False)  # both, for the CLI and the requête's first page

    def __post_init__(self) -> None:
        # said now, in the language of the rest of the criterion (a document renders it
        # later, maybe outside ``i18n.french()``)
        self.todo_line = (
            _("{label} : {value}").format(label=self.todo, value=self.command)
            if self.command
            else self.todo
        )


@dataclass
class Readiness:
    criteria: list[Criterion]
    blocking: bool  # an obligation to leave France: see a lawyer before anything else

    @property
    def ready(self) -> bool:
        return not self.blocking and all(c.met for c in self.criteria if c.key not in ADVISORY)

    @property
    def unmet(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.met and c.key not in ADVISORY]

    def to_dict(self) -> dict[str, Any]:
        return {"pret": self.ready, "bloquant": self.blocking,
                "criteres": [asdict(c) for c in self.criteria]}  # fmt: skip


def _weeks(profile: Profile, facts: Facts) -> Criterion:
    seuils = profile.seuils
    needed = seuils.semaines_renouvellement if profile.renewal else seuils.semaines_premiere_demande
    proven = facts.weeks_with_proof
    justified, total = len(facts.attempts_with_proof), len(facts.attempts)
    parts = {
        "weeks": ngettext(
            "{n} semaine avec au moins un justificatif",
            "{n} semaines avec au moins un justificatif",
            proven,
        ).format(n=proven),
        "attempts": ngettext(
            "{n} démarche justifiée sur {total}", "{n} démarches justifiées sur {total}", justified
        ).format(n=justified, total=total),
        "needed": ngettext("{n} semaine", "{n} semaines", needed).format(n=needed),
    }
    figure = (
        _(
            "{weeks} ({attempts}) ; repère de rdvletters pour un renouvellement : {needed} (le "
            "Conseil d'État exige des tentatives faites au cours de semaines différentes, CE 10 "
            "juin 2020, n° 435594)"
        )
        if profile.renewal
        else _(
            "{weeks} ({attempts}) ; repère de rdvletters pour une première demande : {needed} "
            "(le Conseil d'État exige des tentatives faites au cours de semaines différentes, CE "
            "10 juin 2020, n° 435594)"
        )
    )
    return Criterion(
        "semaines",
        _("Démarches justifiées sur plusieurs semaines différentes"),
        proven >= max(needed, LEGAL_FLOOR_WEEKS),
        figure.format(**parts),
        _("Continuez chaque semaine, avec une capture ou une copie de chaque démarche."),
    )


def _fresh(facts: Facts, today: date) -> Criterion:
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
    name = _("Lettre recommandée envoyée, reçue, et son délai écoulé")
    found = letter_deadline(facts, delay)
    if found is None:
        return Criterion(
            "lettre",
            name,
            False,
            _("pas encore envoyée"),
            _("Envoyez la lettre recommandée"),
            _("rdvletters letter, puis rdvletters sent N --tracking …"),
        )
    posted, received, end = found
    waited = received is not None or today >= posted + timedelta(days=RECEIPT_WAIT_DAYS)
    if received:
        figure = _(
            "envoyée le {posted}, avis de réception du {received} ; délai demandé écoulé le {end}"
        ).format(posted=day(posted), received=day(received), end=day(end))
    else:
        figure = _(
            "envoyée le {posted}, avis de réception non noté ; délai demandé écoulé le {end}"
        ).format(posted=day(posted), end=day(end))
    todo = command = ""
    if not waited:
        todo = _("Notez l'avis de réception quand il revient")
        command = _("rdvletters record ar --proof carte.jpg")
    elif today <= end:
        todo = _("Attendez la fin du délai demandé ({date}) ou une réponse.").format(date=day(end))
    return Criterion("lettre", name, waited and today > end, figure, todo, command)


def _proven_facts(profile: Profile, root: Path) -> list:
    return [
        u for u in profile.demande.urgence
        if u.justificatif and (t := inside(root, u.justificatif)) is not None and t.is_file()
    ]  # fmt: skip


def _noted(profile: Profile, root: Path) -> str:
    """« 2 faits notés, dont 1 avec son justificatif »."""
    noted, proven = len(profile.demande.urgence), len(_proven_facts(profile, root))
    if not noted:
        return _("aucun fait noté, dont aucun avec son justificatif")
    if not proven:
        return ngettext(
            "{n} fait noté, dont aucun avec son justificatif",
            "{n} faits notés, dont aucun avec son justificatif",
            noted,
        ).format(n=noted)
    return ngettext(
        "{n} fait noté, dont {k} avec son justificatif",
        "{n} faits notés, dont {k} avec son justificatif",
        noted,
    ).format(n=noted, k=proven)


def _renewal_urgency(renew: Renewal, noted: str, proven: bool, todo: str) -> Criterion:
    """A renewal close to expiry (or past it) is urgent in principle; earlier, facts count."""
    if renew.expired:
        when = _("titre expiré le {date}").format(date=day(renew.expiry))
    else:
        when = ngettext(
            "titre expirant le {date} ({n} jour)",
            "titre expirant le {date} ({n} jours)",
            renew.days_until_expiry,
        ).format(date=day(renew.expiry), n=renew.days_until_expiry)
    if renew.expired or renew.days_until_expiry <= RENEWAL_URGENT_DAYS:
        return Criterion(
            "urgence",
            _("Urgence"),
            True,
            _(
                "renouvellement, {when} : l'urgence est en principe reconnue (CE, 9 juin 2022, "
                "n° 453391)"
            ).format(when=when),
        )
    return Criterion(
        "urgence",
        _("Urgence"),
        proven,
        _("renouvellement, {when} : l'échéance est encore lointaine ; {noted}").format(
            when=when, noted=noted
        ),
        todo,
    )


def _urgency(profile: Profile, root: Path, renew: Renewal | None) -> Criterion:
    if profile.demande.oqtf:
        return Criterion(
            "urgence",
            _("Urgence"),
            False,
            _(
                "obligation de quitter le territoire déclarée : pas d'urgence reconnue "
                "(CE, 9 juin 2022, n° 453391)"
            ),
            _("Voyez un avocat avant toute démarche au tribunal."),
        )
    noted = _noted(profile, root)
    proven = bool(_proven_facts(profile, root))
    todo = (
        _("Joignez le justificatif de chaque fait d'urgence (profil : demande.urgence).")
        if profile.demande.urgence
        else _(
            "Notez les faits d'urgence (travail, santé, enfants…) et joignez leurs "
            "justificatifs (profil : demande.urgence)."
        )
    )
    if renew is not None:
        return _renewal_urgency(renew, noted, proven, todo)
    return Criterion(
        "urgence",
        _("Urgence"),
        proven,
        _("première demande : {noted} (le juge demande des circonstances particulières)").format(
            noted=noted
        ),
        todo,
    )


def _window(renew: Renewal) -> Criterion:
    """A renewal asked too early may be refused; asked too late, it costs and weakens."""
    name = _("Délai de renouvellement (article R. 431-5 du CESEDA)")
    span = _("du {start} au {end}").format(start=day(renew.start), end=day(renew.end))
    if renew.not_open_yet:
        return Criterion(
            "delai",
            name,
            False,
            _("il ne s'ouvre que le {date} ({span})").format(date=day(renew.start), span=span),
            _("Attendez l'ouverture du délai : le juge pourrait estimer la requête prématurée."),
        )
    if renew.window_missed:
        return Criterion(
            "delai",
            name,
            False,
            _(
                "première démarche après le délai ({span}) : taxe de retard possible "
                "(article L. 436-5)"
            ).format(span=span),
            _("Voyez une permanence juridique."),
        )
    if renew.first_in_window:
        span = _("{span}, première démarche dans ce délai le {date}").format(
            span=span, date=day(renew.first_in_window)
        )
    return Criterion("delai", name, True, span)


def _complete(profile: Profile) -> Criterion:
    listed = len(profile.demande.pieces_dossier)
    pieces = (
        ngettext(
            "{n} pièce listée dans le profil", "{n} pièces listées dans le profil", listed
        ).format(n=listed)
        if listed
        else _("aucune liste de pièces dans le profil")
    )
    return Criterion(
        "dossier",
        _("Dossier de demande complet"),
        profile.demande.dossier_complet,
        (
            _("{pieces} ; dossier déclaré complet")
            if profile.demande.dossier_complet
            else _("{pieces} ; dossier déclaré incomplet")
        ).format(pieces=pieces),
        _(
            "Réunissez les pièces demandées par la préfecture et listez-les "
            "(demande.pieces_dossier)."
        ),
    )


def _defenseur(facts: Facts) -> Criterion:
    referral = facts.referral
    return Criterion(
        "defenseur",
        _("Défenseur des droits (facultatif)"),
        referral is not None,
        _("saisi le {date} ; la saisine ne suspend aucun délai et n'empêche pas le référé").format(
            date=day(referral.when.date())
        )
        if referral
        else _("pas saisi ; la saisine ne suspend aucun délai et n'empêche pas le référé"),
        "",
    )


def _dates(facts: Facts) -> Criterion:
    """Who dates the proofs (proof: ``evidence/proofs/dating.py``): advisory."""
    from .proofs.dating import criterion

    return Criterion(**criterion(facts))  # type: ignore[arg-type]


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
        _dates(facts),
        _defenseur(facts),
    ]
    return Readiness(criteria, blocking=bool(profile.demande.oqtf))


def render(readiness: Readiness) -> str:
    """The check as text, one line per criterion, then the verdict."""
    out = [_("EST-CE LE MOMENT DE SAISIR LE JUGE DES RÉFÉRÉS ?"), ""]
    for c in readiness.criteria:
        line = _("{label} : {value}").format(label=c.name, value=c.figure)
        out.append(f"  [{'x' if c.met else ' '}] {line}")
        if not c.met and c.todo:
            out.append(f"      → {c.todo_line}")
    out.append("")
    if readiness.blocking:
        out.append(
            _("Une obligation de quitter le territoire est déclarée : voyez un avocat avant tout.")
        )
    elif readiness.ready:
        out.append(
            _(
                "Les repères sont réunis. Relisez le projet de requête avec une permanence "
                "juridique ou un avocat : rdvletters recours"
            )
        )
    else:
        unmet = len(readiness.unmet)
        out.append(
            ngettext(
                "{n} repère manque encore. Vous pouvez préparer le projet de requête (rdvletters "
                "recours) : sa première page les rappelle.",
                "{n} repères manquent encore. Vous pouvez préparer le projet de requête "
                "(rdvletters recours) : sa première page les rappelle.",
                unmet,
            ).format(n=unmet)
        )
    return "\n".join(out) + "\n"
