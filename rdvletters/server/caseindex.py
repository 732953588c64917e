"""The server's index of cases: who follows which, the wrapped keys, the links.

A case key exists in clear only in memory, for one request or one job. It is
stored wrapped for each volunteer who follows the case (to their public key),
for the association's recovery key (offline), and for each live link (under
the link token). Handing a case over wraps the key to the new volunteer with
the key of one who already holds it; erasing destroys every wrapped copy.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..frdates import now_paris
from ..i18n import N_
from . import audit, keys
from .store import Store, Tx

if TYPE_CHECKING:
    from .accounts import User

RECOVERY = "recovery"
TEAM = "team"  # holder of every case key; its private key is wrapped to admins and to
# volunteers allowed to see all cases (case_keys rows with case_id TEAM_ROW)
TEAM_ROW = "team"


@dataclass(frozen=True)
class CaseRow:
    id: str
    created_at: datetime
    last_activity: datetime
    flagged_at: datetime | None
    archived_at: datetime | None
    label_blob: bytes | None
    followers: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    token_hash: str
    case_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    @property
    def live(self) -> bool:
        return self.revoked_at is None and self.expires_at > now_paris()


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _aad(case_id: str, holder: str) -> bytes:
    return f"rdvletters case key {case_id} {holder}".encode()


def user_holder(user_id: int) -> str:
    return f"user:{user_id}"


def link_holder(token_hash: str) -> str:
    return f"link:{token_hash}"


def recovery_public(store: Store) -> bytes | None:
    with store.transaction(write=False) as tx:
        row = tx.one("SELECT value FROM settings WHERE name = 'recovery_public'")
    return bytes.fromhex(row["value"]) if row else None


def setting(store: Store, name: str, default: str | None = None) -> str | None:
    with store.transaction(write=False) as tx:
        row = tx.one("SELECT value FROM settings WHERE name = :n", n=name)
    return row["value"] if row else default


def set_setting(store: Store, name: str, value: str) -> None:
    with store.transaction() as tx:
        tx.run("INSERT OR REPLACE INTO settings (name, value) VALUES (:n, :v)", n=name, v=value)


def label(case_key: bytes, case_id: str, name: str) -> bytes:
    """The person's name for the lists, sealed with the case key."""
    data = json.dumps({"nom": name}, ensure_ascii=False).encode()
    return keys.seal(case_key, data, _aad(case_id, "label"))


def read_label(case_key: bytes, row: CaseRow) -> str:
    if not row.label_blob:
        return ""
    try:
        return json.loads(keys.unseal(case_key, row.label_blob, _aad(row.id, "label")))["nom"]
    except keys.SealError:
        return ""


def create_case(store: Store, user: User, name: str) -> tuple[str, bytes]:
    """A new case id and key, wrapped for ``user`` and the recovery key."""
    case_id = secrets.token_hex(12)
    case_key = keys.new_key()
    recovery = recovery_public(store)
    if recovery is None:
        raise RuntimeError("server not set up: no recovery key")
    now = _iso(now_paris())
    with store.transaction() as tx:
        tx.run(
            "INSERT INTO cases (id, created_at, last_activity, label_blob) VALUES (:i, :n, :n, :l)",
            i=case_id,
            n=now,
            l=label(case_key, case_id, name),
        )
        _wrap(tx, case_id, RECOVERY, recovery, case_key)
        _wrap(tx, case_id, TEAM, bytes.fromhex(_setting(tx, "team_public")), case_key)
        follow(tx, case_id, user, case_key)
        audit.record(tx, user.display_name, case_id, N_("dossier créé"))
    return case_id, case_key


def _wrap(tx: Tx, case_id: str, holder: str, public: bytes, case_key: bytes) -> None:
    tx.run(
        "INSERT OR REPLACE INTO case_keys (case_id, holder, blob) VALUES (:c, :h, :b)",
        c=case_id,
        h=holder,
        b=keys.wrap_to(public, case_key, _aad(case_id, holder)),
    )


