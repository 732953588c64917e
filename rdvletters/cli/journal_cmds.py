"""Commands on the journal itself: log, correct, repair (never by rewriting it)."""

from __future__ import annotations

from pathlib import Path

import click

from ..case import Case
from ..channels import CHANNELS
from ..corrections import correct_entry
from ..frdates import now_paris
from ..i18n import N_, _, ngettext
from .app import cli, confirm_date_option, warn
from .translated import INTEGER, PathType, argument, option

# journal field -> its name in a message (the journal keeps the French keys)
FIELDS = {
    "date": N_("date"),
    "canal": N_("canal"),
    "description": N_("message"),
    "temoin": N_("témoin"),
    "reference": N_("référence"),
    "suivi": N_("numéro de suivi"),
    "date_annoncee": N_("date annoncée"),
}


@cli.command(help=N_("Afficher le journal des démarches (--csv pour un tableur)."))
@option("--csv", "as_csv", is_flag=True, help=N_("Au format CSV (tableur)."))
@option(
    "-o",
    "--output",
    type=PathType(dir_okay=False, path_type=Path),
    help=N_("Écrire dans ce fichier (jamais écrasé)."),
)
@click.pass_obj
def log(case: Case, as_csv: bool, output: Path | None) -> None:
    from ..evidence import logtable
    from ..fsutil import write_new
    from ..journal import Lines

    case.require()
    lines = Lines(case.journal.path)
    marks = logtable.corrections(case.journal)
    if as_csv:  # a file for a spreadsheet, kept French like the journal it exports
        rows = logtable.rows(case.journal.entries(lines), marks, route=case.route())
        chunks = logtable.csv_chunks(rows)
    else:  # the table on screen: its words in the interface language
        table = logtable.rows(case.journal.entries(lines), marks, say=_, route=case.route())
        chunks = logtable.table_chunks(table, case.journal.tail().last_n, say=_)
    if output:
        write_new(output, chunks)
        click.echo(_("Écrit : {path}").format(path=output))
    else:
        for chunk in chunks:  # the table as text: the console layer adapts it (Windows)
            click.echo(chunk if as_csv else chunk.decode("utf-8"), nl=False)
    if lines.torn_line is not None:
        warn(
            [
                _(
                    "{path}, ligne {line} : ligne incomplète, non affichée "
                    "(rdvletters repair la met de côté)."
                ).format(path=case.journal.path, line=lines.torn_line)
            ]
        )


@cli.command(
    short_help=N_("Corriger ou retirer l'entrée n° N (par une entrée de plus)."),
    help=N_(
        "Corriger l'entrée n° N (date, message, témoin…) ou la retirer, sans réécrire le "
        "journal : la correction est ajoutée, et tous les documents en tiennent compte."
    ),
)
@argument("number", metavar="N", type=INTEGER)
@option("--at", "at", metavar=N_("DATE"), help=N_('La bonne date et heure : "2026-11-20 09:15".'))
@option(
    "--channel",
    metavar=N_("CANAL"),
    type=click.Choice(list(CHANNELS)),
    help=N_("Le bon canal (une démarche notée sous le mauvais canal)."),
)
@option(
    "--message",
    "-m",
    metavar=N_("TEXTE"),
    help=N_("Le bon message (remplace celui de l'entrée)."),
)
@option("--witness", metavar=N_("NOM"), help=N_("Le bon nom du témoin (présentation au guichet)."))
@option("--reference", metavar=N_("RÉFÉRENCE"), help=N_("La bonne référence (CCC, ANEF, réponse)."))
@option(
    "--tracking",
    metavar=N_("NUMÉRO"),
    help=N_("Le bon numéro de suivi de la lettre recommandée."),
)
@option(
    "--announced",
    metavar=N_("DATE"),
    help=N_(
        "La date annoncée par la préfecture (une réponse ou une convocation) : "
        "AAAA-MM-JJ ou JJ/MM/AAAA."
    ),
)
@option("--withdraw", is_flag=True, help=N_("Retirer l'entrée (notée par erreur, en double…)."))
@option(
    "--reason",
    metavar=N_("TEXTE"),
    help=N_("Pourquoi : obligatoire avec --withdraw ; reste au journal."),
)
@confirm_date_option
@click.pass_obj
def correct(
    case: Case,
    number: int,
    at: str | None,
    channel: str | None,
    message: str | None,
    witness: str | None,
    reference: str | None,
    tracking: str | None,
    announced: str | None,
    withdraw: bool,
    reason: str | None,
    confirm_date: bool,
) -> None:
    when = case.when(at, confirmed=confirm_date) if at is not None else None
    entry = correct_entry(
        case,
        number,
        when=when,
        message=message,
        witness=witness,
        reference=reference,
        tracking=tracking,
        announced=announced,
        withdraw=withdraw,
        reason=reason,
        channel=channel,
    )
    if withdraw:
        done = _("Entrée n° {n} : l'entrée n° {number} est retirée (motif : {reason}).")
    else:
        done = _("Entrée n° {n} : l'entrée n° {number} est corrigée ({fields}).")
    fields = ", ".join(_(FIELDS[k]) for k in entry.data.get("valeurs", {}) if k in FIELDS)
    click.echo(done.format(n=entry.n, number=number, reason=entry.data.get("motif"), fields=fields))
    click.echo(_("Le journal garde les deux ; rdvletters log les montre."))


@cli.command(
    short_help=N_("Mettre de côté les lignes du journal qu'il ne peut plus lire."),
    help=N_(
        "Mettre de côté une dernière ligne incomplète (écriture interrompue) et les lignes "
        "illisibles du journal : chacune est gardée, copiée dans un fichier à part."
    ),
)
@click.pass_obj
def repair(case: Case) -> None:
    side = case.journal.set_aside_torn_line()
    if side is not None:
        click.echo(
            _(
                "Ligne incomplète mise de côté dans {path} ; les entrées complètes sont intactes."
            ).format(path=side)
        )
    aside = case.journal.set_aside_unusable(now_paris().strftime("%Y%m%d-%H%M%S"))
    if aside is not None:
        copy, lines = aside
        click.echo(
            ngettext(
                "Ligne {lines} illisible mise de côté : elle reste dans le journal, qui la "
                "passe désormais ; copie dans {path}. Notez à nouveau la démarche si elle a "
                "eu lieu (rdvletters record).",
                "Lignes {lines} illisibles mises de côté : elles restent dans le journal, qui "
                "les passe désormais ; copie dans {path}. Notez à nouveau les démarches qui "
                "ont eu lieu (rdvletters record).",
                len(lines),
            ).format(lines=", ".join(map(str, lines)), path=copy)
        )
    if side is None and aside is None:
        click.echo(_("Le journal est intact : rien à réparer."))
