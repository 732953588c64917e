"""Commands on the evidence: status, verify, bundle."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..case import Case
from ..frdates import now_paris
from .app import cli, warn


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Les mêmes faits en JSON, pour un script.")
@click.pass_obj
def status(case: Case, as_json: bool) -> None:
    """Où en êtes-vous ? Les semaines, les étapes, la prochaine chose à faire."""
    from ..evidence.proofstatus import proof_status
    from ..evidence.status import compute_status
    from ..evidence.status_text import render_status
    from ..evidence.verify import verify
    from ..facts import Facts

    profile = case.load().profile
    state = case.journal.read()
    facts = Facts.from_journal(state)
    now = now_paris()
    result = compute_status(profile, facts, now, case.root, verify(case), proof_status(case, state))
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_status(result, now.date()), nl=False)


@cli.command(name="verify")
@click.pass_obj
def verify_command(case: Case) -> None:
    """Vérifier que le journal et ses fichiers n'ont pas été modifiés."""
    from ..evidence.verify import verify

    report = verify(case)
    for problem in report.problems:
        click.echo(f"PROBLÈME : {problem}")
    for note in report.notes:
        click.echo(f"Note : {note}")
    if report.proven:  # proof: what each entry provably dates from (timestamps)
        click.echo("Dates prouvées par horodatage :")
        click.echo("\n".join(f"  {line}" for line in report.proven))
    verdict = "intact" if report.ok else "MODIFIÉ OU INCOMPLET"
    click.echo(
        f"Journal {verdict} : {report.entries} entrée(s), {report.files_checked} "
        "fichier(s) vérifié(s)."
    )
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier à créer (par défaut : dossier_AAAA-MM-JJ dans le dossier du cas).",
)
@click.option("--pdf", is_flag=True, help="Ajouter l'inventaire et la fiche de synthèse en PDF.")
@click.option(
    "--series",
    type=click.Choice(["week"]),
    help="week : une pièce par semaine pour les captures d'écran (série homogène).",
)
@click.pass_obj
def bundle(case: Case, output: Path | None, pdf: bool, series: str | None) -> None:
    """Préparer le dossier de pièces pour l'association ou le tribunal : une pièce PDF par
    fichier, numérotée à partir de 1, prête pour Télérecours citoyens."""
    from ..evidence.bundle import write_bundle

    dossier = write_bundle(case, output, pdf=pdf, series=series == "week")
    warn(dossier.warnings)
    click.echo(f"Dossier prêt : {dossier.folder} ({len(dossier.files)} fichiers).")
    for path in dossier.files:
        click.echo(f"  {path.relative_to(dossier.folder)}")
