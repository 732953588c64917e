"""Where do I stand, and what do I do this week.

Figures from the journal (attempts recorded and attempts with a proof, weeks,
days since the last attempt), the ladder of steps for the route with each rung
done or not, one next step, the renewal deadlines, and what the dossier still
lacks. Alerts come first: a stale journal, an obligation to leave France, a
missed renewal window. The legal floor (attempts in several different weeks)
comes from CE, 10 juin 2020, n° 435594; the other thresholds are the profile's
``seuils`` (associations' advice, not law).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from ..channels import by_weight, label
from ..facts import Facts, Step
from ..frdates import date_courte, jour, jour_complet
from ..profile import Profile, inside
from ..renewal import Renewal, case_renewal
from ..wording import dont, nombre
from . import readiness
from .readiness import FRESH_DAYS, LEGAL_FLOOR_WEEKS
from .verify import Report


@dataclass
class Todo:
    """Something to do: said in words, and the command that does it (the CLI shows the
    command, the web app a button to the page that does it)."""

    text: str
    command: str = ""

    def __str__(self) -> str:
        return f"{self.text} : {self.command}" if self.command else self.text


@dataclass
class Rung:
    """One step of the ladder: done or not, and what to do to climb it."""

    name: str
    done: bool
    detail: str
    todo: Todo


@dataclass
class Status:
    """Everything ``status`` says, as data (``--json``, the web page) before it is text."""

    route: str
    renewal: bool
    attempts: int
    attempts_with_proof: int
    first_attempt: date | None
    last_attempt: date | None
    days_since_last: int | None
    weeks_covered: int
    weeks_with_attempts: int
    weeks_with_proof: int
    distinct_days: int
    channels: list[dict[str, Any]]
    weeks: list[dict[str, Any]]
    ladder: list[Rung]
    next_step: Todo
    alerts: list[str]
    legal_floor_met: bool
    advice_weeks_needed: int
    advice_weeks_met: int
    advice_met: bool
    per_week: int
    expiry: date | None
    days_until_expiry: int | None
    window: dict[str, Any] | None
    oqtf: bool | None
    urgency: list[dict[str, Any]]
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    journal_head: str = ""
    proofs: dict[str, Any] = field(default_factory=dict)
    recours: dict[str, Any] = field(
        default_factory=dict
    )  # readiness for a référé  # proof_status(): dated proofs, tokens

    def to_dict(self) -> dict[str, Any]:
        """Plain data with ISO dates, for JSON."""

        def plain(value: Any) -> Any:
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list):
                return [plain(v) for v in value]
            return value

        return plain(asdict(self))


def _dates(steps: list[Step]) -> str:
    return ", ".join(f"{s.when:%d/%m}" for s in steps)


EMAIL = Todo("Envoyez le courriel de la semaine", "rdvletters email")
LETTER = Todo(
    "Envoyez la lettre recommandée", "rdvletters letter, puis rdvletters sent N --tracking …"
)


def _ladder(facts: Facts, route: str) -> list[Rung]:
    """The rungs of the route, each with its figures and the command that climbs it."""
    emails = facts.emails
    with_copy = [s for s in emails if s.has_header_copy]
    letters = facts.letters_sent
    receipts = [r for r in (facts.receipt_of(x) for x in letters) if r is not None]
    referral = facts.referral
    email_rung = Rung(
        "Courriels au service des étrangers",
        bool(emails),
        f"{nombre(len(emails), 'envoyé', 'envoyés', 'aucun')}, "
        f"{dont(len(with_copy), 'avec copie .eml', feminine=False)}",
        EMAIL,
    )
    letter_rung = Rung(
        "Lettre recommandée et avis de réception",
        bool(letters and receipts),
        (
            f"envoyée le {jour(letters[-1].when.date())}"
            + (", avis de réception reçu" if receipts else ", avis de réception non noté")
        )
        if letters
        else "pas encore envoyée",
        Todo(
            "Quand l'avis de réception revient, notez-le", "rdvletters record ar --proof carte.jpg"
        )
        if letters
        else LETTER,
    )
    defenseur_rung = Rung(
        "Défenseur des droits",
        referral is not None,
        f"saisi le {jour(referral.when.date())}" if referral else "pas encore saisi",
        Todo("Saisissez le Défenseur des droits", "rdvletters referral"),
    )
    if route == "anef":
        anef = facts.by_channel("anef")
        ccc = facts.by_channel("ccc")
        pan = facts.by_channel("pan")
        return [
            Rung(
                "Dépôt sur l'ANEF, avec captures de l'erreur",
                any(s.has_proof for s in anef),
                f"{nombre(len(anef), 'essai')}, dont {sum(s.has_proof for s in anef)} avec capture",
                Todo(
                    "Essayez de déposer sur l'ANEF et notez l'erreur avec une capture",
                    'rdvletters record anef -m "message affiché" --proof capture.png',
                ),
            ),
            Rung(
                "Centre de contact citoyens, avec numéro de demande",
                any(s.reference for s in ccc),
                f"{nombre(len(ccc), 'contact')}, dont "
                f"{sum(bool(s.reference) for s in ccc)} avec numéro",
                Todo(
                    "Écrivez au centre de contact citoyens (formulaire ou téléphone) et notez "
                    "le numéro de demande",
                    "rdvletters record ccc --reference 123456",
                ),
            ),
            Rung(
                "Point d'accueil numérique",
                bool(pan),
                nombre(len(pan), "passage", zero="aucun passage"),
                Todo(
                    "Allez au point d'accueil numérique de la préfecture et notez-le",
                    "rdvletters record pan --proof justificatif.jpg",
                ),
            ),
            email_rung,
            letter_rung,
            defenseur_rung,
        ]
    web = facts.by_channel("web")
    counters = facts.by_channel("counter")
    witnessed = [s for s in counters if s.witness]
    return [
        Rung(
            "Site de rendez-vous, avec captures",
            any(s.has_proof for s in web),
            f"{nombre(len(web), 'essai')}, dont {sum(s.has_proof for s in web)} avec capture",
            Todo(
                "Essayez le site de rendez-vous et notez chaque essai avec sa capture",
                "rdvletters record web --proof capture.png",
            ),
        ),
        email_rung,
        Rung(
            "Guichet avec un témoin",
            bool(witnessed),
            f"{nombre(len(counters), 'visite')}, dont {len(witnessed)} avec témoin",
            Todo(
                "Présentez-vous au guichet accompagné d'un témoin, puis notez-le",
                'rdvletters record counter --witness "Prénom NOM"',
            ),
        ),
        letter_rung,
        defenseur_rung,
    ]


def _this_week_todo(route: str, missing: int) -> Todo:
    times = nombre(missing, "fois", "fois")
    if route == "anef":
        return Todo(
            f"Cette semaine : essayez encore {times} de déposer sur l'ANEF, à des heures "
            "différentes, avec une capture de l'erreur (date, heure, adresse), et relancez le "
            "centre de contact citoyens ; notez chaque démarche",
            "rdvletters record anef …",
        )
    return Todo(
        f"Cette semaine : essayez encore {times} le site de rendez-vous, à des heures "
        "différentes, avec une capture d'écran (date, heure, adresse du site), puis notez-le",
        "rdvletters record web …",
    )


def _next_step(
    facts: Facts, profile: Profile, ladder: list[Rung], renew: Renewal | None, today: date
) -> Todo:
    """The one thing to do now, most urgent first."""
    if profile.demande.oqtf:
        return Todo(
            "Voyez dès maintenant un avocat ou une permanence juridique (La Cimade, Gisti, "
            "ADDE, LDH…) : une obligation de quitter le territoire change tout."
        )
    if renew is not None and renew.window_missed:
        return Todo(
            "Allez dès cette semaine voir une permanence juridique : le délai de renouvellement "
            "est passé sans démarche enregistrée à temps."
        )
    if renew is not None and (renew.expires_soon or renew.expired) and not facts.letters_sent:
        return Todo(
            "Envoyez d'abord la lettre recommandée, le titre arrive à échéance", LETTER.command
        )
    per_week = profile.seuils.tentatives_par_semaine
    this_week = len(facts.attempts_in_week(today))
    if this_week < per_week:
        return _this_week_todo(profile.situation, per_week - this_week)
    if not facts.emails or facts.new_since_last_email:
        return EMAIL
    for rung in ladder:
        if not rung.done:
            return rung.todo
    return Todo(
        "Prenez contact avec une permanence juridique (La Cimade, Gisti, ADDE, LDH…) avec "
        "votre dossier",
        "rdvletters bundle",
    )


def _missing(facts: Facts, profile: Profile, root, report: Report | None) -> list[str]:
    """What the court or the Défenseur will look for and the dossier does not hold."""
    missing = []
    unproven = [s for s in facts.attempts if not s.has_proof]
    if unproven:
        missing.append(
            f"{nombre(len(unproven), 'démarche')} sans justificatif (capture, copie) : "
            f"{_dates(unproven)}"
        )
    bare = [s for s in facts.emails if not s.has_header_copy]
    if bare:
        missing.append(
            f"{nombre(len(bare), 'courriel')} sans copie .eml gardant ses en-têtes (enregistrez "
            f"le message envoyé depuis votre messagerie) : {_dates(bare)}"
        )
    no_ticket = [s for s in facts.by_channel("ccc") if not s.reference]
    if no_ticket:
        missing.append(
            f"numéro de demande du centre de contact citoyens ({_dates(no_ticket)}) : "
            "rdvletters record ccc --reference …"
        )
    for letter in facts.letters_sent:
        if facts.receipt_of(letter) is None:
            missing.append(
                f"avis de réception de la lettre recommandée du {date_courte(letter.when.date())}"
                " : rdvletters record ar --proof carte.jpg"
            )
        if not letter.has_proof:
            missing.append(
                f"preuve de dépôt de la lettre recommandée du {date_courte(letter.when.date())}"
            )
    for visit in facts.visits_without_statement:
        missing.append(
            f"attestation du témoin de la visite au guichet du {date_courte(visit.when.date())}"
            + (
                " (rdvletters bundle en prépare le modèle ; notez-la avec : rdvletters record "
                "attestation)"
                if visit.witness
                else " (visite sans témoin noté)"
            )
        )
    for fact in profile.demande.urgence:
        target = inside(root, fact.justificatif) if fact.justificatif else None
        if target is None or not target.is_file():
            missing.append(f"justificatif du fait d'urgence « {fact.fait} »")
    if not profile.demande.dossier_complet:
        missing.append("pièces du dossier de demande (demande.dossier_complet : non)")
    if report is not None:
        missing += [p for p in report.problems if "fichier" in p]
    return missing


def renewal_alerts(renew: Renewal | None) -> list[str]:
    """What the person must know about the renewal deadlines (also said by ``check``)."""
    if renew is None:
        return []
    alerts = []
    if renew.expired:
        alerts.append(
            f"Échéance dépassée : votre titre a expiré le {jour(renew.expiry)} (il y a "
            f"{nombre(-renew.days_until_expiry, 'jour')})."
        )
    if renew.window_missed:
        alerts.append(
            f"Le délai de renouvellement (du {jour(renew.start)} au {jour(renew.end)}, "
            "article R. 431-5 du CESEDA) est passé sans démarche enregistrée à temps : une "
            "taxe de retard (article L. 436-5) peut être réclamée. Allez voir une permanence "
            "juridique."
        )
    return alerts


def _alerts(
    facts: Facts, profile: Profile, renew: Renewal | None, days_since: int | None
) -> list[str]:
    alerts = []
    last = facts.last_attempt
    if last is not None and days_since is not None and days_since > FRESH_DAYS:
        alerts.append(
            f"Votre dernière démarche date du {jour_complet(last.when.date())} (il y a "
            f"{nombre(days_since, 'jour')}). Le juge veut une difficulté actuelle : refaites "
            "une démarche cette semaine."
        )
    if profile.demande.oqtf:
        alerts.append(
            "Vous avez indiqué une obligation de quitter le territoire non exécutée : l'urgence "
            "et le référé sont compromis (CE, 9 juin 2022, n° 453391 ; article L. 521-3 du code "
            "de justice administrative). Voyez un avocat maintenant."
        )
    return alerts + renewal_alerts(renew)


def _notes(facts: Facts) -> list[str]:
    if facts.referral is None:
        return []
    return [
        "La saisine du Défenseur des droits ne suspend aucun délai de recours : si l'urgence "
        "le demande, n'attendez pas sa réponse pour saisir le juge.",
        "L'aide juridictionnelle ne dépend pas de la régularité du séjour.",
    ]


def compute_status(
    profile: Profile,
    facts: Facts,
    now: datetime,
    root,
    report: Report | None = None,
    proofs: dict[str, Any] | None = None,
) -> Status:
    """All figures of ``status``."""
    today = now.date()
    seuils = profile.seuils
    route = profile.situation
    expiry = profile.demande.titre_actuel_expire_le
    renew = case_renewal(profile, facts, today)
    ladder = _ladder(facts, route)
    needed = seuils.semaines_renouvellement if profile.renewal else seuils.semaines_premiere_demande
    per_week = seuils.tentatives_par_semaine
    weeks = facts.weeks
    good_weeks = sum(1 for w in weeks if w.with_proof >= per_week)
    last = facts.last_attempt
    days_since = (today - last.when.date()).days if last else None
    channels = []
    for channel in by_weight({s.channel for s in facts.attempts}, route):
        steps = [s for s in facts.attempts if s.channel == channel]
        channels.append(
            {
                "canal": channel,
                "libelle": label(channel, route),
                "demarches": len(steps),
                "avec_justificatif": sum(s.has_proof for s in steps),
            }
        )
    first = facts.first_attempt
    return Status(
        route=route,
        renewal=profile.renewal,
        attempts=len(facts.attempts),
        attempts_with_proof=len(facts.attempts_with_proof),
        first_attempt=first.when.date() if first else None,
        last_attempt=last.when.date() if last else None,
        days_since_last=days_since,
        weeks_covered=facts.weeks_covered,
        weeks_with_attempts=facts.weeks_with_attempts,
        weeks_with_proof=facts.weeks_with_proof,
        distinct_days=len(facts.attempt_days),
        channels=channels,
        weeks=[
            {"lundi": w.monday, "demarches": w.attempts, "avec_justificatif": w.with_proof}
            for w in weeks
        ],
        ladder=ladder,
        next_step=_next_step(facts, profile, ladder, renew, today),
        alerts=_alerts(facts, profile, renew, days_since),
        legal_floor_met=facts.weeks_with_proof >= LEGAL_FLOOR_WEEKS,
        advice_weeks_needed=needed,
        advice_weeks_met=good_weeks,
        advice_met=good_weeks >= needed,
        per_week=per_week,
        expiry=expiry if profile.renewal else None,
        days_until_expiry=renew.days_until_expiry if renew else None,
        window=(
            {
                "debut": renew.start,
                "fin": renew.end,
                "etat": renew.state,
                "premiere_dans_le_delai": renew.first_in_window,
            }
            if renew
            else None
        ),
        oqtf=profile.demande.oqtf,
        urgency=[
            {
                "fait": u.fait,
                "justificatif": bool(
                    u.justificatif
                    and (t := inside(root, u.justificatif)) is not None
                    and t.is_file()
                ),
            }
            for u in profile.demande.urgence
        ],
        missing=_missing(facts, profile, root, report),
        notes=_notes(facts),
        journal_head=facts.head,
        proofs=proofs or {},
        recours=readiness.check(profile, facts, today, root).to_dict(),
    )
