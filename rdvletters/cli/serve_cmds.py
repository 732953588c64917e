"""``rdvletters serve`` and ``rdvletters server …``: the association server.

Flask, waitress, argon2 and the rest are imported only inside these commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import CaseError, InputError
from ..i18n import N_, _, ngettext
from .app import cli
from .translated import PathType, option

CONFIG = option(
    "--config",
    "config_path",
    required=True,
    type=PathType(dir_okay=False, exists=True, path_type=Path),
    metavar=N_("FICHIER"),
    help=N_("Le fichier de configuration du serveur (TOML)."),
)


def _config(path: Path):
    from ..server.config import load_config

    return load_config(path)


@cli.command(help=N_("Lancer le serveur d'association (derrière un proxy HTTPS)."))
@CONFIG
def serve(config_path: Path) -> None:
    from ..server.runner import start

    config = _config(config_path)
    running = start(config)
    click.echo(
        _("rdvletters écoute sur {host}:{port} ; adresse publique : {url}").format(
            host=config.host, port=running.port, url=config.public_url
        )
    )
    click.echo(_("Ctrl+C pour arrêter."))
    try:
        running.serve()
    except KeyboardInterrupt:
        pass
    finally:
        running.close()
    click.echo(_("Arrêté."))


@cli.group(help=N_("Préparer et entretenir le serveur d'association."))
def server() -> None:
    pass


@server.command(
    "setup",
    help=N_(
        "Préparer le serveur une fois : clés, base, et l'invitation du premier responsable. "
        "La clé de secours s'affiche une seule fois : imprimez-la."
    ),
)
@CONFIG
@option(
    "--admin",
    "admin_name",
    required=True,
    metavar=N_("NOM"),
    help=N_("Le nom du premier responsable."),
)
def setup_command(config_path: Path, admin_name: str) -> None:
    from ..server.setup import set_up

    config = _config(config_path)
    done = set_up(config, " ".join(admin_name.split())[:80])
    click.echo(_("Serveur préparé dans {folder}.").format(folder=config.data_dir))
    click.echo("")
    click.echo(
        _("CLÉ DE SECOURS (imprimez-la et gardez-la hors ligne ; elle ne sera plus affichée) :")
    )
    click.echo(f"  {done.recovery_text}")
    click.echo("")
    click.echo(_("Invitation du premier responsable (valable 7 jours) :"))
    click.echo(f"  {done.invitation_url(config.public_url)}")


@server.command(
    "recover",
    help=N_(
        "Ouvrir un dossier avec la clé de secours et l'écrire en clair dans un ZIP "
        "(un bénévole parti, un mot de passe perdu). La clé est demandée au clavier."
    ),
)
@CONFIG
@option(
    "--case",
    "case_id",
    required=True,
    metavar=N_("IDENTIFIANT"),
    help=N_("L'identifiant du dossier (journal d'audit)."),
)
@option(
    "-o",
    "--output",
    "output",
    required=True,
    type=PathType(dir_okay=False, path_type=Path),
    help=N_("Le fichier ZIP à écrire."),
)
def recover_command(config_path: Path, case_id: str, output: Path) -> None:
    import getpass

    from ..case import Case
    from ..frdates import now_paris
    from ..server import caseindex, keys
    from ..server.store import SqliteStore
    from ..server.vault import Vault
    from ..transfer import export_zip

    config = _config(config_path)
    if output.exists():
        raise InputError(_("{path} existe déjà : rien n'est écrasé.").format(path=output))
    text = (
        getpass.getpass(_("Clé de secours : "))
        if click.get_text_stream("stdin").isatty()
        else click.get_text_stream("stdin").readline()
    )
    try:
        private = keys.recovery_from_text(text)
    except keys.SealError:
        raise InputError(_("Ce n'est pas une clé de secours (52 caractères).")) from None
    store = SqliteStore(config.database)
    vault = Vault(config.vault_dir)
    try:
        if not case_id.isalnum() or caseindex.get_case(store, case_id) is None:
            raise CaseError(_("Aucun dossier {case} sur ce serveur.").format(case=case_id))
        try:
            key = caseindex.key_for_recovery(store, case_id, private)
        except keys.SealError:
            raise InputError(_("Cette clé de secours n'est pas celle de ce serveur.")) from None
        if key is None:
            raise CaseError(_("Le dossier {case} a été effacé.").format(case=case_id))
        with vault.locked(case_id), vault.checkout(case_id, key) as root:
            export_zip(Case(root), output.resolve(), now_paris())
    finally:
        store.close()
    click.echo(_("Dossier écrit en clair dans {path} : gardez-le en lieu sûr.").format(path=output))


@server.command("audit", help=N_("Vérifier la chaîne du journal d'audit."))
@CONFIG
def audit_command(config_path: Path) -> None:
    from ..server import audit
    from ..server.store import SqliteStore

    config = _config(config_path)
    store = SqliteStore(config.database)
    try:
        broken = audit.verify_chain(store)
    finally:
        store.close()
    if broken:
        click.echo(
            _("Journal d'audit modifié : lignes {rows}.").format(rows=", ".join(map(str, broken)))
        )
        raise SystemExit(1)
    click.echo(_("Journal d'audit intact."))


@server.command(
    "reset-totp",
    help=N_(
        "Oublier le second facteur d'un compte (téléphone perdu), ou de tous (--all : "
        "clé des seconds facteurs perdue). Chacun en active un nouveau à sa connexion "
        "suivante, après son mot de passe."
    ),
)
@CONFIG
@option("--login", "login", metavar=N_("IDENTIFIANT"), help=N_("L'identifiant du compte."))
@option("--all", "every", is_flag=True, help=N_("Tous les comptes."))
def reset_totp_command(config_path: Path, login: str | None, every: bool) -> None:
    from ..server import accounts, secondfactor
    from ..server.store import SqliteStore

    if every == bool(login):
        raise InputError(_("Indiquez --login IDENTIFIANT ou --all (l'un des deux)."))
    config = _config(config_path)
    if not config.database.exists():
        raise CaseError(
            _("{folder} n'est pas un serveur rdvletters préparé.").format(folder=config.data_dir)
        )
    store = SqliteStore(config.database)
    try:
        if every:
            count = secondfactor.forget_all(store)
            click.echo(
                ngettext(
                    "{num} second facteur oublié ; toutes les sessions sont fermées.",
                    "{num} seconds facteurs oubliés ; toutes les sessions sont fermées.",
                    count,
                ).format(num=count)
            )
            return
        with store.transaction(write=False) as tx:
            row = tx.one("SELECT id FROM users WHERE login = :l", l=login)
        if row is None:
            raise InputError(_("Aucun compte « {login} » sur ce serveur.").format(login=login))
        accounts.reset_totp(store, int(row["id"]))
    finally:
        store.close()
    click.echo(
        _("Second facteur de « {login} » oublié ; ses sessions sont fermées.").format(login=login)
    )