def follow(tx: Tx, case_id: str, user: User, case_key: bytes) -> None:
    _wrap(tx, case_id, user_holder(user.id), user.public_key, case_key)
    tx.run("INSERT OR IGNORE INTO follows (case_id, user_id) VALUES (:c, :u)", c=case_id, u=user.id)


def unfollow(tx: Tx, case_id: str, user_id: int) -> None:
    tx.run("DELETE FROM follows WHERE case_id = :c AND user_id = :u", c=case_id, u=user_id)
    tx.run(
        "DELETE FROM case_keys WHERE case_id = :c AND holder = :h",
        c=case_id,
        h=user_holder(user_id),
    )


def _setting(tx: Tx, name: str) -> str:
    row = tx.one("SELECT value FROM settings WHERE name = :n", n=name)
    if row is None:
        raise RuntimeError(f"server not set up: no {name}")
    return row["value"]


def _unwrap(tx: Tx, case_id: str, holder: str, private: bytes) -> bytes | None:
    row = tx.one(
        "SELECT blob FROM case_keys WHERE case_id = :c AND holder = :h", c=case_id, h=holder
    )
    if row is None:
        return None
    return keys.unwrap_with(private, bytes(row["blob"]), _aad(case_id, holder))


def team_private(tx: Tx, user_id: int, private: bytes) -> bytes | None:
    """The team's private key, for an admin or a volunteer allowed to see all cases."""
    return _unwrap(tx, TEAM_ROW, user_holder(user_id), private)


def key_for_user(store: Store, case_id: str, user_id: int, private: bytes) -> bytes | None:
    """The case key through the user's own wrapped copy, else through the team key."""
    with store.transaction(write=False) as tx:
        key = _unwrap(tx, case_id, user_holder(user_id), private)
        if key is None and (team := team_private(tx, user_id, private)) is not None:
            key = _unwrap(tx, case_id, TEAM, team)
    return key


def grant_team(tx: Tx, user: User, team: bytes) -> None:
    """Let ``user`` open every case (``team`` is the team's private key, in clear)."""
    _wrap(tx, TEAM_ROW, user_holder(user.id), user.public_key, team)


def revoke_team(tx: Tx, user_id: int) -> None:
    tx.run(
        "DELETE FROM case_keys WHERE case_id = :c AND holder = :h",
        c=TEAM_ROW,
        h=user_holder(user_id),
    )


def seal_team_for_invitation(team: bytes, token: str) -> bytes:
    return keys.seal(keys.token_key(token, b"team"), team, b"team key for invitation")


def open_team_from_invitation(blob: bytes, token: str) -> bytes:
    return keys.unseal(keys.token_key(token, b"team"), blob, b"team key for invitation")


def key_for_recovery(store: Store, case_id: str, private: bytes) -> bytes | None:
    with store.transaction(write=False) as tx:
        row = tx.one(
            "SELECT blob FROM case_keys WHERE case_id = :c AND holder = :h", c=case_id, h=RECOVERY
        )
    if row is None:
        return None
    return keys.unwrap_with(private, bytes(row["blob"]), _aad(case_id, RECOVERY))


def _case(tx: Tx, row: dict) -> CaseRow:
    names = tx.rows(
        "SELECT u.display_name FROM follows f JOIN users u ON u.id = f.user_id"
        " WHERE f.case_id = :c ORDER BY u.display_name",
        c=row["id"],
    )
    return _row(row, tuple(n["display_name"] for n in names))


def _row(row: dict, followers: tuple[str, ...]) -> CaseRow:
    return CaseRow(
        row["id"],
        datetime.fromisoformat(row["created_at"]),
        datetime.fromisoformat(row["last_activity"]),
        _when(row["flagged_at"]),
        _when(row["archived_at"]),
        bytes(row["label_blob"]) if row["label_blob"] else None,
        followers,
    )


def get_case(store: Store, case_id: str) -> CaseRow | None:
    with store.transaction(write=False) as tx:
        row = tx.one("SELECT * FROM cases WHERE id = :i AND erased_at IS NULL", i=case_id)
        return _case(tx, row) if row else None


