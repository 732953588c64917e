"""Commands on an association's templates: templates check."""

from __future__ import annotations

from pathlib import Path

import click

from ..case import Case
from ..errors import InputError
from ..i18n import N_, _, ngettext
from .app import cli
from .translated import PathType, argument


@cli.group(help=N_("Modèles de documents d'une association (dossier modeles/)."))
def templates() -> None:
    pass


@templates.command(
    "check",
    short_help=N_("Essayer les modèles sur les cas d'exemple."),
    help=N_(
        "Essayer les modèles d'un dossier sur les cas d'exemple et dire ce qui ne va pas "
        "(par défaut : le dossier modeles/ du dossier de la personne)."
    ),
)
@argument("folder", metavar=N_("[DOSSIER_MODELES]"), required=False, type=PathType(path_type=Path))
@click.pass_obj
def check_templates_command(case: Case, folder: Path | None) -> None:
    from ..court.requete import TEMPLATE_CONTEXTS
    from ..documents.template_check import check_templates

    report = check_templates(folder or case.root / "modeles", TEMPLATE_CONTEXTS)
    for problem in report.problems:
        click.echo(_("PROBLÈME : {problem}").format(problem=problem))
    for note in report.notes:
        click.echo(_("Note : {note}").format(note=note))
    said = {
        "folder": report.folder,
        "files": ", ".join(report.files) or _("aucun fichier .j2"),
        "tried": report.summary(),
        "count": len(report.problems),
    }
    if report.problems:
        raise InputError(
            ngettext(
                "{count} problème dans les modèles de {folder} ({files}) ; documents essayés : "
                "{tried}.",
                "{count} problèmes dans les modèles de {folder} ({files}) ; documents essayés : "
                "{tried}.",
                len(report.problems),
            ).format(**said),
            hint=_("Corrigez chaque ligne indiquée, puis relancez rdvletters templates check."),
        )
    click.echo(
        _("Modèles de {folder} : tout va bien ({files} ; documents essayés : {tried}).").format(
            **said
        )
    )
