"""Commands on the case and its journal: init, check, record, sent, correct, log, repair."""

from __future__ import annotations

from pathlib import Path

import click

from ..case import EXAMPLES, Case
from ..channels import CHANNELS
from ..frdates import now_paris
from ..wording import nombre
from .app import cli, confirm_date_option, proof_option, warn


@cli.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--example",
    is_flag=False,
    flag_value="rdv",
    default=None,
    metavar="[rdv|anef]",
    help="Remplir avec un cas fictif : rdv (par défaut) ou anef (renouvellement sur l'ANEF).",
)
@click.pass_obj
def init(case: Case, folder: Path | None, example: str | None) -> None:
    """Créer le dossier d'une personne avec un profil commenté à remplir."""
    if example is not None and example not in EXAMPLES and folder is None:
        example, folder = "rdv", Path(example)  # « init --example DOSSIER »
    case = Case(folder) if folder else case
    created = case.init(example=example)
    click.echo(f"Dossier prêt : {case.root}")
    for path in created[:3]:
        click.echo(f"  {path}")
    click.echo(
        f"Étape suivante : remplissez {case.profile_path}, puis rdvletters -C {case.root} check"
    )


@cli.command()
@click.pass_obj
def check(case: Case) -> None:
    """Vérifier le profil : ce qui manque ou ne va pas."""
    from ..evidence.status import renewal_alerts
    from ..facts import Facts
    from ..renewal import case_renewal

    loaded = case.load()
    warn(loaded.warnings)
    state = case.journal.read()
    if state.torn is not None:
        warn([f"journal, ligne {state.torn_line} : ligne incomplète (rdvletters repair)."])
    today = now_paris().date()
    warn(renewal_alerts(case_renewal(loaded.profile, Facts.from_journal(state), today)))
    d = loaded.profile.demandeur
    click.echo(
        f"Profil valide : {d.nom_complet}, situation « {loaded.profile.situation} », "
        f"{nombre(len(state.entries), 'entrée')} au journal."
    )
    _check_smtp(case)


def _check_smtp(case: Case) -> None:
    """Validate ``smtp.yaml`` too when there is one: a bad address is better found now."""
    from ..delivery.sending import config_warnings, find_config, load_config

    path = find_config(case)
    if path is not None:
        warn(config_warnings(load_config(case)))
        click.echo(f"Réglages d'envoi valides : {path}")


@cli.command()
@click.argument("channel", metavar="CANAL", type=click.Choice(list(CHANNELS)))
@click.option(
    "--at",
    "at",
    metavar="DATE",
    help='Date et heure : "2026-11-20 09:15" ; "capture" : celle du justificatif '
    "(par défaut : maintenant, ou la date du courriel .eml).",
)
@click.option("--message", "-m", default="", help="Ce qui s'est passé, ou le message affiché.")
@proof_option("Justificatif (capture d'écran, courriel…) ; copié dans pieces/.")
@click.option("--witness", help="Nom du témoin (présentation au guichet).")
@click.option(
    "--reference",
    help="Numéro de demande du centre de contact citoyens, identifiant ANEF ou code "
    "d'erreur, référence d'une réponse.",
)
@confirm_date_option
@click.pass_obj
def record(
    case: Case,
    channel: str,
    at: str | None,
    message: str,
    proofs: tuple[Path, ...],
    witness: str | None,
    reference: str | None,
    confirm_date: bool,
) -> None:
    """Noter une démarche. CANAL : web, email, counter, phone, letter, anef, ccc, pan,
    defenseur, reply, appointment, ar (avis de réception), attestation (de témoin)."""
    case.load()
    case.check_proofs(list(proofs))
    from .proof_cmds import record_inputs  # dates read from the proof files

    when, message = record_inputs(
        channel, at, message, list(proofs), lambda text: case.when(text, confirm_date)
    )
    entry = case.record(channel, when, message, list(proofs), witness, reference)
    copied = f", {nombre(len(proofs), 'justificatif copié', 'justificatifs copiés')}"
    click.echo(
        f"Entrée n° {entry.n} : {CHANNELS[channel]}, {entry.when:%d/%m/%Y %H:%M}"
        f"{copied if proofs else ''}."
    )


