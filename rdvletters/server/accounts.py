"""Volunteers' accounts: invitations, passwords, second factor, sessions, rate limits.

- No open sign-up: an admin creates an invitation (a one-time link, stored
  hashed, valid 7 days); the volunteer chooses a password there.
- Passwords are hashed with Argon2id (argon2-cffi's ``PasswordHasher``); the
  volunteer's X25519 private key is sealed under a key derived from the
  password (``keys.seal_private``) and resealed when the password changes.
- TOTP (pyotp, 30 s steps, one step of drift): a code is accepted once only
  (the last accepted step is stored: a replayed code is refused). The secret is
  stored sealed (``secondfactor``), never in clear.
- Sessions: a random id in the cookie, its SHA-256 in the database, with the
  volunteer's private key sealed under a key derived from the id: a copy of
  the database alone opens nothing. A new id at every login stage (no fixation).
- ``allow`` is one rate-limit primitive (a fixed window per bucket) used for
  logins, TOTP codes, invitations and links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..frdates import now_paris
from . import caseindex, keys, secondfactor
from .keys import Argon2Cost
from .store import Store, Tx

INVITATION_DAYS = 7
MIN_PASSWORD = 12
TOTP_WINDOW = 1
RATE_WINDOW = 15 * 60  # seconds


@dataclass(frozen=True)
class User:
    id: int
    login: str
    display_name: str
    role: str
    all_cases: bool
    public_key: bytes
    totp: bool
    active: bool

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def of(cls, row: dict) -> User:
        return cls(
            int(row["id"]),
            row["login"],
            row["display_name"],
            row["role"],
            bool(row["all_cases"]),
            bytes(row["public_key"]),
            bool(row["totp_secret"]),
            bool(row["active"]),
        )


@dataclass(frozen=True)
class Session:
    sid_hash: str
    user: User
    stage: str  # "password" (second factor to give), "totp-setup" or "ok"
    private_key: bytes | None


def _now() -> datetime:
    return now_paris()


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def hasher(cost: Argon2Cost) -> PasswordHasher:
    return PasswordHasher(
        time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism
    )


# --- rate limits ---------------------------------------------------------------------
def allow(store: Store, bucket: str, limit: int) -> bool:
    """Count one try in ``bucket``; False once ``limit`` tries were made in the window."""
    now = _now().timestamp()
    with store.transaction() as tx:
        row = tx.one("SELECT count, window_start FROM attempts WHERE bucket = :b", b=bucket)
        if row is None or now - row["window_start"] > RATE_WINDOW:
            tx.run(
                "INSERT OR REPLACE INTO attempts (bucket, count, window_start) VALUES (:b, 1, :t)",
                b=bucket,
                t=now,
            )
            return True
        if row["count"] >= limit:
            return False
        tx.run("UPDATE attempts SET count = count + 1 WHERE bucket = :b", b=bucket)
        return True


def forget(store: Store, bucket: str) -> None:
    with store.transaction() as tx:
        tx.run("DELETE FROM attempts WHERE bucket = :b", b=bucket)


# --- invitations ----------------------------------------------------------------------
def invite(
    store: Store,
    display_name: str,
    role: str,
    all_cases: bool,
    by: int | None,
    team: bytes | None = None,
) -> str:
    """A one-time invitation token (the link's secret). ``team`` (the team's private
    key) travels sealed under the token when the new account may open every case."""
    token = keys.new_token()
    now = _now()
    with store.transaction() as tx:
        tx.run(
            "INSERT INTO invitations (token_hash, display_name, role, all_cases, created_by,"
            " created_at, expires_at, team_blob) VALUES (:h, :n, :r, :a, :by, :c, :e, :t)",
            h=keys.token_hash(token),
            n=display_name,
            r=role,
            a=int(all_cases),
            by=by,
            c=_iso(now),
            e=_iso(now + timedelta(days=INVITATION_DAYS)),
            t=caseindex.seal_team_for_invitation(team, token) if team else None,
        )
    return token


def find_invitation(store: Store, token: str) -> dict | None:
    with store.transaction(write=False) as tx:
        row = tx.one("SELECT * FROM invitations WHERE token_hash = :h", h=keys.token_hash(token))
    if row is None or row["used_at"] or datetime.fromisoformat(row["expires_at"]) < _now():
        return None
    return row


def accept_invitation(
    store: Store, token: str, login: str, password: str, cost: Argon2Cost
) -> User | None:
    """Create the account; None if the invitation is gone or the login taken."""
    invitation = find_invitation(store, token)
    if invitation is None:
        return None
    private, public = keys.new_keypair()
    password_hash = hasher(cost).hash(password)
    sealed = keys.seal_private(private, password, cost)
    with store.transaction() as tx:
        used = tx.run(
            "UPDATE invitations SET used_at = :u WHERE token_hash = :h AND used_at IS NULL",
            u=_iso(_now()),
            h=invitation["token_hash"],
        )
        if not used or tx.one("SELECT id FROM users WHERE login = :l", l=login):
            return None
        user_id = tx.run(
            "INSERT INTO users (login, display_name, role, all_cases, password_hash,"
            " private_blob, public_key, created_at) VALUES (:l, :n, :r, :a, :p, :k, :pub, :c)",
            l=login,
            n=invitation["display_name"],
            r=invitation["role"],
            a=invitation["all_cases"],
            p=password_hash,
            k=sealed,
            pub=public,
            c=_iso(_now()),
        )
        user = User.of(tx.one("SELECT * FROM users WHERE id = :i", i=user_id) or {})
        if invitation["team_blob"]:
            team = caseindex.open_team_from_invitation(bytes(invitation["team_blob"]), token)
            caseindex.grant_team(tx, user, team)
        return user


# --- users ------------------------------------------------------------------------------
def get_user(tx: Tx, user_id: int) -> User | None:
    row = tx.one("SELECT * FROM users WHERE id = :i", i=user_id)
    return User.of(row) if row else None


def list_users(store: Store) -> list[User]:
    with store.transaction(write=False) as tx:
        return [User.of(r) for r in tx.rows("SELECT * FROM users ORDER BY display_name")]


def check_password(
    store: Store, login: str, password: str, cost: Argon2Cost
) -> tuple[User, bytes] | None:
    """(user, private key) when the password is right; the same work is done for an
    unknown login, so that timing does not tell which logins exist."""
    with store.transaction() as tx:
        row = tx.one("SELECT * FROM users WHERE login = :l AND active = 1", l=login)
    ph = hasher(cost)
    if row is None:
        ph.hash(password)
        return None
    try:
        ph.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    return User.of(row), keys.open_private(bytes(row["private_blob"]), password, cost)


def change_password(
    store: Store, user: User, private: bytes, new_password: str, cost: Argon2Cost
) -> None:
    """New hash, private key resealed under the new password (case keys stay wrapped to
    the same public key: nothing else changes)."""
    with store.transaction() as tx:
        tx.run(
            "UPDATE users SET password_hash = :p, private_blob = :k WHERE id = :i",
            p=hasher(cost).hash(new_password),
            k=keys.seal_private(private, new_password, cost),
            i=user.id,
        )
        tx.run("DELETE FROM sessions WHERE user_id = :i", i=user.id)  # other devices out


def set_flags(store: Store, user_id: int, *, all_cases: bool, active: bool) -> None:
    with store.transaction() as tx:
        tx.run(
            "UPDATE users SET all_cases = :a, active = :ac WHERE id = :i",
            a=int(all_cases),
            ac=int(active),
            i=user_id,
        )
        if not active:
            tx.run("DELETE FROM sessions WHERE user_id = :i", i=user_id)


# --- second factor ---------------------------------------------------------------------
def reset_totp(store: Store, user_id: int) -> None:
    """Forget the second factor (a lost phone) and sign the account out everywhere: it
    enrols a new one at its next sign-in if the rules require one."""
    with store.transaction() as tx:
        tx.run("UPDATE users SET totp_secret = NULL, totp_last_step = 0 WHERE id = :i", i=user_id)
        tx.run("DELETE FROM sessions WHERE user_id = :i", i=user_id)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, login: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=issuer)


def _matching_step(secret: str, code: str) -> int | None:
    """The 30-second step whose code is ``code`` (now, or one step either side)."""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = _now()
    step = totp.timecode(now)
    for offset in range(-TOTP_WINDOW, TOTP_WINDOW + 1):
        moment = now + timedelta(seconds=offset * totp.interval)
        if pyotp.utils.strings_equal(totp.at(moment), code):
            return step + offset
    return None


def verify_totp(
    store: Store,
    totp_key: bytes,
    user: User,
    private: bytes,
    code: str,
    secret: str | None = None,
) -> bool:
    """Accept ``code`` once: a step at or before the last accepted one is a replay.
    ``secret`` is given while enrolling (then stored, sealed); otherwise the stored one
    is opened with the TOTP key and the volunteer's private key (``secondfactor``)."""
    with store.transaction() as tx:
        row = tx.one(
            "SELECT totp_secret, totp_last_step, public_key FROM users WHERE id = :i", i=user.id
        )
        if row is None:
            return False
        stored = row["totp_secret"]
        known = secret or secondfactor.open_secret(totp_key, user.id, private, stored)
        step = _matching_step(known, code) if known else None
        if step is None or step <= row["totp_last_step"]:
            return False
        if secret:
            stored = secondfactor.seal_secret(totp_key, user.id, bytes(row["public_key"]), secret)
        tx.run(
            "UPDATE users SET totp_last_step = :s, totp_secret = :t WHERE id = :i",
            s=step,
            t=stored,
            i=user.id,
        )
        return True


