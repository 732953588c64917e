"""What ``status`` says about dated proofs: per week, attempts whose proof has a matching
date; since when the journal waits for a timestamp; and who dates the proofs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...case import Case
from ...errors import RdvError
from ...frdates import PARIS
from ...i18n import _, ngettext
from ...journal import JournalState
from ...localdates import short
from ...localdates import time as time_of
from ...stampcount import TRUSTED, UNVOUCHED, token_counter
from .proofdates import matching_by_week
from .tsa_queue import KIND, read_queue


def proof_status(case: Case, state: JournalState) -> dict[str, Any]:
    return {
        "semaines": matching_by_week(case.root, state),
        "horodatage": status_line(case, state),
    }


def _automatic(case: Case) -> bool:
    from .autostamp import settings_exist

    if not settings_exist(case):
        return False
    from .tsa_settings import load_settings

    try:
        return load_settings(case).automatic
    except RdvError:
        return False


def _enough(case: Case, trusted: list, covered: int) -> bool:
    """Whether the tokens that count for the last step come from as many independent
    roots as the settings ask."""
    from .tsa_settings import load_settings

    roots = {e.data.get("racine_sha256") for e in trusted if int(e.data["entree"]) == covered}
    try:
        return len(roots) >= load_settings(case).needed
    except RdvError:
        return False


def _recorded_at(data: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(data.get("enregistre_le") or data["date"])


def status_line(case: Case, state: JournalState) -> str | None:
    """One line for ``status``: since when the journal waits for a trusted timestamp."""
    stamps = [e for e in state.entries if e.kind == KIND]
    counts = token_counter(state)
    trusted = [e for e in stamps if counts(e.data)]
    queue = read_queue(case)
    covered = max((int(e.data["entree"]) for e in trusted), default=0)
    pending = [e for e in state.entries if e.n > covered and e.kind != KIND]
    if queue and not pending and _enough(case, trusted, covered):
        queue = None  # left by tokens the person has since come to trust: the next drain clears it
    if pending and (queue or stamps or _automatic(case)):
        since = _recorded_at(pending[0].data).astimezone(PARIS)
        line = ngettext(
            "journal non horodaté depuis le {date} à {time} ({n} entrée à couvrir)",
            "journal non horodaté depuis le {date} à {time} ({n} entrées à couvrir)",
            len(pending),
        ).format(date=short(since.date()), time=time_of(since), n=len(pending))
        if _answered(stamps, trusted, UNVOUCHED, pending[-1].n):  # answered, not trusted
            return _(
                "{line} ; jeton obtenu mais non vérifié, sa racine n'étant nommée que par le "
                "dossier : rdvletters verify"
            ).format(line=line)
        if _answered(stamps, trusted, TRUSTED, pending[-1].n):
            return _(  # valid when received; its root no longer trusted here (or never was)
                "{line} ; jeton valide à sa réception, mais sa racine n'est pas parmi les "
                "racines de confiance de cet ordinateur : rdvletters verify"
            ).format(line=line)
        asked = _since(queue)
        if asked is not None:
            line += _(
                " ; demande en attente depuis le {date} à {time} (aucune autorité joignable)"
            ).format(date=short(asked.date()), time=time_of(asked))
        return _("{line} : rdvletters timestamp").format(line=line)
    if queue and trusted:  # the last entry has fewer authorities than asked
        return _(
            "journal horodaté par une seule autorité pour l'instant ; la suivante sera "
            "redemandée à la prochaine commande"
        )
    if trusted:
        last = trusted[-1]
        when = datetime.fromisoformat(last.data["heure_tsa"]).astimezone(PARIS)
        return _(
            "journal horodaté : dernier jeton du {date} à {time} ({authority}), entrées 1 à {last}"
        ).format(
            date=short(when.date()),
            time=time_of(when),
            authority=last.data["autorite"],
            last=last.data["entree"],
        )
    return None


def _answered(stamps: list, trusted: list, said: str, last: int) -> bool:
    """Whether the last token journaled with ``verification`` ``said`` and not counted
    covers entry ``last``: the entries waiting were answered, by a token that counts for
    nothing here."""
    left = [e for e in stamps if e.data.get("verification") == said and e not in trusted]
    return bool(left) and int(left[-1].data["entree"]) >= last


def _since(queue: dict[str, Any] | None) -> datetime | None:
    if not queue or not isinstance(queue.get("depuis"), str):
        return None
    try:
        return datetime.fromisoformat(queue["depuis"]).astimezone(PARIS)
    except ValueError:
        return None
