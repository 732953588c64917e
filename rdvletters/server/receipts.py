"""Attempts sent from the person's phone, with their three times.

- *taken*: the time of the attempt as the person states it (the entry's ``date``),
  and the phone's own clock when they pressed the button (``telephone.heure``);
- *received*: when the server wrote the entry (``enregistre_le``), and since when the
  phone had kept it if it was recorded offline (``telephone.hors_ligne_depuis``);
- *timestamped*: the first trusted timestamp covering the entry (authority, time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..case import Case

SOURCE = "lien personnel"  # the entry's ``recu_par``


@dataclass(frozen=True)
class Stamp:
    authority: str
    at: datetime


@dataclass(frozen=True)
class Received:
    n: int
    channel: str
    message: str
    stated: datetime
    phone_clock: datetime | None
    offline_since: datetime | None
    received: datetime
    pieces: int
    stamps: list[Stamp] = field(default_factory=list)


def _time(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def received(case: Case) -> list[Received]:
    """Newest first."""
    entries = case.journal.read().entries
    stamps = [e for e in entries if e.kind == "horodatage"]
    found = []
    for entry in entries:
        data = entry.data
        if data.get("recu_par") != SOURCE:
            continue
        phone = data.get("telephone") if isinstance(data.get("telephone"), dict) else {}
        covering = [
            Stamp(str(s.data["autorite"]), datetime.fromisoformat(s.data["heure_tsa"]))
            for s in stamps
            if int(s.data["entree"]) >= entry.n
        ]
        first: dict[str, Stamp] = {}
        for stamp in covering:  # the earliest token of each authority
            if stamp.authority not in first or stamp.at < first[stamp.authority].at:
                first[stamp.authority] = stamp
        found.append(
            Received(
                entry.n,
                str(data.get("canal", "")),
                str(data.get("description", "")),
                entry.when,
                _time(phone.get("heure")),
                _time(phone.get("hors_ligne_depuis")),
                datetime.fromisoformat(data["enregistre_le"]),
                len(data.get("pieces", [])),
                sorted(first.values(), key=lambda s: s.at),
            )
        )
    return list(reversed(found))
