"""The variables a template sees, built from the profile and the journal facts.

Templates get the validated profile objects, the dated steps, and figures
computed once here or in ``facts`` (never in a template): the relance number,
the attempts since the last e-mail, a per-channel summary ordered by weight for
the route, the renewal window, the delay asked, the enclosures that exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..casepaths import inside
from ..channels import NUMBERED_REQUESTS, QUOTED_CHANNELS, by_weight, label, reference_text
from ..facts import Facts
from ..profile import Profile, wrap_address_line
from ..renewal import case_renewal, delay_asked
from ..steps import Step

NATIONAL_DEFENSEUR = ["Défenseur des droits", "Libre réponse 71120", "75342 PARIS CEDEX 07"]
INDIVIDUAL_CHANNELS = ("anef", "ccc", "pan")  # listed one by one, never folded into a count
EMAIL_LISTED = 6  # the weekly e-mail lists this many new steps one by one, the rest in a line
EARLY_DAYS = 7  # « dès le … » only for a first step this close to the window's opening


@dataclass(frozen=True)
class ChannelSummary:
    """How often one channel was tried, with how many proofs, and between which dates."""

    channel: str
    label: str
    count: int
    with_proof: int
    first: date
    last: date


def channel_summary(attempts: list[Step], route: str, facts: Facts) -> list[ChannelSummary]:
    """One line per channel used, heaviest first for the route; « with proof » counts the
    justified attempts (``Facts.justified``)."""
    rows = []
    for channel in by_weight({s.channel for s in attempts}, route):
        steps = [s for s in attempts if s.channel == channel]
        rows.append(
            ChannelSummary(
                channel,
                label(channel, route),
                len(steps),
                sum(facts.justified(s) for s in steps),
                steps[0].when.date(),
                steps[-1].when.date(),
            )
        )
    return rows


def defenseur_address(profile: Profile) -> list[str]:
    """The delegate's address from the profile, or the national free-post address. Each
    thing is said once: a delegate line that already names the Défenseur des droits is not
    preceded by the same words, nor a delegate already in the address repeated."""
    d = profile.defenseur
    if not d.adresse:
        return list(NATIONAL_DEFENSEUR)
    named = [d.delegue] if d.delegue and d.delegue not in d.adresse else []
    says_it = any("défenseur des droits" in line.lower() for line in [*named, *d.adresse])
    title = {"Madame": "Madame la Déléguée", "Monsieur": "Monsieur le Délégué"}.get(
        d.civilite or ""
    )
    if says_it:
        head = [title] if title else []
    else:
        head = wrap_address_line(f"{title or 'Délégué territorial'} du Défenseur des droits")
    return head + named + list(d.adresse)


def defenseur_salutation(profile: Profile) -> str:
    d = profile.defenseur
    if d.adresse and d.civilite:
        return {"Madame": "Madame la Déléguée", "Monsieur": "Monsieur le Délégué"}[d.civilite]
    return "Madame, Monsieur"


def urgency_enclosures(profile: Profile, root: Path) -> list[str]:
    """Enclosure labels of the urgency facts whose file is really in the case folder."""
    out = []
    for fact in profile.demande.urgence:
        if fact.justificatif:
            target = inside(root, fact.justificatif)
            if target is not None and target.is_file():
                out.append(fact.enclosure)
    return out


def repetitions(steps: list[Step]) -> list[tuple[Step, bool]]:
    """Each step with True when its message repeats the previous one of the same channel,
    so that a list quotes « Aucune plage horaire libre » once, not twenty times. An e-mail
    is never « the same message »: each one is new (it is said answered or not)."""
    last: dict[str, str] = {}
    out = []
    for step in steps:
        repeated = (
            step.channel != "email"
            and bool(step.description)
            and last.get(step.channel) == step.description
        )
        last[step.channel] = step.description
        out.append((step, repeated))
    return out


SCREENSHOT_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def cited_captures(steps: list[Step]) -> list[tuple[datetime, str]]:
    """(time of the capture, first 16 hex of its SHA-256) of each screenshot of ``steps``:
    the weekly e-mail cites them, so that the préfecture's own mailbox holds a dated
    reference to captures that do not show the person's name."""
    out = []
    for step in steps:
        for i, path in enumerate(step.pieces):
            if step.channel in ("web", "anef") and path.lower().endswith(SCREENSHOT_SUFFIXES):
                own = step.piece_dates[i] if i < len(step.piece_dates) else None
                digest = step.piece_sha256[i] if i < len(step.piece_sha256) else ""
                if digest:
                    out.append((own or step.when, digest[:16]))
    return out


