"""Setting a server up once: its folder, its secret, the recovery and team keys, and
the first admin's invitation.

The recovery key's private half is printed once and never stored: the
association keeps it on paper, offline. With it, ``rdvletters server recover``
opens any case (a volunteer who left, a forgotten password). The team key
opens every case for admins and for volunteers allowed to see all cases; its
private half is only ever stored wrapped (to those accounts, to the recovery
key, or under a pending invitation's token).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from ..errors import CaseError
from ..fsutil import private_dir
from ..i18n import _
from . import accounts, caseindex, keys, secondfactor
from .config import ServerConfig
from .store import SqliteStore, Store

SECRET_FILE = "secret.key"


@dataclass(frozen=True)
class SetUp:
    recovery_text: str
    invitation_token: str

    def invitation_url(self, public_url: str) -> str:
        return "/".join((public_url, "invitation", self.invitation_token))


def load_secret(config: ServerConfig) -> bytes:
    """The server's own secret (Flask's signing key, CSRF tokens): never personal data."""
    path = config.data_dir / SECRET_FILE
    if not path.exists():
        raise CaseError(
            _("{folder} n'est pas un serveur rdvletters préparé.").format(folder=config.data_dir),
            hint=_("Préparez-le une fois : rdvletters server setup --config {file}").format(
                file=config.source
            ),
        )
    return path.read_bytes()


def is_set_up(store: Store) -> bool:
    return caseindex.recovery_public(store) is not None


def set_up(config: ServerConfig, admin_name: str) -> SetUp:
    """Create everything; refuses a folder already set up (nothing is overwritten)."""
    private_dir(config.data_dir, follow=True)  # the folder the administrator chose
    secret_path = config.data_dir / SECRET_FILE
    store = SqliteStore(config.database)
    try:
        if is_set_up(store) or secret_path.exists():
            raise CaseError(
                _("{folder} est déjà préparé : setup ne remplace jamais ses clés.").format(
                    folder=config.data_dir
                )
            )
        # first, as it is the one step that can fail on a wrong setting (its folder):
        # a failed set-up leaves nothing that would refuse a second try
        secondfactor.load_key(config, store)
        fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        recovery_private, recovery_public = keys.new_keypair()
        team_private, team_public = keys.new_keypair()
        with store.transaction() as tx:
            for name, value in (
                ("recovery_public", recovery_public.hex()),
                ("team_public", team_public.hex()),
            ):
                tx.run("INSERT INTO settings (name, value) VALUES (:n, :v)", n=name, v=value)
            tx.run(
                "INSERT INTO case_keys (case_id, holder, blob) VALUES (:c, :h, :b)",
                c=caseindex.TEAM_ROW,
                h=caseindex.RECOVERY,
                b=keys.wrap_to(recovery_public, team_private, b"team key for recovery"),
            )
        token = accounts.invite(store, admin_name, "admin", True, None, team=team_private)
        return SetUp(keys.recovery_text(recovery_private), token)
    finally:
        store.close()


def team_from_recovery(store: Store, recovery_private: bytes) -> bytes:
    with store.transaction() as tx:
        row = tx.one(
            "SELECT blob FROM case_keys WHERE case_id = :c AND holder = :h",
            c=caseindex.TEAM_ROW,
            h=caseindex.RECOVERY,
        )
    if row is None:
        raise keys.SealError("no team key")
    return keys.unwrap_with(recovery_private, bytes(row["blob"]), b"team key for recovery")
