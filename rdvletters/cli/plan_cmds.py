"""Commands on the weeks ahead: plan (this week), agenda (a calendar file), stats."""

from __future__ import annotations

from pathlib import Path

import click

from ..case import Case
from ..frdates import now_paris
from ..i18n import N_, _
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
    click.echo(
        _(
            "Importez-le dans votre agenda ; refaites-le après chaque démarche notée : les "
            "mêmes événements sont mis à jour. Il ne contient que votre prénom, mais un agenda "
            "synchronisé passe par le service de votre téléphone ou de votre messagerie."
        )
    )
