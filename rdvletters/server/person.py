"""What the person's link does to their case: record an attempt, say where they stand.

The journal entry is the one ``rdvletters record`` writes, plus where it came
from (``recu_par: "lien personnel"``) and what the phone said (``telephone``: its
clock when the button was pressed, since when it kept the attempt offline, and
the attempt's own id so that a retry after a lost answer is not recorded twice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..case import Case
from ..channels import ATTEMPT_CHANNELS, by_weight
from ..court.status import compute_status
from ..errors import InputError
from ..facts import Facts
from ..frdates import PARIS, now_paris
from ..i18n import _
from ..journal import Entry
from ..proofnames import ProofFile
from .receipts import SOURCE

CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
MAX_CLOCK_SKEW = timedelta(days=400)

# What booking sites and ANEF show, as people copy it (kept in French: it is the
# message they saw, and the journal stays in French).
USUAL_MESSAGES = {
    "rdv": (
        "Aucune plage horaire libre pour le moment",
        "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous",
        "Le site de prise de rendez-vous ne répond pas",
    ),
    "anef": (
        "Erreur technique : impossible de finaliser la demande",
        "Ma démarche n'est pas proposée sur le site",
        "Le site ne répond pas",
    ),
}


def channels_for(route: str) -> list[str]:
    """The attempts a person records from the phone, their route's own first."""
    return [
        c
        for c in by_weight(ATTEMPT_CHANNELS, route)
        if c in ("web", "anef", "email", "phone", "counter")
    ]


def _phone_time(value: str) -> datetime | None:
    """The phone's clock, as sent (ISO 8601 with offset); None if absent or absurd."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None or abs(moment - now_paris()) > MAX_CLOCK_SKEW:
        return None
    return moment.astimezone(PARIS)


def proofs_from(files: list, folder: Path) -> list[ProofFile]:
    """The uploaded screenshots, checked by content (``web.uploads``), written into
    ``folder`` (private, temporary); one refused file refuses the attempt: nothing is
    recorded that the person did not see go."""
    from ..web.record import received
    from ..web.uploads import check_uploads

    checked, problems = check_uploads(files)
    if problems:
        raise InputError(" ".join(problems))
    proofs = []
    for i, (extension, name, data) in enumerate(checked, start=1):
        path = folder / f"piece-{i}{extension}"
        path.write_bytes(data)
        proofs.append(received(ProofFile(path, name)))  # with how it arrived
    return proofs


def already_recorded(case: Case, client_id: str) -> Entry | None:
    """The entry a retry of the same attempt already made (its answer was lost)."""
    for entry in reversed(case.journal.read().entries):
        phone = entry.data.get("telephone")
        if isinstance(phone, dict) and phone.get("id") == client_id:
            return entry
    return None


@dataclass(frozen=True)
class Sent:
    channel: str
    when: datetime
    message: str
    proofs: list[ProofFile]
    client_id: str | None
    phone_clock: str
    offline_since: str


def record_from_phone(case: Case, sent: Sent) -> Entry:
    route = case.load().profile.situation
    if sent.channel not in channels_for(route):
        raise InputError(_("Choisissez ce que vous avez essayé."))
    phone: dict[str, str] = {}
    if sent.client_id and CLIENT_ID.match(sent.client_id):
        phone["id"] = sent.client_id
    if clock := _phone_time(sent.phone_clock):
        phone["heure"] = clock.isoformat(timespec="seconds")
    if since := _phone_time(sent.offline_since):
        phone["hors_ligne_depuis"] = since.isoformat(timespec="seconds")
    return case.record(
        sent.channel,
        sent.when,
        sent.message,
        sent.proofs,
        labels={"message": _("Message affiché")},
        extra={"recu_par": SOURCE, "telephone": phone},
    )


@dataclass(frozen=True)
class PlainStatus:
    """Where the person stands, in a few plain sentences."""

    attempts: int
    with_proof: int
    this_week: int
    per_week: int
    weeks_with_proof: int
    next_step: str
    missing: list[str]
    alerts: list[str]


def plain_status(case: Case) -> PlainStatus:
    profile = case.load().profile
    facts = Facts.from_journal(case.journal.read())
    now = now_paris()
    status = compute_status(profile, facts, now, case.root)
    monday = (now - timedelta(days=now.weekday())).date()
    this_week = sum(w["demarches"] for w in status.weeks if w["lundi"] == monday)
    return PlainStatus(
        status.attempts,
        status.attempts_with_proof,
        this_week,
        status.per_week,
        status.weeks_with_proof,
        status.next_step.text,
        list(status.missing),
        list(status.alerts),
    )


def documents_of(case: Case) -> list[tuple[int, str, str, datetime]]:
    """(entry, kind, format, date) of each prepared document the person may download:
    every form of it, newest document first."""
    from ..prepared import document_groups

    return [
        (form.n, group.kind, form.fmt, form.when)
        for group in reversed(document_groups(case.journal.read()))
        for form in group.forms
        if form.fmt in ("pdf", "docx", "text")
    ]