# --- sessions -----------------------------------------------------------------------------
def open_session(store: Store, user: User, private: bytes, stage: str) -> str:
    """A new session id (the cookie's value); the previous one, if any, is the caller's
    to close: ids are never reused from one stage to the next."""
    sid = keys.new_token(32)
    now = _iso(_now())
    with store.transaction() as tx:
        tx.run(
            "INSERT INTO sessions (sid_hash, user_id, stage, key_blob, created_at, last_seen)"
            " VALUES (:h, :u, :s, :k, :c, :c)",
            h=keys.token_hash(sid),
            u=user.id,
            s=stage,
            k=keys.seal(keys.token_key(sid, b"session"), private, b"session key"),
            c=now,
        )
    return sid


def close_session(store: Store, sid: str) -> None:
    with store.transaction() as tx:
        tx.run("DELETE FROM sessions WHERE sid_hash = :h", h=keys.token_hash(sid))


def find_session(store: Store, sid: str, idle: timedelta, pending: timedelta) -> Session | None:
    """The live session of cookie ``sid``, its idle time renewed; None when it timed
    out (then deleted) or the account was closed. A session half signed in (second
    factor to give) lives ``pending`` from its start, however busy."""
    now = _now()
    with store.transaction() as tx:
        row = tx.one("SELECT * FROM sessions WHERE sid_hash = :h", h=keys.token_hash(sid))
        if row is None:
            return None
        user = get_user(tx, row["user_id"])
        expired = now - datetime.fromisoformat(row["last_seen"]) > idle or (
            row["stage"] != "ok" and now - datetime.fromisoformat(row["created_at"]) > pending
        )
        if expired or user is None or not user.active:
            tx.run("DELETE FROM sessions WHERE sid_hash = :h", h=row["sid_hash"])
            return None
        tx.run(
            "UPDATE sessions SET last_seen = :n WHERE sid_hash = :h", n=_iso(now), h=row["sid_hash"]
        )
    private = keys.unseal(keys.token_key(sid, b"session"), bytes(row["key_blob"]), b"session key")
    return Session(row["sid_hash"], user, row["stage"], private)
