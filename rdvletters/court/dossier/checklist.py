"""The checklist: what the court will look for, ticked only when the dossier holds it.

Written for the person and the association (``Ne_pas_deposer/``), in French. A line
about steps never made (no e-mail, no screenshot) is left out rather than said
« 0 sur 0 »; figures agree in number with their word (« 1 démarche sur 3 »).
"""

from __future__ import annotations

from ... import i18n
from ...documents.model import typographic
from ...facts import Facts
from ...profile import Profile
from ...steps import Step
from ..pieces import Piece


def _in_dossier(pieces: list[Piece], steps: list[Step]) -> int:
    """How many of ``steps`` have at least one piece in the dossier."""
    shown = {n for p in pieces for n in p.steps}
    return sum(1 for s in steps if s.n in shown)


def _out_of(done: int, total: int, what: str, plural: str) -> str:
    """« 1 démarche sur 3 », « 12 démarches sur 14 »: the word agrees with the first figure."""
    return f"{done} {what if done <= 1 else plural} sur {total}"


@i18n.french()
def checklist(profile: Profile, facts: Facts, pieces: list[Piece]) -> str:
    """What the court will look for; [x] only when the dossier holds it. A line about
    steps that were never made (no e-mail, no screenshot) is left out, not « 0 sur 0 »."""
    screenshots = [s for s in facts.attempts if s.channel in ("web", "anef")]
    emails = facts.emails
    letters = facts.letters_sent
    receipts = facts.by_channel("ar")
    witnessed = [s for s in facts.by_channel("counter") if s.witness]
    referral = [s for s in facts.steps if s.channel == "defenseur"]
    urgency_in = {p.fact for p in pieces if p.kind == "urgence"}
    proven_letters = [s for s in letters if s.pieces]
    justified = len(facts.attempts_with_proof)
    rows = [
        (True, "Chronologie datée des démarches (pièce n° 1)"),
        (
            justified > 0,
            "Démarches justifiées : "
            + _out_of(justified, len(facts.attempts), "démarche", "démarches"),
        ),
    ]
    if screenshots:
        shown = _in_dossier(pieces, screenshots)
        rows.append(
            (
                shown > 0,
                "Captures d'écran datées : "
                + _out_of(shown, len(screenshots), "démarche", "démarches")
                + " en ont une dans le dossier",
            )
        )
    if emails:
        copied = _in_dossier(pieces, emails)
        rows.append(
            (
                copied == len(emails),
                "Copies des courriels envoyés : "
                + _out_of(copied, len(emails), "courriel", "courriels"),
            )
        )
    rows += [
        (
            bool(proven_letters),
            "Lettre recommandée et sa preuve de dépôt"
            + ("" if letters else " (pas encore envoyée)"),
        ),
        (
            _in_dossier(pieces, receipts) > 0,
            "Avis de réception signé de la lettre recommandée",
        ),
    ]
    if witnessed:
        noted = [v for v in witnessed if v.n in facts.statements]
        left = len(witnessed) - len(noted)
        form = (
            ""
            if not left
            else " (modèle joint pour la visite sans attestation, à faire recopier et signer "
            "par le témoin)"
            if left == 1
            else " (modèle joint pour chaque visite sans attestation, à faire recopier et "
            "signer par le témoin)"
        )
        rows.append(
            (
                not left,
                "Attestation du témoin de chaque visite au guichet : "
                + _out_of(len(noted), len(witnessed), "notée", "notées")
                + form,
            )
        )
    rows.append((_in_dossier(pieces, referral) > 0, "Saisine du Défenseur des droits"))
    for index, fact in enumerate(profile.demande.urgence):
        rows.append((index in urgency_in, f"Justificatif de l'urgence : {fact.fait}"))
    listed = any(p.kind == "liste" for p in pieces)
    rows.append((listed, "Liste des pièces du dossier de demande (demande.pieces_dossier)"))
    yours = [
        f"Pièce n° {p.number} : {p.label} ({p.file_name.rsplit('.', 1)[0]}.pdf)"
        for p in pieces
        if p.kind == "a_joindre"
    ]
    yours.append(
        "La preuve que le dossier de demande est complet (liste des pièces demandées par la "
        "préfecture)"
    )
    yours.append(
        "Si une date est contestée : le rapport de vérification "
        "(Ne_pas_deposer/Rapport_de_verification.pdf, l'état du journal, ses empreintes et "
        "ses horodatages) peut être versé comme pièce supplémentaire, sous le numéro suivant"
    )
    lines = ["LISTE DE CONTRÔLE – ce que le tribunal demandera aussi", ""]
    lines += [typographic(f"{'[x]' if done else '[ ]'} {text}") for done, text in rows]
    lines += ["", "À joindre vous-même (le journal ne les contient pas) :"]
    lines += [typographic(f"[ ] {text}") for text in yours]
    return "\n".join(lines) + "\n"
