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
from ..i18n import _, ngettext
from ..journal import JournalState
from ..localdates import day, day_month, short, weekday_day
from ..profile import Profile, inside
from ..recording import doubts
from ..renewal import Renewal, case_renewal
from . import readiness
from .proofs.verify import Report
from .readiness import FRESH_DAYS, LEGAL_FLOOR_WEEKS


@dataclass
class Todo:
    """Something to do: said in words, and the command that does it (the CLI shows the
    command, the web app a button to the page that does it)."""

    text: str
    command: str = ""

    def __str__(self) -> str:
        return (
            _("{label} : {value}").format(label=self.text, value=self.command)
            if self.command
            else self.text
        )


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
    doubts: list[str] = field(default_factory=list)  # what may be counted twice
    journal_head: str = ""
    dating: dict[str, int] = field(default_factory=dict)  # facts.proofs_by_dating()
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
    return ", ".join(day_month(s.when.date()) for s in steps)


def _email() -> Todo:
    return Todo(_("Envoyez le courriel de la semaine"), "rdvletters email")


def _letter() -> Todo:
    return Todo(
        _("Envoyez la lettre recommandée"),
        _("rdvletters letter, puis rdvletters sent N --tracking …"),
    )


def _email_rung(facts: Facts) -> Rung:
    sent = len(facts.emails)
    copies = sum(1 for s in facts.emails if s.has_header_copy)
    if not sent:
        detail = _("aucun, dont aucun avec copie .eml")
    elif not copies:
        detail = ngettext(
            "{n} envoyé, dont aucun avec copie .eml",
            "{n} envoyés, dont aucun avec copie .eml",
            sent,
        ).format(n=sent)
    else:
        detail = ngettext(
            "{n} envoyé, dont {k} avec copie .eml", "{n} envoyés, dont {k} avec copie .eml", sent
        ).format(n=sent, k=copies)
    return Rung(_("Courriels au service des étrangers"), bool(sent), detail, _email())


def _letter_rung(facts: Facts) -> Rung:
    letters = facts.letters_sent
    receipts = [r for r in (facts.receipt_of(x) for x in letters) if r is not None]
    if not letters:
        return Rung(
            _("Lettre recommandée et avis de réception"),
            False,
            _("pas encore envoyée"),
            _letter(),
        )
    posted = day(letters[-1].when.date())
    detail = (
        _("envoyée le {date}, avis de réception reçu")
        if receipts
        else _("envoyée le {date}, avis de réception non noté")
    ).format(date=posted)
    return Rung(
        _("Lettre recommandée et avis de réception"),
        bool(receipts),
        detail,
        Todo(
            _("Quand l'avis de réception revient, notez-le"),
            _("rdvletters record ar --proof carte.jpg"),
        ),
    )


def _defenseur_rung(facts: Facts) -> Rung:
    referral = facts.referral
    return Rung(
        _("Défenseur des droits"),
        referral is not None,
        _("saisi le {date}").format(date=day(referral.when.date()))
        if referral
        else _("pas encore saisi"),
        Todo(_("Saisissez le Défenseur des droits"), "rdvletters referral"),
    )


def _tries(steps: list[Step]) -> str:
    """« 12 essais, dont 10 avec capture »."""
    n, k = len(steps), sum(s.has_proof for s in steps)
    return ngettext(
        "{n} essai, dont {k} avec capture", "{n} essais, dont {k} avec capture", n
    ).format(n=n, k=k)


def _anef_ladder(facts: Facts) -> list[Rung]:
    anef = facts.by_channel("anef")
    ccc = facts.by_channel("ccc")
    pan = facts.by_channel("pan")
    numbered = sum(bool(s.reference) for s in ccc)
    return [
        Rung(
            _("Dépôt sur l'ANEF, avec captures de l'erreur"),
            any(s.has_proof for s in anef),
            _tries(anef),
            Todo(
                _("Essayez de déposer sur l'ANEF et notez l'erreur avec une capture"),
                _('rdvletters record anef -m "message affiché" --proof capture.png'),
            ),
        ),
        Rung(
            _("Centre de contact citoyens, avec numéro de demande"),
            bool(numbered),
            ngettext(
                "{n} contact, dont {k} avec numéro", "{n} contacts, dont {k} avec numéro", len(ccc)
            ).format(n=len(ccc), k=numbered),
            Todo(
                _(
                    "Écrivez au centre de contact citoyens (formulaire ou téléphone) et notez "
                    "le numéro de demande"
                ),
                "rdvletters record ccc --reference 123456",
            ),
        ),
        Rung(
            _("Point d'accueil numérique"),
            bool(pan),
            ngettext("{n} passage", "{n} passages", len(pan)).format(n=len(pan))
            if pan
            else _("aucun passage"),
            Todo(
                _("Allez au point d'accueil numérique de la préfecture et notez-le"),
                _("rdvletters record pan --proof justificatif.jpg"),
            ),
        ),
    ]


