"""The person's calendar address on the server: a token that opens the calendar only.

Like the person's link (``caseindex.create_link``), the token is a capability: only
its SHA-256 is stored, and the case key is sealed under a key derived from it
(``case_keys`` holder ``agenda:<hash>``), so the server can compute the calendar when
the phone (or the service it syncs through) fetches it, and a copy of the database
opens nothing. It is separate from the link: a calendar address handed to a
third-party service gives the calendar, never the case. One address per case: making
a new one revokes the old; revoking destroys the sealed key.
"""

from __future__ import annotations

from ..frdates import now_paris
from ..i18n import N_
from . import audit, keys
from .caseindex import _aad
from .store import Store

PURPOSE = b"agenda"


def holder(token_hash: str) -> str:
    return f"agenda:{token_hash}"


def revoke_all(store: Store, case_id: str, actor: str) -> bool:
    with store.transaction() as tx:
        rows = tx.rows(
            "SELECT token_hash FROM calendars WHERE case_id = :c AND revoked_at IS NULL",
            c=case_id,
        )
        for row in rows:
            tx.run(
                "DELETE FROM case_keys WHERE case_id = :c AND holder = :h",
                c=case_id,
                h=holder(row["token_hash"]),
            )
        tx.run(
            "UPDATE calendars SET revoked_at = :n WHERE case_id = :c AND revoked_at IS NULL",
            n=now_paris().isoformat(timespec="seconds"),
            c=case_id,
        )
        if rows:
            audit.record(tx, actor, case_id, N_("adresse de l'agenda révoquée"))
    return bool(rows)


def create(store: Store, case_id: str, case_key: bytes, actor: str) -> str:
    """A new calendar address for the case (the previous one is revoked)."""
    revoke_all(store, case_id, actor)
    token = keys.new_token()
    token_hash = keys.token_hash(token)
    with store.transaction() as tx:
        tx.run(
            "INSERT INTO calendars (token_hash, case_id, created_at) VALUES (:h, :c, :n)",
            h=token_hash,
            c=case_id,
            n=now_paris().isoformat(timespec="seconds"),
        )
        tx.run(
            "INSERT INTO case_keys (case_id, holder, blob) VALUES (:c, :h, :b)",
            c=case_id,
            h=holder(token_hash),
            b=keys.seal(
                keys.token_key(token, PURPOSE), case_key, _aad(case_id, holder(token_hash))
            ),
        )
        audit.record(tx, actor, case_id, N_("adresse de l'agenda créée"))
    return token


def live(store: Store, case_id: str) -> bool:
    with store.transaction(write=False) as tx:
        return (
            tx.one(
                "SELECT 1 AS x FROM calendars WHERE case_id = :c AND revoked_at IS NULL", c=case_id
            )
            is not None
        )


def open_calendar(store: Store, token: str) -> tuple[str, bytes] | None:
    """(case id, case key) for a live calendar token; None otherwise (the same answer for
    an unknown, revoked or erased one)."""
    if not token or len(token) > 100:
        return None
    token_hash = keys.token_hash(token)
    with store.transaction(write=False) as tx:
        row = tx.one(
            "SELECT a.case_id, k.blob FROM calendars a JOIN case_keys k"
            " ON k.case_id = a.case_id AND k.holder = :holder"
            " JOIN cases c ON c.id = a.case_id"
            " WHERE a.token_hash = :h AND a.revoked_at IS NULL AND c.erased_at IS NULL",
            h=token_hash,
            holder=holder(token_hash),
        )
    if row is None:
        return None
    try:
        key = keys.unseal(
            keys.token_key(token, PURPOSE),
            bytes(row["blob"]),
            _aad(row["case_id"], holder(token_hash)),
        )
    except keys.SealError:
        return None
    return row["case_id"], key
