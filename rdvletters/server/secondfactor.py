"""Volunteers' TOTP secrets at rest: never in clear in the database.

Whoever holds a TOTP secret can make the codes, so a copy of the database (a
backup, a stolen disk) must not give it. Each secret is stored sealed twice:

- inside, wrapped to the volunteer's own public key (``keys.wrap_to``): only their
  private key opens it, and that key is unsealed at sign-in by the password, which
  is always checked before the code is asked for;
- outside, sealed with AES-256-GCM under the server's TOTP key, a random key kept
  in its own file (``totp.key``, mode 0600, in the data folder unless
  ``security.totp_key_file`` puts it elsewhere), with the account's id as
  associated data (a sealed secret moved to another account does not open).

The key file is created at ``server setup`` or at the first start that finds none
and no sealed secret. A database that holds sealed secrets but whose key file is
gone is refused with the file's name: the second factors are then lost, and
``rdvletters server reset-totp`` forgets them (each volunteer enrols a new one at
the next sign-in, after the password). Secrets stored in clear by an older version
are sealed at start (``seal_clear_secrets``).
"""

from __future__ import annotations

import base64
from pathlib import Path

from ..casepaths import read_small
from ..errors import InputError, OutputExistsError
from ..fsutil import write_new
from ..i18n import _
from . import keys
from .config import ServerConfig
from .store import Store

KEY_FILE = "totp.key"
PREFIX = "sealed1:"  # a clear secret (base32) never starts so
INNER_AAD = b"rdvletters totp secret"


def key_path(config: ServerConfig) -> Path:
    return config.totp_key_file or config.data_dir / KEY_FILE


def _sealed_count(store: Store) -> int:
    with store.transaction(write=False) as tx:
        row = tx.one("SELECT count(*) AS n FROM users WHERE totp_secret LIKE :p", p=PREFIX + "%")
    return int(row["n"]) if row else 0


def _lost(path: Path, config: ServerConfig, reason: str) -> InputError:
    return InputError(
        _(
            "{path} : {reason} ; les seconds facteurs enregistrés (codes à usage unique) "
            "ne peuvent plus être vérifiés."
        ).format(path=path, reason=reason),
        hint=_(
            "Remettez ce fichier depuis une sauvegarde, ou oubliez les seconds facteurs : "
            "rdvletters server reset-totp --config {file} --all (chacun en active un "
            "nouveau à sa connexion suivante, après son mot de passe)."
        ).format(file=config.source),
    )


def load_key(config: ServerConfig, store: Store) -> bytes:
    """The TOTP key; created when missing, unless sealed secrets need the lost one."""
    path = key_path(config)
    if not path.exists():
        if _sealed_count(store):
            raise _lost(path, config, _("fichier introuvable"))
        try:
            write_new(path, keys.new_key())
        except OutputExistsError:  # another process made it first: read theirs
            pass
        except OSError as exc:
            raise InputError(
                _("{path} : impossible de créer la clé des seconds facteurs ({error}).").format(
                    path=path, error=exc.strerror or exc
                )
            ) from None
    key = read_small(path)
    if len(key) != keys.KEY_BYTES:
        raise _lost(
            path,
            config,
            _("ce n'est pas une clé ({size} octets au lieu de 32)").format(size=len(key)),
        )
    return key


def _outer_aad(user_id: int) -> bytes:
    return f"rdvletters totp of user {user_id}".encode()


def seal_secret(key: bytes, user_id: int, public: bytes, secret: str) -> str:
    """The value stored in ``users.totp_secret``."""
    inner = keys.wrap_to(public, secret.encode("ascii"), INNER_AAD)
    blob = keys.seal(key, inner, _outer_aad(user_id))
    return PREFIX + base64.b64encode(blob).decode("ascii")


def open_secret(key: bytes, user_id: int, private: bytes, stored: str | None) -> str | None:
    """The clear secret, or None (none enrolled, or a value that does not open)."""
    if not stored or not stored.startswith(PREFIX):
        return None
    try:
        blob = base64.b64decode(stored[len(PREFIX) :], validate=True)
        inner = keys.unseal(key, blob, _outer_aad(user_id))
        return keys.unwrap_with(private, inner, INNER_AAD).decode("ascii")
    except (ValueError, keys.SealError):
        return None


def _pending_aad(user_id: int) -> bytes:
    return f"rdvletters totp being enrolled by user {user_id}".encode()


def seal_pending(key: bytes, user_id: int, secret: str) -> str:
    """The secret being enrolled, as the session cookie carries it between the set-up
    page and its answer: sealed under the server's key, so that the cookie (a signed,
    readable value) never shows it, and bound to the account."""
    blob = keys.seal(key, secret.encode("ascii"), _pending_aad(user_id))
    return base64.urlsafe_b64encode(blob).decode("ascii")


def open_pending(key: bytes, user_id: int, sealed: object) -> str | None:
    """The secret being enrolled, or None (none, another account's, or not ours)."""
    if not isinstance(sealed, str):
        return None
    try:
        blob = base64.urlsafe_b64decode(sealed.encode("ascii"))
        return keys.unseal(key, blob, _pending_aad(user_id)).decode("ascii")
    except (ValueError, keys.SealError):
        return None


def seal_clear_secrets(store: Store, key: bytes) -> int:
    """Seal the secrets an older version stored in clear; how many were sealed. The
    database's write-ahead log is then folded back and emptied, and SQLite's
    ``secure_delete`` has overwritten the old values: no clear copy stays in the files."""
    with store.transaction() as tx:
        rows = tx.rows(
            "SELECT id, public_key, totp_secret FROM users"
            " WHERE totp_secret IS NOT NULL AND totp_secret != '' AND totp_secret NOT LIKE :p",
            p=PREFIX + "%",
        )
        for row in rows:
            tx.run(
                "UPDATE users SET totp_secret = :s WHERE id = :i",
                s=seal_secret(key, row["id"], bytes(row["public_key"]), row["totp_secret"]),
                i=row["id"],
            )
    if rows:
        store.checkpoint()
    return len(rows)


def forget_all(store: Store) -> int:
    """Every second factor forgotten and every session closed (a lost key file)."""
    with store.transaction() as tx:
        count = tx.run(
            "UPDATE users SET totp_secret = NULL, totp_last_step = 0 WHERE totp_secret IS NOT NULL"
        )
        tx.run("DELETE FROM sessions")
    store.checkpoint()
    return count
