"""The audit log: who did what to which case, and when; append-only, hash-chained.

Each row holds the SHA-256 of the previous row's hash and its own fields, so a
row changed or removed afterwards breaks the chain (``verify_chain``); SQLite
triggers refuse UPDATE and DELETE on the table. Rows name the actor (a
volunteer's display name, « lien » for the person's link, « système ») and the
case by its random identifier: never the person's name, which only the case's
own encrypted files hold.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from ..frdates import now_paris
from .store import Store, Tx

GENESIS = "0" * 64
LINK_ACTOR = "lien"
SYSTEM_ACTOR = "système"
CALENDAR_ACTOR = "agenda"  # the person's calendar address, read by their phone's calendar


@dataclass(frozen=True)
class Event:
    seq: int
    at: datetime
    actor: str
    case_id: str | None
    action: str
    detail: str


def _digest(prev: str, at: str, actor: str, case_id: str | None, action: str, detail: str) -> str:
    fields = [prev, at, actor, case_id, action, detail]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def record(tx: Tx, actor: str, case_id: str | None, action: str, detail: str = "") -> None:
    """Append one event inside the caller's transaction (the chain is taken under its lock)."""
    last = tx.one("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
    prev = last["hash"] if last else GENESIS
    at = now_paris().isoformat(timespec="seconds")
    tx.run(
        "INSERT INTO audit (at, actor, case_id, action, detail, prev, hash)"
        " VALUES (:at, :actor, :case, :action, :detail, :prev, :hash)",
        at=at,
        actor=actor,
        case=case_id,
        action=action,
        detail=detail,
        prev=prev,
        hash=_digest(prev, at, actor, case_id, action, detail),
    )


def log(store: Store, actor: str, case_id: str | None, action: str, detail: str = "") -> None:
    with store.transaction() as tx:
        record(tx, actor, case_id, action, detail)


def events(store: Store, case_id: str | None = None, limit: int = 500) -> list[Event]:
    """The latest events, newest first; of one case when ``case_id`` is given."""
    where = "WHERE case_id = :c" if case_id else ""
    with store.transaction(write=False) as tx:
        rows = tx.rows(
            f"SELECT * FROM audit {where} ORDER BY seq DESC LIMIT :n",  # noqa: S608 - fixed text
            c=case_id,
            n=limit,
        )
    return [
        Event(
            r["seq"],
            datetime.fromisoformat(r["at"]),
            r["actor"],
            r["case_id"],
            r["action"],
            r["detail"],
        )
        for r in rows
    ]


def verify_chain(store: Store) -> list[int]:
    """The sequence numbers whose row does not match the chain (empty: intact)."""
    broken = []
    prev = GENESIS
    with store.transaction(write=False) as tx:
        rows = tx.rows("SELECT * FROM audit ORDER BY seq")
    for r in rows:
        expected = _digest(prev, r["at"], r["actor"], r["case_id"], r["action"], r["detail"])
        if r["prev"] != prev or r["hash"] != expected:
            broken.append(r["seq"])
        prev = r["hash"]
    return broken
