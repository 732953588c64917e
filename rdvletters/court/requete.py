"""The draft requête: its own variables, and the two files it makes.

The competent court and the defendant come from the département (CJA R. 312-1
and R. 221-3; CESEDA R. 431-20: in Paris the préfet de police); the pieces and
their numbers come from the same plan as the dossier (``court.pieces``), so
« pièce n° 7 » in the faits is file ``07_…`` of ``rdvletters bundle``, and both say
which state of the journal they number. Every démarche counted is cited with the
pieces that justify it (``Facts.justification``), each urgency fact with its own
number (a file to add keeps its number, « [à joindre] »).

Two files: the requête, addressed to the judge alone (it opens with « REQUÊTE EN
RÉFÉRÉ »), and what the person reads before filing (``…_a_lire_avant_depot``): the
readiness check, the deadlines, how to file, and every bracketed passage of the
requête left for the person to fill.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..case import Case
from ..documents.model import Document
from ..documents.pipeline import (
    KINDS,
    Prepared,
    build_document,
    check_format,
    render_model,
    renderer,
    write_documents,
)
from ..errors import InputError
from ..facts import Facts
from ..frdates import now_paris
from ..i18n import _
from ..journal import JournalState
from ..profile import Profile
from ..renewal import Renewal, case_renewal, delay_asked
from ..steps import Step, Week
from ..wording import enumeration
from . import deadlines, readiness
from .letter_clock import letter_dates, letter_delay
from .pieces import justifying, numbers_by_step, plan, urgency_numbers

APPOINTMENT_DAYS = 30  # the longest the appointment may wait, asked of the judge by default
APPOINTMENT_SOON_DAYS = 15  # when the permit expires soon or has expired
TO_ADD = "[à joindre]"  # a piece to add under its number: said in the notes' « Les pièces »
PLACEHOLDER = re.compile(r"\[[^\[\]]{2,}\]")  # a bracketed passage the person must fill


@dataclass(frozen=True)
class Court:
    """The tribunal administratif and whether its address may be printed."""

    name: str
    address: list[str]  # empty when the table does not vouch for it
    to_confirm: bool  # a part of the printed address is marked « à vérifier »
    prefet: str  # « préfet de la Seine-Saint-Denis », « préfet de police »
    variants: tuple[str, ...] = ()  # the addresses the sources give, when they disagree

    @property
    def defendant(self) -> str:
        """« Le préfet de la Seine-Saint-Denis »."""
        return f"Le {self.prefet}"

    @property
    def au_prefet(self) -> str:
        """« au préfet de la Seine-Saint-Denis » (à + le)."""
        return f"au {self.prefet}"


def court(profile: Profile) -> Court | None:
    dept = profile.departement
    if dept is None or not dept.prefet:
        return None
    return Court(
        dept.tribunal,
        dept.tribunal_address_lines,
        dept.address_to_confirm,
        dept.prefet,
        tuple(dept.variants),
    )


def piece_refs(numbers: list[int]) -> str:
    """« pièce n° 7 », « pièces n° 7 et 8 », or an empty string."""
    if not numbers:
        return ""
    words = [str(n) for n in sorted(set(numbers))]
    return f"pièce{'s' if len(words) > 1 else ''} n° {enumeration(words)}"


def injunction_delays(profile: Profile, renew: Renewal | None) -> tuple[int, int]:
    """(days to give a date, days at most for the appointment to take place), both counted
    from the notification of the order: the profile's figures, else the letter's delay and
    thirty days (fifteen when the permit expires soon or has expired)."""
    give = profile.recours.delai_injonction_jours or delay_asked(None, renew)
    soon = renew is not None and renew.expires_soon
    wait = profile.recours.delai_rendez_vous_jours or (
        APPOINTMENT_SOON_DAYS if soon else APPOINTMENT_DAYS
    )
    return give, max(wait, give)


def requete_context(
    profile: Profile, facts: Facts, state: JournalState, root: Path, now: datetime
) -> dict[str, Any]:
    """Variables only the requête (and what is read before filing) use: court, pieces and
    the pieces justifying each step, readiness, deadlines, conclusions."""
    today = now.date()
    pieces = plan(profile, facts, root, state)
    shown = numbers_by_step(pieces, proving=True)
    every = numbers_by_step(pieces)
    justified = justifying(facts, pieces)
    facts_numbers = urgency_numbers(pieces)
    check = readiness.check(profile, facts, today, root)
    letter = letter_dates(profile, facts, today)
    give, wait = injunction_delays(profile, case_renewal(profile, facts, today))

    def refs(steps: list[Step] | Step, tous: bool = False) -> str:
        """The pieces showing ``steps`` (``tous``: with the text of a document sent)."""
        steps = steps if isinstance(steps, list) else [steps]
        found = every if tous else shown
        return piece_refs([n for s in steps for n in found.get(s.n, [])])

    def justif_refs(steps: list[Step] | Step) -> str:
        """The pieces that justify ``steps``, by the one definition."""
        steps = steps if isinstance(steps, list) else [steps]
        return piece_refs([n for s in steps for n in justified.get(s.n, [])])

    def week_refs(week: Week) -> str:
        """The pieces of the week's justified démarches: each one's own proof when it has
        one (a written answer received later is cited where the answers are), else what
        justifies it (a witness statement)."""
        steps = [s for s in facts.attempts if s.monday == week.monday]
        return piece_refs(
            [n for s in steps for n in (s.has_proof and shown.get(s.n)) or justified.get(s.n, [])]
        )

    found = deadlines.nearest_first(deadlines.milestones(profile, facts, today), today)
    return {
        "tribunal": court(profile),
        "pieces": pieces,
        "refs": refs,
        "justif_refs": justif_refs,
        "week_refs": week_refs,
        "attestation_de": lambda visit: facts.statements.get(visit.n),
        "urgences": [
            {
                "fait": u.fait,
                "consequence": u.consequence,
                "ref": piece_refs([facts_numbers[i]]) if i in facts_numbers else "",
            }
            for i, u in enumerate(profile.demande.urgence)
        ],
        "semaines": facts.weeks,
        "lettre_delai": letter.delay if letter else letter_delay(profile, facts, today),
        "lettre_echeance": letter.end if letter else None,
        "delai_juge": give,
        "delai_rendez_vous": wait,
        "etat_du_journal": facts.evidence_state,
        "pret": check,
        "manquants": check.unmet,
        "avertissements": check.warnings,
        "n_attendez_pas": check.dont_wait_said,
        "echeances": [
            {
                "date": m.date,
                "titre": m.heading(),
                "sens": m.meaning(today),
                "passee": m.passed(today),
            }
            for m in found  # every one, as status lists them (a passed opening left out)
        ],
        "temoins_sans_attestation": [v for v in facts.visits_without_statement if v.witness],
        "recours": profile.recours,
        "oqtf": profile.demande.oqtf,
        "defenseur_saisi": facts.referral,
        "accuses": [facts.receipt_of(x) for x in facts.letters_sent],
    }


def to_fill(document: Document) -> list[str]:
    """Every bracketed passage of the requête, once each, in order: what the person must
    complete before filing (the notes list them)."""
    seen: list[str] = []
    for section in ("corps", "signature", "annexe"):
        for line in document.sections.get(section, []):
            for found in PLACEHOLDER.findall(line.replace("\u00a0", " ")):
                if found not in seen and found != TO_ADD:
                    seen.append(found)
    return seen


def prepare_requete(case: Case, fmt: str, now: datetime | None = None) -> tuple[Prepared, Prepared]:
    """The draft requête and what to read before filing it, both in ``documents/`` and
    journaled as prepared: (requête, notes)."""
    check_format("requete", fmt)
    now = now or now_paris()
    closed = readiness.closed_by(Facts.from_journal(case.journal.read()))
    if closed is not None:
        # an appointment or the registration is noted: the measure is no longer « utile »
        raise InputError(
            _("Pas de projet de requête : {why}").format(why=closed.said()),
        )
    built = build_document(case, "requete", now, extra=requete_context)
    # its variables were said in French with the requête's (``build_document``)
    notes = render_model(
        case, "requete_a_lire", {**built.context, "a_completer": to_fill(built.document)}
    )
    notes.author, notes.created = built.document.author, now
    render = renderer(fmt, built.profile)
    stem = f"{now:%Y-%m-%d}_{KINDS['requete']}"
    (entry, path), (notes_entry, notes_path) = write_documents(
        case,
        [
            ("requete", fmt, stem, render(built.document), {}),
            ("requete_a_lire", fmt, f"{now:%Y-%m-%d}_{KINDS['requete_a_lire']}", render(notes), {}),
        ],
        now,
    )
    return (
        Prepared(built.document, path, entry, built.warnings, built.context),
        Prepared(notes, notes_path, notes_entry, [], built.context),
    )


def _requete_contexts(case: Case, facts: Facts) -> list[dict[str, Any]]:
    """The requête's own variables for an example case, as ``recours`` builds them."""
    profile = case.load().profile
    context = requete_context(profile, facts, case.journal.read(), case.root, now_paris())
    return [{**context, "a_completer": ["[adresse du tribunal à compléter]"]}]


# kind -> its variables beyond the common ones, for ``templates check`` (documents layer)
TEMPLATE_CONTEXTS = {"requete": _requete_contexts, "requete_a_lire": _requete_contexts}
