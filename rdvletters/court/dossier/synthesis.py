"""The one-page summary for the permanence juridique: the facts a jurist asks first.

Who, which permit and which route, since when and how often (justified attempts),
the registered letter and its receipt, the expiry and the R. 431-5 window,
urgency, the completeness answers, the OQTF answer, the Défenseur des droits, the
référé check, and every dated milestone. Every figure comes from ``facts``,
``readiness`` and ``deadlines``, as everywhere else.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ...evidence.proofs.dating import dating_text
from ...facts import Facts
from ...frdates import jour
from ...profile import Profile
from ...renewal import Renewal, case_renewal
from ...wording import dont, nombre
from .. import deadlines, readiness

WINDOW_STATES = {
    "hors_delai": "première démarche après la fin du délai",
    "avant_le_delai": "le délai n'est pas encore ouvert",
    "aucune_demarche": "aucune démarche",
}
OQTF = {True: "OUI : voir un avocat", False: "non", None: "question sans réponse"}
COMPLETE = {True: "oui", False: "non"}
LANGUAGE = {
    "oui": "certificat de langue et examen civique réunis",
    "non": "NON : certificat de langue ou examen civique manquant",
    "non_concerne": "non concerné",
    None: "question sans réponse",
}
BASIS = {
    "metiers_en_tension": "admission exceptionnelle « métiers en tension » (article L. 435-4)",
    "admission_exceptionnelle": "admission exceptionnelle au séjour (article L. 435-1)",
    "autre": "autre",
    "ne_sait_pas": "la personne ne sait pas",
    None: "non indiqué",
}


def _person(profile: Profile) -> str:
    d = profile.demandeur
    agdref = f", AGDREF {d.numero_etranger}" if d.numero_etranger else ""
    born = f"{d.ne} le {jour(d.date_naissance)}"
    return f"{d.prenom} {d.nom.upper()}, {born}, de nationalité {d.nationalite}{agdref}"


def _letters(facts: Facts) -> list[list[str]]:
    if not facts.letters_sent:
        return [["Lettre recommandée", "pas encore envoyée"]]
    rows = []
    for letter in facts.letters_sent:
        receipt = facts.receipt_of(letter)
        card = (
            f"avis de réception du {jour(receipt.when.date())}"
            if receipt
            else "avis de réception non noté"
        )
        rows.append(["Lettre recommandée", f"envoyée le {jour(letter.when.date())}, {card}"])
    return rows


def _expiry(renew: Renewal) -> str:
    if renew.state == "dans_le_delai" and renew.first_in_window:
        where = f"première démarche dans le délai le {jour(renew.first_in_window)}"
    else:
        where = WINDOW_STATES[renew.state]
    verb = "a expiré" if renew.expired else "expire"
    return (
        f"{verb} le {jour(renew.expiry)} ; délai de l'article R. 431-5 du {jour(renew.start)} "
        f"au {jour(renew.end)} : {where}"
    )


def synthesis_rows(profile: Profile, facts: Facts, root: Path, today: date) -> list[list[str]]:
    """(label, value) rows of the summary."""
    first = facts.first_attempt
    dept = profile.departement
    kind = "renouvellement" if profile.renewal else "première demande"
    rows = [
        ["Personne", _person(profile)],
        ["Demande", f"{profile.demande.titre} ({kind})"],
        [
            "Voie de dépôt",
            "téléservice ANEF (R. 431-2)"
            if profile.anef
            else "en personne à la préfecture (R. 431-3)",
        ],
        ["Préfecture", profile.prefecture.nom + (f" – {profile.prefecture.site_rdv}"
                                                 if profile.prefecture.site_rdv else "")],
        ["Tribunal compétent", dept.tribunal if dept else "département inconnu"],
        ["Première démarche", jour(first.when.date()) if first else "aucune"],
        [
            "Démarches",
            f"{nombre(len(facts.attempts), 'démarche')}, "
            f"{dont(len(facts.attempts_with_proof), 'avec justificatif')}",
        ],
        [
            "Semaines",
            f"{nombre(facts.weeks_covered, 'semaine')} : {facts.weeks_with_attempts} avec une "
            f"démarche, {facts.weeks_with_proof} avec une démarche justifiée",
        ],
        ["Dates des justificatifs", dating_text(facts.proofs_by_dating()) or "aucun justificatif"],
        *_letters(facts),
    ]  # fmt: skip
    renew = case_renewal(profile, facts, today)
    if renew is not None:
        rows.append(["Échéance du titre", _expiry(renew)])
    urgency = [u.fait + ("" if u.justificatif else " (sans justificatif)")
               for u in profile.demande.urgence]  # fmt: skip
    rows.append(["Faits d'urgence", " ; ".join(urgency) or "aucun noté"])
    rows.append(["Fondement de la demande", BASIS[profile.demande.fondement]])
    rows.append(["Dossier complet (déclaré)", COMPLETE[profile.demande.dossier_complet]])
    rows.append(
        ["Langue et examen civique (depuis 2026)", LANGUAGE[profile.demande.langue_civisme]]
    )
    rows.append(["Obligation de quitter le territoire", OQTF[profile.demande.oqtf]])
    referral = facts.referral
    rows.append(
        [
            "Défenseur des droits",
            f"saisi le {jour(referral.when.date())}" if referral else "pas saisi",
        ]
    )
    check = readiness.check(profile, facts, today, root)
    if check.blocking:
        verdict = "obligation de quitter le territoire déclarée : voir un avocat"
    elif check.ready:
        verdict = "repères réunis"
    else:
        verdict = "manque : " + " ; ".join(c.name for c in check.unmet)
    rows.append(["Référé (repères)", verdict])
    found = deadlines.nearest_first(deadlines.milestones(profile, facts, today), today)
    for m in found:
        flag = "ATTENTION – " if m.attention(today) else ""
        rows.append([f"Échéance : {jour(m.date)}", f"{flag}{m.heading()}. {m.meaning(today)}"])
    return rows
