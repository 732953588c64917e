"""The variables a template sees, built from the profile and the journal facts.

Templates get the validated profile objects, the dated steps, and a few
figures computed once here (never in the template): the relance number, the
attempts since the last e-mail, a per-channel summary, days until expiry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from ..facts import Facts, Step
from ..journal import ATTEMPT_CHANNELS, CHANNELS
from ..profile import Profile

NATIONAL_DEFENSEUR = ["Défenseur des droits", "Libre réponse 71120", "75342 PARIS CEDEX 07"]


@dataclass(frozen=True)
class ChannelSummary:
    """How often one channel was tried, and between which dates."""

    channel: str
    label: str
    count: int
    first: date
    last: date


def channel_summary(attempts: list[Step]) -> list[ChannelSummary]:
    """One line per channel used, in the order of ``ATTEMPT_CHANNELS``."""
    rows = []
    for channel in ATTEMPT_CHANNELS:
        steps = [s for s in attempts if s.channel == channel]
        if steps:
            rows.append(
                ChannelSummary(
                    channel,
                    CHANNELS[channel],
                    len(steps),
                    steps[0].when.date(),
                    steps[-1].when.date(),
                )
            )
    return rows


def defenseur_address(profile: Profile) -> list[str]:
    """The delegate's address from the profile, or the national free-post address."""
    d = profile.defenseur
    if d.adresse:
        head = ["Délégué(e) du Défenseur des droits"] + ([d.delegue] if d.delegue else [])
        return head + list(d.adresse)
    return list(NATIONAL_DEFENSEUR)


def build_context(profile: Profile, facts: Facts, now: datetime) -> dict[str, Any]:
    """All template variables for any of the three documents."""
    demande = profile.demande
    expiry = demande.titre_actuel_expire_le
    new = facts.new_since_last_email
    emails = facts.emails
    return {
        "situation": profile.situation,
        "anef": profile.situation == "anef",
        "renouvellement": demande.nature == "renouvellement",
        "demandeur": profile.demandeur,
        "demande": demande,
        "prefecture": profile.prefecture,
        "lieu_signature": profile.lieu_signature,
        "delai": profile.delai_convocation_jours,
        "recours_en_cours": profile.recours_en_cours,
        "defenseur_adresse": defenseur_address(profile),
        "aujourdhui": now,
        "expiration": expiry,
        "jours_avant_expiration": (expiry - now.date()).days if expiry else None,
        "etapes": facts.steps,
        "tentatives": facts.attempts,
        "premiere": facts.first_attempt,
        "semaines_couvertes": facts.weeks_covered,
        "semaines_avec_tentative": len(facts.weeks_with_attempts),
        "par_canal": channel_summary(facts.attempts),
        "guichet": facts.by_channel("counter"),
        "lettres": facts.by_channel("letter"),
        "reponses": facts.by_channel("reply"),
        "courriels": emails,
        "dernier_courriel": emails[-1] if emails else None,
        "relance": len(emails),
        "nouvelles": new,
        "empreinte": facts.head,
        "nb_entrees": facts.entry_count,
        "reponse_depuis_dernier_courriel": bool(
            emails and any(r.when > emails[-1].when for r in facts.by_channel("reply"))
        ),
        "pieces_jointes": [PurePosixPath(p).name for s in new for p in s.pieces],
    }