@cli.command()
@click.argument("number", metavar="N", type=int)
@click.option("--at", "at", metavar="DATE", help="Date et heure de l'envoi (défaut : maintenant).")
@click.option("--tracking", help="Numéro de la preuve de dépôt La Poste (1A 123 456 7890 1).")
@proof_option("Preuve de dépôt, copie du courriel envoyé… ; copiée dans pieces/.")
@confirm_date_option
@click.pass_obj
def sent(
    case: Case,
    number: int,
    at: str | None,
    tracking: str | None,
    proofs: tuple[Path, ...],
    confirm_date: bool,
) -> None:
    """Noter que le document préparé n° N est parti."""
    case.check_proofs(list(proofs))
    entry = case.record_sent(number, case.when(at, confirmed=confirm_date), tracking, list(proofs))
    if entry.data["document"] == "lettre" and not tracking:
        warn(["notez le numéro de suivi de la lettre (--tracking) : c'est votre preuve."])
    click.echo(
        f"Entrée n° {entry.n} : document n° {number} envoyé le {entry.when:%d/%m/%Y à %H:%M}."
    )
    from ..evidence.timestamp import after_step  # proof: automatic timestamp (horodatage: auto)

    if note := after_step(case):
        click.echo(note)


@cli.command()
@click.option("--csv", "as_csv", is_flag=True, help="Au format CSV (tableur).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrire dans ce fichier (jamais écrasé).",
)
@click.pass_obj
def log(case: Case, as_csv: bool, output: Path | None) -> None:
    """Afficher le journal des démarches (--csv pour un tableur)."""
    from ..evidence import logtable
    from ..fsutil import write_new_chunks
    from ..journal import Lines

    lines = Lines(case.journal.path)
    table = logtable.rows(case.journal.entries(lines), logtable.corrections(case.journal))
    if as_csv:
        chunks = logtable.csv_chunks(table)
    else:
        chunks = logtable.table_chunks(table, case.journal.tail().last_n)
    if output:
        write_new_chunks(output, chunks)
        click.echo(f"Écrit : {output}")
    else:
        for chunk in chunks:  # the table as text: the console layer adapts it (Windows)
            click.echo(chunk if as_csv else chunk.decode("utf-8"), nl=False)
    if lines.torn_line is not None:
        warn(
            [
                f"{case.journal.path}, ligne {lines.torn_line} : ligne incomplète, non affichée "
                "(rdvletters repair la met de côté)."
            ]
        )


@cli.command()
@click.argument("number", metavar="N", type=int)
@click.option("--at", "at", metavar="DATE", help='La bonne date et heure : "2026-11-20 09:15".')
@click.option("--message", "-m", help="Le bon message (remplace celui de l'entrée).")
@click.option("--witness", help="Le bon nom du témoin (présentation au guichet).")
@click.option("--reference", help="La bonne référence (CCC, ANEF, réponse).")
@click.option("--tracking", help="Le bon numéro de suivi de la lettre recommandée.")
@click.option("--withdraw", is_flag=True, help="Retirer l'entrée (notée par erreur, en double…).")
@click.option("--reason", help="Pourquoi : obligatoire avec --withdraw ; reste au journal.")
@confirm_date_option
@click.pass_obj
def correct(
    case: Case,
    number: int,
    at: str | None,
    message: str | None,
    witness: str | None,
    reference: str | None,
    tracking: str | None,
    withdraw: bool,
    reason: str | None,
    confirm_date: bool,
) -> None:
    """Corriger l'entrée n° N (date, message, témoin…) ou la retirer, sans réécrire le
    journal : la correction est ajoutée, et tous les documents en tiennent compte."""
    when = case.when(at, confirmed=confirm_date) if at is not None else None
    entry = case.correct(
        number,
        when=when,
        message=message,
        witness=witness,
        reference=reference,
        tracking=tracking,
        withdraw=withdraw,
        reason=reason,
    )
    from ..evidence.logtable import CHANGED

    if withdraw:
        done = f"retirée (motif : {entry.data['motif']})"
    else:
        done = f"corrigée ({', '.join(CHANGED[k] for k in entry.data['valeurs'] if k in CHANGED)})"
    click.echo(f"Entrée n° {entry.n} : l'entrée n° {number} est {done}.")
    click.echo("Le journal garde les deux ; rdvletters log les montre.")


@cli.command()
@click.pass_obj
def repair(case: Case) -> None:
    """Mettre de côté une dernière ligne du journal incomplète (écriture interrompue)."""
    side = case.journal.set_aside_torn_line()
    if side is None:
        click.echo("Le journal est intact : rien à réparer.")
    else:
        click.echo(
            f"Ligne incomplète mise de côté dans {side} ; les entrées complètes sont intactes."
        )
