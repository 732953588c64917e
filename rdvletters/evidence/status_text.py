"""``status`` as French text for a person who is not a lawyer.

Alerts first, then the figures (attempts recorded and attempts with proof, never
mixed), week by week with French dates, the ladder, the one thing to do this
week, the référé guidance, the renewal deadlines, and what the dossier lacks.
"""

from __future__ import annotations

from datetime import date

from ..frdates import jour, jour_complet
from ..wording import dont, nombre
from .status import Status

BAR = 12


def _week_line(week: dict, per_week: int, dated: dict[str, int]) -> str:
    made, proven = week["demarches"], week["avec_justificatif"]
    bar = ("#" * min(proven, BAR) + "+" * min(made - proven, BAR - min(proven, BAR))).ljust(BAR)
    flag = ""
    if made == 0:
        flag = "  ← aucune démarche"
    elif proven < per_week:
        flag = f"  ← moins de {per_week} avec justificatif"
    matching = dated.get(week["lundi"].isoformat())
    if matching:
        flag += f"  (justificatif à la date concordante : {matching})"
    label = f"semaine du {jour_complet(week['lundi'])} :"
    return f"  {label:<40} {bar} {made} ({proven} avec justificatif){flag}"


def _figures(status: Status) -> list[str]:
    if not status.attempts:
        return ["Aucune démarche enregistrée pour l'instant."]
    out = [
        f"{nombre(status.attempts, 'démarche')}, "
        f"{dont(status.attempts_with_proof, 'avec justificatif')}, "
        f"du {jour(status.first_attempt)} au {jour(status.last_attempt)}.",
        f"{nombre(status.weeks_covered, 'semaine')} du lundi au dimanche ; "
        f"{nombre(status.weeks_with_attempts, 'semaine')} avec au moins une démarche, "
        f"{nombre(status.weeks_with_proof, 'semaine')} avec au moins un justificatif ; "
        f"{nombre(status.distinct_days, 'jour différent', 'jours différents')}.",
        "Par canal : "
        + " ; ".join(
            f"{c['libelle']} {c['demarches']} ({c['avec_justificatif']} avec justificatif)"
            for c in status.channels
        )
        + ".",
        "",
        "Semaine par semaine (# avec justificatif, + sans) :",
    ]
    dated = status.proofs.get("semaines", {})
    out += [_week_line(w, status.per_week, dated) for w in status.weeks]
    return out


def _referee(status: Status) -> list[str]:
    tick = {True: "[x]", False: "[ ]"}
    if status.renewal:
        advice = (
            f"repère de rdvletters pour un renouvellement : {status.advice_weeks_needed} "
            "semaines (les associations conseillent une période plus courte que pour une "
            "première demande, sans chiffre)"
        )
    else:
        advice = (
            "conseil des associations (note La Cimade / Gisti, 2019) pour une première "
            "demande : au moins deux à trois mois, deux à trois démarches par semaine ; repère "
            f"de rdvletters : {status.advice_weeks_needed} semaines"
        )
    return [
        "VERS UN RÉFÉRÉ (repères)",
        f"  {tick[status.legal_floor_met]} démarches justifiées sur plusieurs semaines "
        f"différentes (le minimum exigé par le Conseil d'État, CE 10 juin 2020, n° 435594) : "
        f"{nombre(status.weeks_with_proof, 'semaine')} avec justificatif",
        f"  {tick[status.advice_met]} {advice} avec au moins {status.per_week} démarches "
        f"justifiées (vous en avez {status.advice_weeks_met}). Ce n'est pas une règle de "
        "droit ; une permanence juridique vous dira si c'est le moment.",
    ]


def _readiness(status: Status) -> list[str]:
    """The référé check, in short: each criterion met or not (details: rdvletters recours
    --check)."""
    check = status.recours
    if not check:
        return []
    out = ["", "EST-CE LE MOMENT DE SAISIR LE JUGE ? (rdvletters recours --check)"]
    out += [
        f"  [{'x' if c['met'] else ' '}] {c['name']} : {c['figure']}" for c in check["criteres"]
    ]
    return out


def _deadline(status: Status, today: date) -> list[str]:
    if status.expiry is None:
        return []
    days = status.days_until_expiry
    out = ["", "ÉCHÉANCE DU TITRE"]
    if days is not None and days < 0:
        out.append(f"  Échéance dépassée : votre titre a expiré le {jour(status.expiry)}.")
    else:
        out.append(f"  Votre titre expire le {jour(status.expiry)} (dans {nombre(days, 'jour')}).")
    window = status.window
    if window:
        out.append(
            f"  Délai pour demander le renouvellement (article R. 431-5 du CESEDA) : du "
            f"{jour(window['debut'])} au {jour(window['fin'])}."
        )
        if window["etat"] == "dans_le_delai":
            out.append(
                f"  Première démarche dans ce délai : le {jour(window['premiere_dans_le_delai'])}."
            )
        elif window["etat"] == "avant_le_delai" and today < window["debut"]:
            out.append(f"  Le délai s'ouvre le {jour(window['debut'])} : essayez dès ce jour-là.")
    return out


def render_status(status: Status, today: date) -> str:
    """The whole status page as text."""
    out = ["OÙ EN ÊTES-VOUS ?", ""]
    if status.alerts:
        out += ["ATTENTION"] + [f"  ! {a}" for a in status.alerts] + [""]
    out += _figures(status)
    out += ["", "LES ÉTAPES"]
    out += [f"  [{'x' if r.done else ' '}] {r.name} : {r.detail}" for r in status.ladder]
    out += ["", "À FAIRE MAINTENANT", f"  {status.next_step}", ""]
    out += _referee(status)
    out += _readiness(status)
    out += _deadline(status, today)
    if status.urgency:
        out += ["", "Faits d'urgence notés :"] + [
            f"  - {u['fait']}{'' if u['justificatif'] else ' (justificatif manquant)'}"
            for u in status.urgency
        ]
    if status.missing:
        out += ["", "IL MANQUE AU DOSSIER"] + [f"  - {m}" for m in status.missing]
    if status.notes:
        out += ["", "À SAVOIR"] + [f"  - {n}" for n in status.notes]
    out += ["", f"Empreinte du journal : {status.journal_head[:16]}"]
    if status.proofs.get("horodatage"):
        out.append(f"Horodatage : {status.proofs['horodatage']}")
    return "\n".join(out) + "\n"
