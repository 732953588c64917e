"""What the draft requête needs beyond the letters' context.

The competent court and the defendant come from the département (CJA R. 312-1
and R. 221-3; CESEDA R. 431-20: in Paris the préfet de police); the pieces and
their numbers come from the same plan as the dossier (``court.pieces``), so
« pièce n° 7 » in the faits is file ``07_…`` of ``rdvletters bundle``; the
readiness check says on the first page what is still missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..case import Case
from ..documents.pipeline import Prepared, prepare
from ..facts import Facts, Step, Week
from ..journal import JournalState
from ..profile import Profile
from ..wording import enumeration


@dataclass(frozen=True)
class Court:
    """The tribunal administratif and whether its address may be printed."""

    name: str
    address: list[str]  # empty when the table does not vouch for it
    to_confirm: bool  # a part of the printed address is marked « à vérifier »
    prefet: str  # « préfet de la Seine-Saint-Denis », « préfet de police »

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
    return Court(dept.tribunal, dept.tribunal_address_lines, dept.address_to_confirm, dept.prefet)


def piece_refs(numbers: list[int]) -> str:
    """« pièce n° 7 », « pièces n° 7 et 8 », or an empty string."""
    if not numbers:
        return ""
    words = [str(n) for n in sorted(set(numbers))]
    return f"pièce{'s' if len(words) > 1 else ''} n° {enumeration(words)}"


def requete_context(
    profile: Profile, facts: Facts, state: JournalState, root: Path, now: datetime
) -> dict[str, Any]:
    """Variables only the requête uses: court, pieces, readiness, conclusions."""
    from ..renewal import case_renewal, delay_asked
    from . import readiness
    from .pieces import numbers_by_step, plan

    pieces = plan(profile, facts, root, state)
    numbers = numbers_by_step(pieces)
    delay = readiness.letter_delay(profile, facts, now.date())
    check = readiness.check(profile, facts, now.date(), root)
    injunction = profile.recours.delai_injonction_jours or delay_asked(
        None, case_renewal(profile, facts, now.date())
    )

    def refs(steps: list[Step] | Step) -> str:
        steps = steps if isinstance(steps, list) else [steps]
        return piece_refs([n for s in steps for n in numbers.get(s.n, [])])

    def week_refs(week: Week) -> str:
        return refs([s for s in facts.attempts if s.monday == week.monday])

    def urgency_refs(enclosure: str) -> str:
        return piece_refs(
            [p.number for p in pieces if p.kind == "urgence" and p.label == enclosure]
        )

    return {
        "tribunal": court(profile),
        "pieces": pieces,
        "refs": refs,
        "week_refs": week_refs,
        "urgence_refs": urgency_refs,
        "semaines": facts.weeks,
        "lettre_delai": delay,
        "delai_injonction": injunction,
        "empreinte": facts.head,
        "nb_entrees": facts.entry_count,
        "lettre_echeance": readiness.letter_deadline(facts, delay),
        "pret": check,
        "manquants": check.unmet,
        "recours": profile.recours,
        "oqtf": profile.demande.oqtf,
        "defenseur_saisi": facts.referral,
        "attestations": facts.by_channel("attestation"),
        "accuses": [facts.receipt_of(x) for x in facts.letters_sent],
    }


def prepare_requete(case: Case, fmt: str, now: datetime | None = None) -> Prepared:
    """The draft requête in ``documents/``, journaled as prepared."""
    return prepare(case, "requete", fmt, now, extra=requete_context)


def _requete_contexts(case: Case, facts: Facts) -> list[dict[str, Any]]:
    """The requête's own variables for an example case, as ``recours`` builds them."""
    from ..frdates import now_paris

    profile = case.load().profile
    return [requete_context(profile, facts, case.journal.read(), case.root, now_paris())]


# kind -> its variables beyond the common ones, for ``templates check`` (documents layer)
TEMPLATE_CONTEXTS = {"requete": _requete_contexts}