def _rdv_rungs(facts: Facts) -> tuple[Rung, Rung]:
    """The booking site (first) and the counter with a witness (after the e-mails)."""
    web = facts.by_channel("web")
    counters = facts.by_channel("counter")
    witnessed = sum(1 for s in counters if s.witness)
    site = Rung(
        _("Site de rendez-vous, avec captures"),
        any(s.has_proof for s in web),
        _tries(web),
        Todo(
            _("Essayez le site de rendez-vous et notez chaque essai avec sa capture"),
            _("rdvletters record web --proof capture.png"),
        ),
    )
    counter = Rung(
        _("Guichet avec un témoin"),
        bool(witnessed),
        ngettext(
            "{n} visite, dont {k} avec témoin", "{n} visites, dont {k} avec témoin", len(counters)
        ).format(n=len(counters), k=witnessed),
        Todo(
            _("Présentez-vous au guichet accompagné d'un témoin, puis notez-le"),
            _('rdvletters record counter --witness "Prénom NOM"'),
        ),
    )
    return site, counter


def _ladder(facts: Facts, route: str) -> list[Rung]:
    """The rungs of the route, each with its figures and the command that climbs it."""
    if route == "anef":
        return [
            *_anef_ladder(facts),
            _email_rung(facts),
            _letter_rung(facts),
            _defenseur_rung(facts),
        ]
    site, counter = _rdv_rungs(facts)
    return [site, _email_rung(facts), counter, _letter_rung(facts), _defenseur_rung(facts)]


def _this_week_todo(route: str, missing: int) -> Todo:
    if route == "anef":
        return Todo(
            ngettext(
                "Cette semaine : essayez encore {n} fois de déposer sur l'ANEF, à des heures "
                "différentes, avec une capture de l'erreur (date, heure, adresse), et relancez "
                "le centre de contact citoyens ; notez chaque démarche",
                "Cette semaine : essayez encore {n} fois de déposer sur l'ANEF, à des heures "
                "différentes, avec une capture de l'erreur (date, heure, adresse), et relancez "
                "le centre de contact citoyens ; notez chaque démarche",
                missing,
            ).format(n=missing),
            "rdvletters record anef …",
        )
    return Todo(
        ngettext(
            "Cette semaine : essayez encore {n} fois le site de rendez-vous, à des heures "
            "différentes, avec une capture d'écran (date, heure, adresse du site), puis notez-le",
            "Cette semaine : essayez encore {n} fois le site de rendez-vous, à des heures "
            "différentes, avec une capture d'écran (date, heure, adresse du site), puis notez-le",
            missing,
        ).format(n=missing),
        "rdvletters record web …",
    )


def _next_step(
    facts: Facts, profile: Profile, ladder: list[Rung], renew: Renewal | None, today: date
) -> Todo:
    """The one thing to do now, most urgent first."""
    if profile.demande.oqtf:
        return Todo(
            _(
                "Voyez dès maintenant un avocat ou une permanence juridique (La Cimade, Gisti, "
                "ADDE, LDH…) : une obligation de quitter le territoire change tout."
            )
        )
    if renew is not None and renew.window_missed:
        return Todo(
            _(
                "Allez dès cette semaine voir une permanence juridique : le délai de "
                "renouvellement est passé sans démarche enregistrée à temps."
            )
        )
    if renew is not None and (renew.expires_soon or renew.expired) and not facts.letters_sent:
        return _mark_sent(facts, "lettre") or Todo(
            _("Envoyez d'abord la lettre recommandée, le titre a expiré")
            if renew.expired
            else _("Envoyez d'abord la lettre recommandée, le titre arrive à échéance"),
            _letter().command,
        )
    per_week = profile.seuils.tentatives_par_semaine
    this_week = len(facts.attempts_in_week(today))
    if this_week < per_week:
        return _this_week_todo(profile.situation, per_week - this_week)
    if not facts.emails or facts.new_since_last_email:
        return _mark_sent(facts, "courriel") or _email()
    for rung in ladder:
        if not rung.done:
            if rung.todo.command == _letter().command:
                return _mark_sent(facts, "lettre") or rung.todo
            return rung.todo
    return Todo(
        _(
            "Prenez contact avec une permanence juridique (La Cimade, Gisti, ADDE, LDH…) avec "
            "votre dossier"
        ),
        "rdvletters bundle",
    )


def _mark_sent(facts: Facts, kind: str) -> Todo | None:
    """While a prepared e-mail or letter waits, the step is to mark it sent once it has
    gone, not to prepare another."""
    n = facts.waiting(kind)
    if n is None:
        return None
    if kind == "courriel":
        text = _(
            "Marquez le courriel n° {n} comme envoyé (il est préparé : envoyez-le d'abord si "
            "ce n'est pas fait)"
        )
    else:
        text = _(
            "Marquez la lettre n° {n} comme envoyée, avec son numéro de suivi (elle est "
            "préparée : envoyez-la d'abord si ce n'est pas fait)"
        )
    return Todo(text.format(n=n), f"rdvletters sent {n}")


def _missing_steps(facts: Facts) -> list[str]:
    """Attempts and e-mails without their proof, CCC contacts without their number."""
    missing = []
    unproven = [s for s in facts.attempts if not s.has_proof]
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
                _(
                    "avis de réception de la lettre recommandée du {date} : "
                    "rdvletters record ar --proof carte.jpg"
                ).format(date=posted)
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


def _notes(facts: Facts) -> list[str]:
    if facts.referral is None:
        return []
    return [
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
                "libelle": _(label(channel, route)),
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
            {
                "lundi": w.monday,
                "demarches": w.attempts,
                "avec_justificatif": w.with_proof,
                "datees_par_un_tiers": w.third_party,
            }
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
        doubts=doubts(state) if state is not None else [],
        journal_head=facts.head,
        dating=facts.proofs_by_dating(),
        proofs=proofs or {},
        recours=readiness.check(profile, facts, today, root).to_dict(),
    )