def _visible_rows(tx, user: User) -> list:
    """The rows of the cases ``user`` may see, oldest first."""
    if user.all_cases:
        return tx.rows("SELECT * FROM cases WHERE erased_at IS NULL ORDER BY created_at")
    return tx.rows(
        "SELECT c.* FROM cases c JOIN follows f ON f.case_id = c.id"
        " WHERE f.user_id = :u AND c.erased_at IS NULL ORDER BY c.created_at",
        u=user.id,
    )


def visible_cases(store: Store, user: User) -> list[CaseRow]:
    """The cases ``user`` may see: those they follow, or all with the admin's leave."""
    with store.transaction(write=False) as tx:
        rows = _visible_rows(tx, user)
        return [_case(tx, r) for r in rows]


def visible_named(store: Store, user: User, private: bytes) -> list[tuple[CaseRow, str]]:
    """``visible_cases`` with each person's name opened (``read_label``; "" when it does
    not open), for the volunteer's list: in one transaction, with the volunteer's wrapped
    copies and every case's followers read in one query each, the private key loaded
    once and the team key opened once, instead of a transaction and a team key per case
    (``key_for_user``). Each case key is still unwrapped from the volunteer's own copy,
    else through the team key, in memory, for this request only."""
    own = keys.Unwrapper(private)
    with store.transaction(write=False) as tx:
        rows = _visible_rows(tx, user)
        holder = user_holder(user.id)
        wrapped = _blobs(tx, holder)
        followers: dict[str, list[str]] = {}
        for r in tx.rows(
            "SELECT f.case_id, u.display_name FROM follows f JOIN users u ON u.id = f.user_id"
            " ORDER BY u.display_name"
        ):
            followers.setdefault(r["case_id"], []).append(r["display_name"])
        team, team_blobs = None, {}
        if any(r["id"] not in wrapped for r in rows):
            opened = team_private(tx, user.id, private)
            if opened is not None:
                team, team_blobs = keys.Unwrapper(opened), _blobs(tx, TEAM)
    named = []
    for row in rows:
        case = _row(row, tuple(followers.get(row["id"], ())))
        key = None
        if case.id in wrapped:
            key = own.unwrap(wrapped[case.id], _aad(case.id, holder))
        elif team is not None and case.id in team_blobs:
            key = team.unwrap(team_blobs[case.id], _aad(case.id, TEAM))
        named.append((case, read_label(key, case) if key else ""))
    return named


def _blobs(tx: Tx, holder: str) -> dict[str, bytes]:
    """Case id -> the case key wrapped for ``holder``, for every case it holds."""
    found = tx.rows("SELECT case_id, blob FROM case_keys WHERE holder = :h", h=holder)
    return {r["case_id"]: bytes(r["blob"]) for r in found}


def all_cases(store: Store) -> list[CaseRow]:
    with store.transaction(write=False) as tx:
        rows = tx.rows("SELECT * FROM cases WHERE erased_at IS NULL ORDER BY created_at")
        return [_case(tx, r) for r in rows]


def follows(store: Store, case_id: str, user_id: int) -> bool:
    with store.transaction(write=False) as tx:
        return bool(
            tx.one(
                "SELECT 1 AS x FROM follows WHERE case_id = :c AND user_id = :u",
                c=case_id,
                u=user_id,
            )
        )


def touch(store: Store, case_id: str) -> None:
    """The case had activity: its retention clock starts again, its flag is lifted."""
    with store.transaction() as tx:
        tx.run(
            "UPDATE cases SET last_activity = :n, flagged_at = NULL WHERE id = :i",
            n=_iso(now_paris()),
            i=case_id,
        )


def set_archived(store: Store, case_id: str, archived: bool) -> None:
    """Archived or not; an archived case reminds nobody (its reminders go)."""
    with store.transaction() as tx:
        tx.run(
            "UPDATE cases SET archived_at = :a WHERE id = :i",
            a=_iso(now_paris()) if archived else None,
            i=case_id,
        )
        if archived:
            tx.run("DELETE FROM reminders WHERE case_id = :c", c=case_id)
            tx.run("DELETE FROM reminder_subs WHERE case_id = :c", c=case_id)


