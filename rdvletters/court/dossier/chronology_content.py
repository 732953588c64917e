"""Piece n° 1's content: the dated table of every step, the weeks, the figures.

Worded in French whatever the interface speaks (``i18n.french``), in French typography,
the counts as every other output words them; :mod:`.chronology_pdf` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import i18n
from ...channels import QUOTED_CHANNELS, reference_text
from ...channels import label as channel_label
from ...documents.model import typographic
from ...facts import Facts
from ...frdates import date_courte, heure, jour
from ...journal import JournalState
from ...profile import Profile
from ...steps import Step
from ...wording import dont, fragment, nombre
from ..pieces import SENT_LABELS, Piece, justifying, numbers_by_step


def step_text(step: Step, facts: Facts) -> str:
    """What happened, in a table cell."""
    if step.sent_document:
        label = SENT_LABELS[step.sent_document][0]
        return label + (f", n° {step.tracking}" if step.tracking else "")
    if step.channel == "ar":
        return f"Avis de réception signé le {jour(step.when.date())}" + (
            f" : {fragment(step.description)}" if step.description else ""
        )
    if step.channel == "attestation" and (visit := facts.visit_of(step)) is not None:
        said = f"Attestation de {visit.witness} (présentation au guichet du "
        return said + f"{jour(visit.when.date())})"
    text = step.description
    if text and step.channel in QUOTED_CHANNELS:
        text = f"« {text} »"
    if step.reference:
        ref = reference_text(step.channel, step.reference)
        text = ref + (f" : {text}" if text else "")
    return text + (f" (témoin : {step.witness})" if step.witness else "")


def _chronology_rows(facts: Facts, pieces: list[Piece], route: str) -> list[list[str]]:
    """One row per step; « Justificatif » names the pieces that justify it (for a
    witnessed visit, the statement; for a numbered request, its written answer)."""
    justified = justifying(facts, pieces)
    shown = numbers_by_step(pieces, proving=True)
    rows = []
    for step in facts.steps:
        numbers = justified[step.n] if step.is_attempt else shown.get(step.n, [])
        rows.append(
            [
                date_courte(step.when.date()),
                "" if step.channel == "ar" else heure(step.when),
                channel_label(step.channel, route),
                step_text(step, facts),
                ", ".join(f"n° {n}" for n in numbers) or "aucun",
            ]
        )
    return rows


@i18n.french()
def header(profile: Profile) -> list[str]:
    """Who, which administration, which application: the top of every dossier document."""
    d, p = profile.demandeur, profile.prefecture
    lines = [
        f"Personne concernée : {d.prenom} {d.nom.upper()}, "
        f"{d.ne} le {jour(d.date_naissance)} à {d.lieu_naissance}, nationalité {d.nationalite}",
        f"Administration : {p.nom}{', ' + p.service if p.service else ''}",
        f"Demande : {profile.demande.titre}" + (" (renouvellement)" if profile.renewal else ""),
        "Voie de dépôt : téléservice ANEF (article R. 431-2 du CESEDA)"
        if profile.anef
        else "Voie de dépôt : en personne à la préfecture (article R. 431-3 du CESEDA)",
    ]
    if p.site_rdv:
        lines.append(f"{profile.site_label} : {p.site_rdv}")
    return lines


@i18n.french()
def figures(facts: Facts) -> str:
    """The counts, worded as in every other output."""
    return (
        f"{nombre(len(facts.attempts), 'démarche')}, "
        f"{dont(len(facts.attempts_with_proof), 'avec justificatif')}, sur "
        f"{nombre(facts.weeks_covered, 'semaine')} (du lundi au dimanche) : "
        f"{nombre(facts.weeks_with_attempts, 'semaine')} avec au moins une démarche, "
        f"{nombre(facts.weeks_with_proof, 'semaine')} avec au moins un justificatif."
    )


@dataclass
class Chronology:
    """What piece n° 1 says: the intro lines, the weeks, the tables (dated steps, tokens)."""

    intro: list[str]
    weeks: list[tuple[str, int, int]]
    tables: list[tuple[str, list[str], list[list[str]], list[float]]]
    footer: str


@i18n.french()
def chronology(
    head: list[str], profile: Profile, facts: Facts, state: JournalState, pieces: list[Piece]
) -> Chronology:
    """Piece n° 1's content, in French typography (the weeks as in every other output)."""
    from .timestamp_dossier import chronology_table, dating_table

    weeks = [(f"sem. du {date_courte(w.monday)}", w.attempts, w.with_proof) for w in facts.weeks]
    columns = ["Date", "Heure", "Canal", "Ce qui s'est passé", "Justificatif"]
    rows = _chronology_rows(facts, pieces, profile.situation)
    tables = [
        ("Tableau daté", columns, rows, [22, 14, 34, 79, 21]),
        *chronology_table(state, pieces),
        *dating_table(facts, pieces),
    ]
    return Chronology(
        [typographic(line) for line in [*head, figures(facts)]],
        weeks,
        [
            (typographic(title), cols, [[typographic(c) for c in row] for row in body], widths)
            for title, cols, body, widths in tables
        ],
        numbering_note(facts),
    )


def chronology_file(content: Chronology, piece: Piece) -> bytes:
    from .chronology_pdf import chronology_pdf

    return chronology_pdf(
        "Chronologie des démarches",
        content.intro,
        content.weeks,
        content.tables,
        number=piece.number,
        label=piece.label,
        footer=content.footer,
    )


def numbering_note(facts: Facts) -> str:
    """The journal state the pieces are numbered from, said as the requête says it."""
    return f"Pièces numérotées d'après le journal des démarches arrêté à {facts.evidence_state}."
