"""Commands on an association's templates: templates check."""

from __future__ import annotations

from pathlib import Path

import click

from ..case import Case
from ..errors import InputError
from ..wording import nombre
from .app import cli


@cli.group()
def templates() -> None:
    """Modèles de documents d'une association (dossier modeles/)."""


@templates.command("check")
@click.argument(
    "folder", metavar="[DOSSIER_MODELES]", required=False, type=click.Path(path_type=Path)
)
@click.pass_obj
def check_templates_command(case: Case, folder: Path | None) -> None:
    """Essayer les modèles d'un dossier sur les cas d'exemple et dire ce qui ne va pas
    (par défaut : le dossier modeles/ du dossier de la personne)."""
    from ..documents.template_check import check_templates

    report = check_templates(folder or case.root / "modeles")
    for problem in report.problems:
        click.echo(f"PROBLÈME : {problem}")
    for note in report.notes:
        click.echo(f"Note : {note}")
    files = ", ".join(report.files) or "aucun fichier .j2"
    tried = f"documents essayés : {report.summary()}"
    if report.problems:
        raise InputError(
            f"{nombre(len(report.problems), 'problème')} dans les modèles de {report.folder} "
            f"({files}) ; {tried}.",
            hint="Corrigez chaque ligne indiquée, puis relancez rdvletters templates check.",
        )
    click.echo(f"Modèles de {report.folder} : tout va bien ({files} ; {tried}).")
