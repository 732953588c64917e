"""Where do I stand, and what do I do this week.

Figures from the journal (attempts recorded and attempts justified, weeks,
days since the last attempt), the ladder of steps for the route with each rung
done or not, one next step, every dated milestone (``deadlines``), and what the
dossier still lacks. Alerts come first: a stale journal, an obligation to leave
France, a missed renewal window, the risk after the letter. Whether it is time
for the judge is ``readiness``'s to say (criteria, benchmark, verdict): status
shows it and never counts on its own, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from ..casepaths import inside
from ..channels import by_weight, label
from ..evidence.proofs.verify import Report
from ..facts import Facts
from ..i18n import _, ngettext
from ..journal import JournalState
from ..localdates import day, day_month, short, weekday_day
from ..profile import Profile
from ..recording import doubts
from ..renewal import Renewal, case_renewal
from ..steps import Step
from . import deadlines, readiness
from .ladder import RECEIPT_COMMAND, Rung, Todo
from .ladder import ladder as route_ladder
from .milestone import Milestone
from .next_step import next_step
from .readiness import FRESH_DAYS
from .stale import stale_alert, stale_requetes


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
    doubts: list[str] = field(default_factory=list)  # what may be counted twice
    journal_head: str = ""
    dating: dict[str, int] = field(default_factory=dict)  # facts.proofs_by_dating()
    proofs: dict[str, Any] = field(default_factory=dict)  # proof_status(): dated proofs, tokens
    recours: dict[str, Any] = field(default_factory=dict)  # readiness for a référé
    verdict: str = ""  # readiness in one sentence, as ``recours --check`` ends
    deadlines: list[dict[str, Any]] = field(default_factory=list)  # nearest first
    stale_requetes: list[str] = field(default_factory=list)  # drafts not to file

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
    return ", ".join(day_month(s.when.date()) for s in steps)


def _missing_steps(facts: Facts) -> list[str]:
    """Attempts and e-mails without their proof, CCC contacts without their number."""
    missing = []
    unproven = [s for s in facts.attempts if not facts.justified(s)]
    if unproven:
        missing.append(
            ngettext(
                "{n} démarche sans justificatif (capture, copie) : {dates}",
                "{n} démarches sans justificatif (capture, copie) : {dates}",
                len(unproven),
            ).format(n=len(unproven), dates=_dates(unproven))
        )
    bare = [s for s in facts.emails if not s.has_header_copy]
    if bare:
        missing.append(
            ngettext(
                "{n} courriel sans copie .eml gardant ses en-têtes (enregistrez le message "
                "envoyé depuis votre messagerie) : {dates}",
                "{n} courriels sans copie .eml gardant ses en-têtes (enregistrez le message "
                "envoyé depuis votre messagerie) : {dates}",
                len(bare),
            ).format(n=len(bare), dates=_dates(bare))
        )
    no_ticket = [s for s in facts.by_channel("ccc") if not s.reference]
    if no_ticket:
        missing.append(
            _(
                "numéro de demande du centre de contact citoyens ({dates}) : "
                "rdvletters record ccc --reference …"
            ).format(dates=_dates(no_ticket))
        )
    return missing


def _missing_mail(facts: Facts) -> list[str]:
    """Receipts and posting proofs of the registered letters, witness statements."""
    missing = []
    for letter in facts.letters_sent:
        posted = short(letter.when.date())
        if facts.receipt_of(letter) is None:
            missing.append(
                _("avis de réception de la lettre recommandée du {date} : {command}").format(
                    date=posted, command=_(RECEIPT_COMMAND)
                )
            )
        if not letter.has_proof:
            missing.append(
                _("preuve de dépôt de la lettre recommandée du {date}").format(date=posted)
            )
    for visit in facts.visits_without_statement:
        missing.append(
            (
                _(
                    "attestation du témoin de la visite au guichet du {date} (rdvletters bundle "
                    "en prépare le modèle ; notez-la avec : rdvletters record attestation)"
                )
                if visit.witness
                else _(
                    "attestation du témoin de la visite au guichet du {date} (visite sans "
                    "témoin noté)"
                )
            ).format(date=short(visit.when.date()))
        )
    return missing


def _missing(facts: Facts, profile: Profile, root, report: Report | None) -> list[str]:
    """What the court or the Défenseur will look for and the dossier does not hold."""
    missing = _missing_steps(facts) + _missing_mail(facts)
    for fact in profile.demande.urgence:
        target = inside(root, fact.justificatif) if fact.justificatif else None
        if target is None or not target.is_file():
            missing.append(_("justificatif du fait d'urgence « {fact} »").format(fact=fact.fait))
    if not profile.demande.dossier_complet:
        missing.append(_("pièces du dossier de demande (demande.dossier_complet : non)"))
    if profile.demande.langue_civisme == "non":
        missing.append(_("certificat de langue et examen civique (demande.langue_civisme : non)"))
    if report is not None:
        missing += report.file_problems
    return missing


def renewal_alerts(renew: Renewal | None) -> list[str]:
    """What the person must know about the renewal deadlines (also said by ``check``)."""
    if renew is None:
        return []
    alerts = []
    if renew.expired:
        ago = -renew.days_until_expiry
        alerts.append(
            ngettext(
                "Échéance dépassée : votre titre a expiré le {date} (il y a {n} jour).",
                "Échéance dépassée : votre titre a expiré le {date} (il y a {n} jours).",
                ago,
            ).format(date=day(renew.expiry), n=ago)
        )
    if renew.window_missed:
        alerts.append(
            _(
                "Le délai de renouvellement (du {start} au {end}, article R. 431-5 du CESEDA) "
                "est passé sans démarche enregistrée à temps : une taxe de retard (article "
                "L. 436-5) peut être réclamée. Allez voir une permanence juridique."
            ).format(start=day(renew.start), end=day(renew.end))
        )
    return alerts


def _alerts(
    facts: Facts, profile: Profile, renew: Renewal | None, days_since: int | None
) -> list[str]:
    alerts = []
    last = facts.last_attempt
    if last is not None and days_since is not None and days_since > FRESH_DAYS:
        alerts.append(
            ngettext(
                "Votre dernière démarche date du {date} (il y a {n} jour). Le juge veut une "
                "difficulté actuelle : refaites une démarche cette semaine.",
                "Votre dernière démarche date du {date} (il y a {n} jours). Le juge veut une "
                "difficulté actuelle : refaites une démarche cette semaine.",
                days_since,
            ).format(date=weekday_day(last.when.date()), n=days_since)
        )
    if profile.demande.oqtf:
        alerts.append(
            _(
                "Vous avez indiqué une obligation de quitter le territoire non exécutée : "
                "l'urgence et le référé sont compromis (CE, 9 juin 2022, n° 453391 ; article "
                "L. 521-3 du code de justice administrative). Voyez un avocat maintenant."
            )
        )
    return alerts + renewal_alerts(renew)


def deadline_rows(found: list[Milestone], today: date) -> list[dict[str, Any]]:
    """The milestones as data, nearest first: what ``status`` and the web page show."""
    return [
        {
            "type": m.kind,
            "cle": m.key,
            "date": m.date,
            "titre": m.heading(),
            "sens": m.meaning(today),
            "passee": m.passed(today),
            "attention": m.attention(today),
            "jours": m.days_left(today),
        }
        for m in deadlines.nearest_first(found, today)
    ]


def _notes(facts: Facts) -> list[str]:
    notes = []
    if facts.by_channel("appointment") and deadlines.registration(facts) is None:
        notes.append(
            _(
                "Le jour où votre demande est enregistrée, notez-le (rdvletters record "
                "registration) : quatre mois après, le silence du préfet vaut refus implicite."
            )
        )
    if facts.referral is None:
        return notes
    return notes + [
        _(
            "La saisine du Défenseur des droits ne suspend aucun délai de recours : si "
            "l'urgence le demande, n'attendez pas sa réponse pour saisir le juge."
        ),
        _("L'aide juridictionnelle ne dépend pas de la régularité du séjour."),
    ]


def compute_status(
    profile: Profile,
    facts: Facts,
    now: datetime,
    root,
    report: Report | None = None,
    proofs: dict[str, Any] | None = None,
    state: JournalState | None = None,
) -> Status:
    """All figures of ``status``; with the journal's ``state``, what may be counted twice
    (``recording.doubts``: the proofs' hashes are in the journal, not in ``facts``)."""
    today = now.date()
    route = profile.situation
    expiry = profile.demande.titre_actuel_expire_le
    renew = case_renewal(profile, facts, today)
    ladder = route_ladder(facts, route)
    check = readiness.check(profile, facts, today, root)
    bench = check.benchmark
    weeks = facts.weeks
    last = facts.last_attempt
    days_since = (today - last.when.date()).days if last else None
    channels = []
    for channel in by_weight({s.channel for s in facts.attempts}, route):
        steps = [s for s in facts.attempts if s.channel == channel]
        channels.append(
            {
                "canal": channel,
                "libelle": _(label(channel, route)),
                "demarches": len(steps),
                "avec_justificatif": sum(facts.justified(s) for s in steps),
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
            {
                "lundi": w.monday,
                "demarches": w.attempts,
                "avec_justificatif": w.with_proof,
                "datees_par_un_tiers": w.third_party,
            }
            for w in weeks
        ],
        ladder=ladder,
        next_step=next_step(facts, profile, ladder, renew, today, check),
        alerts=_alerts(facts, profile, renew, days_since)
        + check.warnings
        + stale_alert(stale := stale_requetes(facts, check, root)),
        stale_requetes=stale,
        legal_floor_met=bench.floor_met,
        advice_weeks_needed=bench.needed,
        advice_weeks_met=bench.good_weeks,
        advice_met=bench.advice_met,
        per_week=bench.per_week,
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
        doubts=doubts(state) if state is not None else [],
        journal_head=facts.head,
        dating=facts.proofs_by_dating(),
        proofs=proofs or {},
        recours=check.to_dict(),
        verdict=readiness.verdict(check),
        deadlines=deadline_rows(deadlines.milestones(profile, facts, today), today),
    )