def build_context(profile: Profile, facts: Facts, now: datetime, root: Path) -> dict[str, Any]:
    """All template variables for any document of the case."""
    route = profile.situation
    renouv = case_renewal(profile, facts, now.date())
    emails = facts.emails
    new = facts.new_since_last_email
    attempts = facts.attempts
    individual = [s for s in facts.steps if s.channel in INDIVIDUAL_CHANNELS]
    prefecture_replies = facts.prefecture_replies
    email_numbers = {s.n for s in emails}  # sets: a long journal is not scanned per step
    letter_numbers = {s.n for s in facts.letters_sent}
    # what each enclosure line counts: the files of the steps, the answers apart
    own = [s for s in facts.steps if s.has_proof and s.channel not in ("reply", "ar")]
    return {
        "situation": route,
        "anef": profile.anef,
        "renouvellement": profile.renewal,
        "demandeur": profile.demandeur,
        "demande": profile.demande,
        "prefecture": profile.prefecture,
        "site_prefecture": profile.site_label,
        "destinataire": profile.recipient,
        "salutation": profile.salutation,
        "lieu_signature": profile.lieu_signature,
        "delai": delay_asked(profile.delai_convocation_jours, renouv),
        "recours_en_cours": profile.recours_en_cours,
        "defenseur_adresse": defenseur_address(profile),
        "defenseur_salutation": defenseur_salutation(profile),
        "aujourdhui": now,
        "renouv": renouv,
        # « dès le … » says the first step came as the window opened: only then
        "des_l_ouverture": bool(
            renouv
            and renouv.first_in_window
            and (renouv.first_in_window - renouv.start).days <= EARLY_DAYS
        ),
        "libelle": lambda channel: label(channel, route),
        "etapes": facts.steps,
        "tentatives": attempts,
        "avec_preuve": len(facts.attempts_with_proof),
        "courriels_avec_copie": sum(s.has_proof for s in facts.emails),
        # the enclosure lines name each copy once: the e-mails (letter) or the registered
        # letter and its receipt (referral) have a line of their own, so they are not counted
        # again among « les justificatifs de mes démarches »
        "justificatifs_hors_courriels": sum(1 for s in own if s.n not in email_numbers),
        "justificatifs_hors_lettres": sum(1 for s in own if s.n not in letter_numbers),
        "reponses_avec_copie": sum(s.has_proof for s in facts.by_channel("reply")),
        "accuses_avec_copie": sum(s.has_proof for s in facts.by_channel("ar")),
        "semaines_avec_justificatif": facts.weeks_with_proof,
        "contacts_ccc": len(facts.by_channel("ccc")),
        "passages_pan": len(facts.by_channel("pan")),
        "erreurs_anef": len(facts.by_channel("anef")),
        "premiere": facts.first_attempt,
        "semaines_couvertes": facts.weeks_covered,
        "semaines_avec_demarche": facts.weeks_with_attempts,
        "par_canal": channel_summary(attempts, route, facts),
        "individuelles": [(s, facts.answers_to(s)) for s in individual],
        "demandes_ds": [(s, facts.answers_to(s)) for s in facts.by_channel("ds")],
        "repondu": facts.answered,
        "reponses_a": facts.answers_to,
        # a reply under a request's number is said with that number (« demande n° … »)
        "demande_de": lambda step: next(
            (
                s
                for s in facts.steps
                if step.channel == "reply"
                and step.reference
                and s.channel in NUMBERED_REQUESTS
                and s.reference == step.reference
            ),
            None,
        ),
        # a step whose justification has a file: its copy goes with the letter
        "joint": lambda step: any(j.has_proof for j in facts.justification(step)),
        "guichet": facts.by_channel("counter"),
        "reponses": prefecture_replies,
        "lettres": facts.letters_sent,
        "courriels": emails,
        "dernier_courriel": emails[-1] if emails else None,
        "relance": len(emails),
        "nouvelles": new,
        "nouvelles_recentes": new[-EMAIL_LISTED:],
        "nouvelles_anciennes": new[:-EMAIL_LISTED],
        "reponse_depuis_dernier_courriel": bool(
            emails and any(r.when > emails[-1].when for r in prefecture_replies)
        ),
        "pieces_jointes": [PurePosixPath(p).name for s in new for p in s.proofs],
        "captures_citees": cited_captures(new),
        "pj_urgence": urgency_enclosures(profile, root),
        "repetitions": repetitions,
        "cites": QUOTED_CHANNELS,
        "reference": reference_text,
        "zip": zip,
    }
