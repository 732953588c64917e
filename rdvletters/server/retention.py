"""How long the server keeps a case: flagged when inactive, erased when asked or due.

Defaults (``[retention]`` in the configuration; the reasons are in the README):
a case with no activity for ``inactive_days`` (180) is flagged to its
volunteers, who can export it for the person and close it; after
``erase_after_days`` (365) without activity it is listed for erasure, and with
``auto_erase = true`` it is erased by the daily pass once it has been flagged
for at least ``NOTICE_DAYS`` (the time to offer the export). Erasure is
crypto-shredding: every wrapped copy of the case key is destroyed, then the
sealed files; the audit log keeps the fact, never the content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..frdates import now_paris
from ..i18n import N_
from . import audit, caseindex

NOTICE_DAYS = 30


@dataclass
class Pass:
    flagged: list[str] = field(default_factory=list)
    due: list[str] = field(default_factory=list)
    erased: list[str] = field(default_factory=list)


def erase_case(ctx, case_id: str, actor: str) -> None:
    with ctx.vault.locked(case_id):
        with ctx.store.transaction() as tx:
            caseindex.erase(tx, case_id)
            audit.record(tx, actor, case_id, N_("dossier effacé (clés détruites)"))
        ctx.vault.erase(case_id)


def due_for_erasure(row: caseindex.CaseRow, now: datetime, erase_after_days: int) -> bool:
    return now - row.last_activity > timedelta(days=erase_after_days)


def run(ctx) -> Pass:
    """One retention pass over every case (the server runs it daily)."""
    config = ctx.config
    now = now_paris()
    done = Pass()
    for row in caseindex.all_cases(ctx.store):
        idle = now - row.last_activity
        if idle > timedelta(days=config.inactive_days) and row.flagged_at is None:
            with ctx.store.transaction() as tx:
                tx.run(
                    "UPDATE cases SET flagged_at = :n WHERE id = :i",
                    n=now.isoformat(timespec="seconds"),
                    i=row.id,
                )
                audit.record(tx, audit.SYSTEM_ACTOR, row.id, N_("dossier signalé inactif"))
            done.flagged.append(row.id)
        if due_for_erasure(row, now, config.erase_after_days):
            done.due.append(row.id)
            noticed = row.flagged_at is not None and now - row.flagged_at > timedelta(
                days=NOTICE_DAYS
            )
            if config.auto_erase and noticed:
                erase_case(ctx, row.id, audit.SYSTEM_ACTOR)
                done.erased.append(row.id)
    return done
