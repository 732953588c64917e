"""Where the server keeps accounts, sessions, links, wrapped keys and the audit log.

One small interface (``Store``: transactions running portable SQL with named
parameters) and its SQLite implementation. The case folders themselves stay
files (``vault.py``): they are the evidence format. To move to PostgreSQL (a
federation of associations), implement ``Store`` with psycopg: translate
``:name`` parameters to ``%(name)s``, ``BLOB`` to ``BYTEA``, ``INTEGER PRIMARY KEY
AUTOINCREMENT`` to ``BIGSERIAL``, and the audit log's triggers to a PL/pgSQL
function (README, "PostgreSQL").
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'volunteer')),
    all_cases INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT NOT NULL,
    private_blob BLOB NOT NULL,
    public_key BLOB NOT NULL,
    totp_secret TEXT,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS invitations (
    token_hash TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    all_cases INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    team_blob BLOB
);
CREATE TABLE IF NOT EXISTS sessions (
    sid_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    stage TEXT NOT NULL,
    key_blob BLOB,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    last_activity TEXT NOT NULL,
    flagged_at TEXT,
    archived_at TEXT,
    erased_at TEXT,
    label_blob BLOB
);
CREATE TABLE IF NOT EXISTS follows (
    case_id TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE TABLE IF NOT EXISTS case_keys (
    case_id TEXT NOT NULL,
    holder TEXT NOT NULL,
    blob BLOB NOT NULL,
    PRIMARY KEY (case_id, holder)
);
CREATE TABLE IF NOT EXISTS links (
    token_hash TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    case_id TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS attempts (
    bucket TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    window_start REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS stamp_pending (case_id TEXT PRIMARY KEY, since TEXT NOT NULL);
-- calendars: a token per address; the case key is sealed under it in case_keys
-- (holder « agenda:<hash> »), as for the person's links
CREATE TABLE IF NOT EXISTS calendars (
    token_hash TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
-- reminders: a subscription (push: the browser's endpoint and keys; email: an address)
-- and each reminder planned, both sealed under the reminders key (server/reminders.py)
CREATE TABLE IF NOT EXISTS reminder_subs (
    case_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    blob BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, kind)
);
CREATE TABLE IF NOT EXISTS reminders (
    case_id TEXT NOT NULL,
    slot TEXT NOT NULL,
    kind TEXT NOT NULL,
    due_at TEXT NOT NULL,
    blob BLOB NOT NULL,
    sent_at TEXT,
    PRIMARY KEY (case_id, slot, kind)
);
CREATE INDEX IF NOT EXISTS reminders_due ON reminders (sent_at, due_at);
CREATE INDEX IF NOT EXISTS audit_case ON audit (case_id);
CREATE INDEX IF NOT EXISTS links_case ON links (case_id);
"""


class Tx(Protocol):
    """One transaction: portable SQL with ``:name`` parameters."""

    def run(self, sql: str, **params: Any) -> int:
        """Execute; returns the new row's id for an INSERT, else the rows changed."""

    def rows(self, sql: str, **params: Any) -> list[dict[str, Any]]: ...

    def one(self, sql: str, **params: Any) -> dict[str, Any] | None: ...


class Store(Protocol):
    """The server's database. ``transaction()`` commits on success, rolls back on error;
    ``write=False`` promises only reads (they need not wait for writers)."""

    def transaction(self, write: bool = True) -> contextlib.AbstractContextManager[Tx]: ...

    def checkpoint(self) -> None:
        """Fold pending writes into the main file (old values are not left behind)."""

    def close(self) -> None: ...


class _SqliteTx:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def run(self, sql: str, **params: Any) -> int:
        cursor = self.connection.execute(sql, params)
        if sql.lstrip().upper().startswith("INSERT"):
            return int(cursor.lastrowid or 0)
        return cursor.rowcount

    def rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        return [dict(row) for row in self.connection.execute(sql, params).fetchall()]

    def one(self, sql: str, **params: Any) -> dict[str, Any] | None:
        row = self.connection.execute(sql, params).fetchone()
        return dict(row) if row is not None else None


class SqliteStore:
    """SQLite in WAL mode, one connection per thread, write transactions taken at once
    (``BEGIN IMMEDIATE``) so that two writers queue instead of failing mid-way."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
        self._connection().executescript(SCHEMA)
        with self.transaction() as tx:
            tx.run(
                "INSERT OR IGNORE INTO settings (name, value) VALUES ('schema', :v)",
                v=str(SCHEMA_VERSION),
            )

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("PRAGMA secure_delete=ON")  # erased rows are overwritten
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        return connection

    @contextlib.contextmanager
    def transaction(self, write: bool = True) -> Iterator[_SqliteTx]:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
        try:
            yield _SqliteTx(connection)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def checkpoint(self) -> None:
        self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            for connection in self._all:
                with contextlib.suppress(sqlite3.Error):
                    connection.close()
            self._all.clear()
        self._local = threading.local()
