"""``rdvletters web``: the same case, in the browser.

Flask and waitress are imported only when the command runs: the other commands
(the text e-mail first) never load the web stack.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import i18n
from ..case import Case
from ..errors import InputError
from ..i18n import N_, _
from .app import cli
from .translated import IntRange, PathType, option


@cli.command(help=N_("Ouvrir rdvletters dans le navigateur (sur cet ordinateur)."))
@option(
    "--cases",
    "cases_dir",
    type=PathType(file_okay=False, path_type=Path),
    help=N_("Dossier d'une permanence : un sous-dossier par personne (créé s'il n'existe pas)."),
)
@option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar=N_("ADRESSE"),
    help=N_("Adresse d'écoute ; autre que 127.0.0.1 : avec --allow-network seulement."),
)
@option(
    "--port",
    type=IntRange(0, 65535),
    default=0,
    metavar="PORT",
    help=N_("Port (0 : libre)."),
)
@option(
    "--allow-network",
    is_flag=True,
    help=N_("Accepter d'autres appareils du réseau (un téléphone sur le même Wi-Fi)."),
)
@option(
    "--lang",
    type=click.Choice(i18n.available()),
    help=N_(
        "Langue de l'interface (sinon : celle de rdvletters --lang, LANG, puis la langue du "
        "navigateur)."
    ),
)
@option("--no-browser", is_flag=True, help=N_("Ne pas ouvrir le navigateur."))
@click.pass_context
def web(
    ctx: click.Context,
    cases_dir: Path | None,
    host: str,
    port: int,
    allow_network: bool,
    lang: str | None,
    no_browser: bool,
) -> None:
    case: Case = ctx.obj
    from ..web.cases import Registry
    from ..web.server import is_loopback, start

    if lang:  # `web --lang en`: the terminal's words too, not only the pages
        i18n.activate(lang)
    if not is_loopback(host) and not allow_network:
        raise InputError(
            _("--host {host} ouvrirait l'application aux autres appareils du réseau.").format(
                host=host
            ),
            hint=_("Si c'est voulu, ajoutez --allow-network."),
        )
    if cases_dir is not None and not cases_dir.exists():
        from ..fsutil import private_dir

        private_dir(cases_dir)
        click.echo(_("Dossier de la permanence créé : {folder}").format(folder=cases_dir))
    registry = Registry(cases_dir or case.root, many=cases_dir is not None)
    lang = lang or ctx.find_root().params.get("lang") or i18n.from_environment()
    running = start(registry, host, port, lang)
    if not is_loopback(host):
        click.echo(
            _(
                "ATTENTION : l'application est ouverte aux appareils du réseau, en HTTP non "
                "chiffré. N'utilisez ceci que sur un réseau de confiance (pas un Wi-Fi public), "
                "et arrêtez-la dès que possible. Le code secret reste exigé."
            ),
            err=True,
        )
    click.echo(_("rdvletters est ouvert à cette adresse (gardez-la pour vous) :"))
    click.echo(f"  {running.url}")
    click.echo(_("Ctrl+C pour arrêter."))
    if not no_browser:
        import webbrowser  # subprocess and more: only for this command

        webbrowser.open(running.url)
    try:
        running.serve()  # waitress returns on Ctrl+C
    except KeyboardInterrupt:
        pass
    finally:
        running.close()
    click.echo(_("Arrêté."))
