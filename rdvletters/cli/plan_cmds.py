"""Commands on the weeks ahead: plan (this week), agenda (a calendar file), stats."""

from __future__ import annotations

from pathlib import Path

import click

from ..case import Case
from ..frdates import now_paris
from ..i18n import N_, _, ngettext
from .app import cli
from .translated import PathType, option


@cli.command(
    short_help=N_("Le plan de la semaine : quand essayer, le courriel, la suite."),
    help=N_(
        "Le plan de la semaine : les essais à faire et à quelle heure (jours et heures que "
        "le journal n'a pas encore couverts), le jour du courriel, puis la suite datée "
        "(lettre, délai, Défenseur des droits, juge)."
    ),
)
@click.pass_obj
def plan(case: Case) -> None:
    from ..facts import Facts
    from ..reminders.plan import make_plan
    from ..reminders.plan_text import render

    profile = case.load().profile
    facts = Facts.from_journal(case.journal.read())
    click.echo(render(make_plan(profile, facts, now_paris(), case.root)), nl=False)


@cli.command(
    short_help=N_("Écrire l'agenda des semaines à venir (fichier .ics)."),
    help=N_(
        "Écrire l'agenda des quatre semaines à venir et de chaque échéance au format "
        "iCalendar (.ics), à importer dans l'agenda du téléphone ; un agenda de rdvletters "
        "déjà écrit à cet endroit est remplacé, et son import met à jour les événements."
    ),
)
@option(
    "--ics",
    "ics",
    required=True,
    type=PathType(dir_okay=False, path_type=Path),
    metavar=N_("FICHIER"),
    help=N_("Le fichier à écrire, par exemple agenda.ics."),
)
@click.pass_obj
def agenda(case: Case, ics: Path) -> None:
    from ..facts import Facts
    from ..reminders.agenda import case_calendar, write_ics

    profile = case.load().profile
    facts = Facts.from_journal(case.journal.read())
    data = case_calendar(case.root, profile, facts, now_paris())
    replaced = write_ics(ics, data)
    count = data.count(b"BEGIN:VEVENT")
    said = (
        _("Agenda mis à jour : {path} ({n} événements).")
        if replaced
        else _("Agenda écrit : {path} ({n} événements).")
    )
    click.echo(said.format(path=ics, n=count))
    if cancelled := data.count(b"STATUS:CANCELLED"):
        click.echo(
            ngettext(
                "Dont {n} marqué annulé (une démarche faite, ou ce qu'un rendez-vous ou "
                "l'enregistrement de la demande a rendu sans objet) : votre agenda le retire.",
                "Dont {n} marqués annulés (des démarches faites, ou ce qu'un rendez-vous ou "
                "l'enregistrement de la demande a rendu sans objet) : votre agenda les retire.",
                cancelled,
            ).format(n=cancelled)
        )
    click.echo(
        _(
            "Importez-le dans votre agenda ; refaites-le après chaque démarche notée : les "
            "mêmes événements sont mis à jour. Il ne contient que votre prénom, mais un agenda "
            "synchronisé passe par le service de votre téléphone ou de votre messagerie."
        )
    )


@cli.command(
    short_help=N_("Statistiques partageables d'un dossier de dossiers (anonymes)."),
    help=N_(
        "Par préfecture (département), voie et semaine ISO : le nombre de démarches et de "
        "démarches justifiées des dossiers d'un dossier de bénévole, sans rien qui "
        "identifie une personne. Une case n'est publiée que si au moins 5 dossiers y "
        "figurent ; sinon les voies sont réunies, ou la case est écartée (le compte en est "
        "donné)."
    ),
)
@option(
    "--export",
    "do_export",
    is_flag=True,
    required=True,
    help=N_("Produire le fichier à partager (CSV)."),
)
@option(
    "--cases",
    "cases_dir",
    required=True,
    type=PathType(file_okay=False, exists=True, path_type=Path),
    metavar=N_("DOSSIER"),
    help=N_("Le dossier qui contient un sous-dossier par personne."),
)
@option(
    "-o",
    "--output",
    type=PathType(dir_okay=False, path_type=Path),
    help=N_("Écrire dans ce fichier (jamais écrasé) ; sinon à l'écran."),
)
def stats(do_export: bool, cases_dir: Path, output: Path | None) -> None:
    from ..fsutil import write_new
    from ..sharedstats import export, to_csv

    result = export(cases_dir)
    text = to_csv(result)
    if output is not None:
        write_new(output, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)
    said = [
        ngettext("{n} dossier lu", "{n} dossiers lus", result.cases_read).format(
            n=result.cases_read
        ),
        ngettext("{n} case publiée", "{n} cases publiées", len(result.rows)).format(
            n=len(result.rows)
        ),
        ngettext(
            "{n} case de moins de {k} dossiers fusionnée (voies réunies)",
            "{n} cases de moins de {k} dossiers fusionnées (voies réunies)",
            result.merged,
        ).format(n=result.merged, k=result.k),
        ngettext(
            "{n} case de moins de {k} dossiers écartée ({a} démarches non comptées)",
            "{n} cases de moins de {k} dossiers écartées ({a} démarches non comptées)",
            result.dropped,
        ).format(n=result.dropped, k=result.k, a=result.dropped_attempts),
    ]
    if result.cases_skipped:
        said.append(
            ngettext(
                "{n} dossier illisible laissé de côté",
                "{n} dossiers illisibles laissés de côté",
                result.cases_skipped,
            ).format(n=result.cases_skipped)
        )
    click.echo(
        _("k-anonymat (k = {k}) : {said}.").format(k=result.k, said=" ; ".join(said)), err=True
    )
    if output is not None:
        click.echo(_("Écrit : {path}").format(path=output), err=True)