def erase(tx: Tx, case_id: str) -> None:
    """Crypto-shredding: every wrapped key and link goes; the row keeps only the date."""
    tx.run("DELETE FROM case_keys WHERE case_id = :c", c=case_id)
    tx.run("DELETE FROM links WHERE case_id = :c", c=case_id)
    tx.run("DELETE FROM follows WHERE case_id = :c", c=case_id)
    tx.run("DELETE FROM stamp_pending WHERE case_id = :c", c=case_id)
    from .reminders import forget_case  # subscriptions, reminders, calendar addresses

    forget_case(tx, case_id)
    tx.run(
        "UPDATE cases SET erased_at = :n, label_blob = NULL WHERE id = :c",
        n=_iso(now_paris()),
        c=case_id,
    )


# --- links ---------------------------------------------------------------------------------
def create_link(store: Store, case_id: str, case_key: bytes, user: User, days: int) -> str:
    """A new personal link for the case (the older ones stay until revoked)."""
    token = keys.new_token()
    token_hash = keys.token_hash(token)
    now = now_paris()
    holder = link_holder(token_hash)
    with store.transaction() as tx:
        tx.run(
            "INSERT INTO links (token_hash, case_id, created_by, created_at, expires_at)"
            " VALUES (:h, :c, :u, :n, :e)",
            h=token_hash,
            c=case_id,
            u=user.id,
            n=_iso(now),
            e=_iso(now + timedelta(days=days)),
        )
        tx.run(
            "INSERT INTO case_keys (case_id, holder, blob) VALUES (:c, :h, :b)",
            c=case_id,
            h=holder,
            b=keys.seal(keys.token_key(token, b"link"), case_key, _aad(case_id, holder)),
        )
        expires = (now + timedelta(days=days)).date().isoformat()  # the detail: language-free
        audit.record(
            tx, user.display_name, case_id, N_("lien personnel créé, valable jusqu'au"), expires
        )
    return token


def links_of(store: Store, case_id: str) -> list[Link]:
    with store.transaction(write=False) as tx:
        rows = tx.rows("SELECT * FROM links WHERE case_id = :c ORDER BY created_at DESC", c=case_id)
    return [
        Link(
            r["token_hash"],
            r["case_id"],
            datetime.fromisoformat(r["created_at"]),
            datetime.fromisoformat(r["expires_at"]),
            _when(r["revoked_at"]),
        )
        for r in rows
    ]


def revoke_link(store: Store, case_id: str, token_hash: str, actor: str) -> bool:
    with store.transaction() as tx:
        done = tx.run(
            "UPDATE links SET revoked_at = :n WHERE token_hash = :h AND case_id = :c"
            " AND revoked_at IS NULL",
            n=_iso(now_paris()),
            h=token_hash,
            c=case_id,
        )
        tx.run(
            "DELETE FROM case_keys WHERE case_id = :c AND holder = :h",
            c=case_id,
            h=link_holder(token_hash),
        )
        if done:
            audit.record(tx, actor, case_id, N_("lien personnel révoqué"))
        return bool(done)


def open_link(store: Store, token: str) -> tuple[str, bytes] | None:
    """(case id, case key) for a live link token; None for an unknown, revoked or
    expired one (the same answer for each: a guesser learns nothing)."""
    token_hash = keys.token_hash(token)
    holder = link_holder(token_hash)
    with store.transaction(write=False) as tx:
        row = tx.one(
            "SELECT l.*, k.blob FROM links l JOIN case_keys k"
            " ON k.case_id = l.case_id AND k.holder = :holder"
            " JOIN cases c ON c.id = l.case_id"
            " WHERE l.token_hash = :h AND l.revoked_at IS NULL AND c.erased_at IS NULL",
            h=token_hash,
            holder=holder,
        )
    if row is None or datetime.fromisoformat(row["expires_at"]) <= now_paris():
        return None
    try:
        key = keys.unseal(
            keys.token_key(token, b"link"), bytes(row["blob"]), _aad(row["case_id"], holder)
        )
    except keys.SealError:
        return None
    return row["case_id"], key
