"""Who dates each proof, said for the person and for the judge.

The classification itself is a fact of the journal (``steps.Step.dating``, counted
by ``Facts.proofs_by_dating``): a proof is dated by a third party when a trusted
timestamping authority vouches, within an hour of the attempt, that the entry
recording it existed. This module words it: the référé check's line (why such
proofs weigh more) and the three times of each piece (stated or read from the
file, recorded, and each authority's), for the dossier and the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...facts import Facts
from ...frdates import PARIS, date_courte
from ...i18n import N_, _, ngettext
from ...steps import SELF_DATED, THIRD_PARTY, THIRD_PARTY_LATER, Step

# Why a third party's date weighs more, in plain words (reference: legal-2026.md, « Proof of
# dates »; both decisions are tagged [S] there).
WHY = N_(
    "une date donnée par une autorité d'horodatage indépendante ne peut plus être changée "
    "après coup ; le Conseil d'État a écarté des photos datées seulement par leurs "
    "métadonnées, modifiables (CE, 10 mars 2025, n° 472387), et une cour administrative "
    "d'appel a retenu des dates de dépôt chez un tiers qui ne pouvait pas les modifier "
    "(CAA Lyon, 12 déc. 2023, n° 21LY04307)"
)


def dating_text(counts: dict[str, int]) -> str | None:
    """Who dates the proofs of the attempts (``Facts.proofs_by_dating``), in one line;
    None without any proof. The same words in ``status`` and the référé check."""
    total = sum(counts.values())
    if not total:
        return None
    # the base is the démarches with a proof file of their own (a visit attested by a
    # witness has none to date): said, so that it is not read against « N avec justificatif »
    return ngettext(
        "Justificatifs datés par un tiers dans l'heure (horodatage) : {third} sur {total} "
        "démarche ayant son propre fichier justificatif ; par un tiers plus tard : {later} ; "
        "seulement par vous ou par le fichier : {own}.",
        "Justificatifs datés par un tiers dans l'heure (horodatage) : {third} sur {total} "
        "démarches ayant leur propre fichier justificatif ; par un tiers plus tard : {later} ; "
        "seulement par vous ou par le fichier : {own}.",
        total,
    ).format(
        total=total,
        third=counts.get(THIRD_PARTY, 0),
        later=counts.get(THIRD_PARTY_LATER, 0),
        own=counts.get(SELF_DATED, 0),
    )


def criterion(facts: Facts) -> dict[str, object]:
    """The référé check's line on dates (advisory: it never blocks the requête)."""
    counts = facts.proofs_by_dating()
    total = sum(counts.values())
    said = dating_text(counts) or _("Aucune démarche avec justificatif.")
    return {
        "key": "dates",
        "name": _("Dates des justificatifs garanties par un tiers (conseillé)"),
        "met": bool(total) and 2 * counts[THIRD_PARTY] >= total,
        "figure": _("{counts} Pourquoi cela compte : {why}.").format(counts=said, why=_(WHY)),
        "todo": _(
            "Gardez l'horodatage automatique (horodatage: auto) et notez chaque démarche le "
            "jour même, avec sa capture faite par rdvletters"
        ),
    }


@dataclass(frozen=True)
class PieceTimes:
    """The three times of one proof file."""

    file: str
    sha256: str
    stated: datetime  # the step's time as the person gave it
    own: datetime | None  # the file's own date (metadata, name), when it has one
    recorded: datetime | None  # when the entry was written
    stamps: tuple[tuple[str, datetime], ...]  # (authority, time it vouches for)
    dating: str | None


def piece_times(step: Step) -> list[PieceTimes]:
    """Each proof file of ``step`` with its three times."""
    return [
        PieceTimes(
            path,
            step.piece_sha256[i] if i < len(step.piece_sha256) else "",
            step.when,
            step.piece_dates[i] if i < len(step.piece_dates) else None,
            step.recorded,
            step.stamps,
            step.dating,
        )
        for i, path in enumerate(step.pieces)
    ]


def moment(when: datetime | None) -> str:
    """« 20/11/2026 09:15:02 » in Paris time: seconds count when minutes separate dates."""
    if when is None:
        return "—"
    local = when.astimezone(PARIS)
    return f"{date_courte(local.date())} {local:%H:%M:%S}"


DATING_WORDS = {  # French: the dossier and the report are for the court
    THIRD_PARTY: "par un tiers dans l'heure",
    THIRD_PARTY_LATER: "par un tiers plus tard",
    SELF_DATED: "seulement par la personne ou le fichier",
}


def times_row(times: PieceTimes) -> list[str]:
    """One row of the dossier's table « Dates de chaque justificatif » (French)."""
    stated = moment(times.stated)
    if times.own is not None:
        stated += f" (fichier : {moment(times.own)})"
    stamps = "; ".join(f"{who} : {moment(at)}" for who, at in times.stamps) or "aucun"
    return [stated, moment(times.recorded), stamps, DATING_WORDS.get(times.dating or "", "")]
