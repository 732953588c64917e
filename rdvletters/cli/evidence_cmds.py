"""Commands on the evidence: status, verify, bundle."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..case import Case
from ..frdates import now_paris
from ..i18n import N_, _, ngettext
from .app import cli, warn
from .translated import PathType, option


@cli.command(
    short_help=N_("Où en êtes-vous ? Semaines, étapes, chose à faire."),
    help=N_("Où en êtes-vous ? Les semaines, les étapes, la prochaine chose à faire."),
)
@option("--json", "as_json", is_flag=True, help=N_("Les mêmes faits en JSON, pour un script."))
@click.pass_obj
def status(case: Case, as_json: bool) -> None:
    from ..court.status import compute_status
    from ..court.status_text import render_status
    from ..evidence.proofs.proofstatus import proof_status
    from ..evidence.proofs.verify import verify
    from ..facts import Facts

    profile = case.load().profile
    state = case.journal.read()
    facts = Facts.from_journal(state)
    now = now_paris()
    result = compute_status(
        profile, facts, now, case.root, verify(case), proof_status(case, state), state
    )
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_status(result, now.date()), nl=False)


@cli.command(
    name="verify", help=N_("Vérifier que le journal et ses fichiers n'ont pas été modifiés.")
)
@option(
    "--copy",
    "copies",
    multiple=True,
    type=PathType(dir_okay=False, path_type=Path),
    metavar=N_("FICHIER"),
    help=N_(
        "Comparer aussi le journal à une copie gardée ailleurs : un courriel reçu (.eml) ou "
        "l'inventaire d'un dossier (00_Inventaire.txt)."
    ),
)
@option(
    "--report",
    "report_path",
    type=PathType(dir_okay=False, path_type=Path),
    metavar=N_("FICHIER.pdf"),
    help=N_(
        "Écrire aussi un rapport PDF pour un commissaire de justice ou un juge (jamais écrasé)."
    ),
)
@click.pass_obj
def verify_command(case: Case, copies: tuple[Path, ...], report_path: Path | None) -> None:
    from ..evidence.proofs.verify import verify
    from ..fsutil import open_regular

    case.require()
    for copy in copies:
        open_regular(copy, "--copy").close()
    report = verify(case, copies)
    for problem in report.problems:
        click.echo(_("PROBLÈME : {problem}").format(problem=problem))
    for note in report.notes:
        click.echo(_("Note : {note}").format(note=note))
    if report.proven:  # proof: what each entry provably dates from (timestamps)
        click.echo(_("Dates prouvées par horodatage :"))
        click.echo("\n".join(f"  {line}" for line in report.proven))
    entries = ngettext("{count} entrée", "{count} entrées", report.entries).format(
        count=report.entries
    )
    files = ngettext(
        "{count} fichier vérifié", "{count} fichiers vérifiés", report.files_checked
    ).format(count=report.files_checked)
    if report.ok:
        verdict = _("Journal intact : {entries}, {files}.")
    else:
        verdict = _("Journal MODIFIÉ OU INCOMPLET : {entries}, {files}.")
    click.echo(verdict.format(entries=entries, files=files))
    if report_path is not None:  # proof: the report for a commissaire de justice or a judge
        from ..court.dossier.report_pdf import write_report

        click.echo(_("Rapport écrit : {path}").format(path=write_report(case, report_path, copies)))
    if not report.ok:
        sys.exit(1)


@cli.command(
    short_help=N_("Préparer le dossier de pièces (association, tribunal)."),
    help=N_(
        "Préparer le dossier de pièces pour l'association ou le tribunal : une pièce PDF par "
        "fichier, numérotée à partir de 1, prête pour Télérecours citoyens."
    ),
)
@option(
    "-o",
    "--output",
    type=PathType(file_okay=False, path_type=Path),
    help=N_("Dossier à créer (par défaut : dossier_AAAA-MM-JJ dans le dossier du cas)."),
)
@option("--pdf", is_flag=True, help=N_("Ajouter l'inventaire et la fiche de synthèse en PDF."))
@option(
    "--series",
    type=click.Choice(["week"]),
    help=N_("week : une pièce par semaine pour les captures d'écran (série homogène)."),
)
@click.pass_obj
def bundle(case: Case, output: Path | None, pdf: bool, series: str | None) -> None:
    from ..court.dossier.bundle import write_bundle

    dossier = write_bundle(case, output, pdf=pdf, series=series == "week")
    warn(dossier.warnings)
    click.echo(
        ngettext(
            "Dossier prêt : {folder} ({count} fichier).",
            "Dossier prêt : {folder} ({count} fichiers).",
            len(dossier.files),
        ).format(folder=dossier.folder, count=len(dossier.files))
    )
    for path in dossier.files:
        click.echo(f"  {path.relative_to(dossier.folder)}")
