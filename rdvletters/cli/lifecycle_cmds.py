"""Commands for the end of a case: export, import, archive, erase."""

from __future__ import annotations

from pathlib import Path

import click

from ..case import Case
from ..errors import InputError
from ..frdates import now_paris
from ..i18n import N_, _
from .app import cli
from .translated import PathType, argument, option


@cli.command(
    short_help=N_("Exporter tout le dossier dans un fichier ZIP."),
    help=N_("Exporter tout le dossier dans un fichier ZIP (avec la description du format)."),
)
@option(
    "-o",
    "--output",
    required=True,
    metavar=N_("FICHIER.zip"),
    type=PathType(dir_okay=False, path_type=Path),
    help=N_("Le fichier ZIP à écrire (jamais écrasé)."),
)
@click.pass_obj
def export(case: Case, output: Path) -> None:
    from ..transfer import export_zip

    export_zip(case, output, now_paris())
    click.echo(_("Dossier exporté : {path}").format(path=output))
    click.echo(_("Ce fichier contient des données personnelles : gardez-le en lieu sûr."))


@cli.command(
    name="import",
    short_help=N_("Reprendre un dossier exporté (ZIP)."),
    help=N_("Reprendre un dossier exporté (ZIP) dans un nouveau dossier, puis le vérifier."),
)
@argument(
    "source", metavar=N_("FICHIER.zip"), type=PathType(dir_okay=False, exists=True, path_type=Path)
)
@argument("folder", metavar=N_("DOSSIER"), type=PathType(file_okay=False, path_type=Path))
def import_command(source: Path, folder: Path) -> None:
    from ..evidence.proofs.verify import verify
    from ..transfer import import_zip

    case = import_zip(source, folder)
    click.echo(_("Dossier repris : {folder}").format(folder=case.root))
    report = verify(case)
    if report.ok:
        click.echo(_("Journal intact : rien n'a changé depuis l'export."))
    else:
        for problem in report.problems:
            click.echo(_("PROBLÈME : {problem}").format(problem=problem))
        click.echo(_("Le dossier a été repris, mais il a changé : rdvletters verify le détaille."))


@cli.command(
    short_help=N_("Archiver le dossier (tout est gardé)."),
    help=N_("Archiver le dossier (il sort de la liste des dossiers, tout est gardé)."),
)
@option("--undo", is_flag=True, help=N_("Le remettre dans la liste."))
@click.pass_obj
def archive(case: Case, undo: bool) -> None:
    from .. import lifecycle

    if undo:
        lifecycle.unarchive(case)
        click.echo(_("Dossier remis dans la liste : {folder}").format(folder=case.root))
    else:
        lifecycle.archive(case, now_paris())
        click.echo(_("Dossier archivé (tout est gardé) : {folder}").format(folder=case.root))


@cli.command(
    short_help=N_("Effacer le dossier, à la demande de la personne."),
    help=N_("Effacer tout le dossier, à la demande de la personne (définitif)."),
)
@option(
    "--confirm",
    "confirmed",
    metavar=N_("NOM"),
    help=N_("Le nom de famille de la personne, pour confirmer sans question."),
)
@click.pass_obj
def erase(case: Case, confirmed: str | None) -> None:
    from .. import lifecycle

    expected = _surname(case)
    said = confirmed
    if said is None:
        said = click.prompt(
            _(
                "Effacer définitivement le dossier {folder} ? Tapez le nom de famille ({name}) "
                "pour confirmer"
            ).format(folder=case.root, name=expected),
            default="",
            show_default=False,
        )
    if said.strip().casefold() != expected.casefold():
        raise InputError(_("Le nom tapé ne correspond pas : rien n'a été effacé."))
    lifecycle.erase(case)
    click.echo(_("Dossier effacé : {folder}").format(folder=case.root))


def _surname(case: Case) -> str:
    """The name that confirms an erasure: the surname, or the folder's name."""
    from ..errors import RdvError

    try:
        return case.load().profile.demandeur.nom
    except RdvError:
        return case.root.resolve().name
