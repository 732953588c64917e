"""Commands on the case and its journal: init, check, record, sent, correct, log, repair."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..case import EXAMPLES, Case
from ..channels import CHANNELS, label
from ..corrections import correct_entry
from ..errors import InputError
from ..frdates import now_paris
from ..i18n import N_, _, ngettext
from ..stepfields import announced_date
from .app import cli, command_name, confirm_date_option, interactive, proof_option, warn
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


@cli.command(
    short_help=N_("Créer le dossier d'une personne (profil à remplir)."),
    help=N_("Créer le dossier d'une personne avec un profil commenté à remplir."),
)
@argument(
    "folder",
    required=False,
    metavar=N_("[DOSSIER]"),
    type=PathType(file_okay=False, path_type=Path),
)
@option(
    "--example",
    is_flag=False,
    flag_value="rdv",
    default=None,
    metavar="[rdv|anef]",
    help=N_("Remplir avec un cas fictif : rdv (par défaut) ou anef (renouvellement sur l'ANEF)."),
)
@option(
    "--timestamps/--no-timestamps",
    "timestamps",
    default=None,
    help=N_(
        "Faire dater chaque démarche, dès qu'elle est notée, par deux autorités "
        "d'horodatage indépendantes (sans cette option, la question est posée)."
    ),
)
@click.pass_obj
def init(case: Case, folder: Path | None, example: str | None, timestamps: bool | None) -> None:
    if example is not None and example not in EXAMPLES and folder is None:
        example, folder = "rdv", Path(example)  # « init --example DOSSIER »
    case = Case(folder) if folder else case
    created = case.init(example=example)
    click.echo(_("Dossier prêt : {folder}").format(folder=case.root))
    for path in created[:3]:
        click.echo(f"  {path}")
    _ask_timestamps(case, timestamps, example is not None)
    me = command_name()
    if example is not None:  # a fictitious case is filled in already: look around it
        pieces = sum(1 for p in created if p.parent == case.pieces)
        click.echo(
            ngettext(
                "Profil, journal et {count} pièce copiés.",
                "Profil, journal et {count} pièces copiés.",
                pieces,
            ).format(count=pieces)
        )
        click.echo(
            _("Cas fictif, déjà rempli. Pour le voir : {command} -C {folder} status").format(
                command=me, folder=case.root
            )
        )
        return
    click.echo(
        _("Étape suivante : remplissez {profile}, puis {command} -C {folder} check").format(
            profile=case.profile_path, command=me, folder=case.root
        )
    )


def _ask_timestamps(case: Case, answer: bool | None, example: bool) -> None:
    """Asked once, here: then every entry is timestamped as soon as it is written."""
    from ..evidence.proofs.tsa_settings import set_automatic

    if answer is None and not example and interactive():
        click.echo(
            _(
                "Un juge pèse qui a daté une preuve : une date donnée par une autorité "
                "d'horodatage indépendante compte plus que celle de votre ordinateur ou du "
                "fichier. Seule une empreinte (SHA-256) du journal est envoyée, jamais son "
                "contenu ni votre nom."
            )
        )
        answer = click.confirm(
            _("Faire dater chaque démarche par deux autorités d'horodatage indépendantes ?"),
            default=True,
        )
    if answer is None:
        if not example:
            click.echo(
                _(
                    "Horodatage automatique non activé ; pour l'activer : rdvletters init "
                    "--timestamps, ou « horodatage: auto » dans {file}."
                ).format(file=case.root / "horodatage.yaml")
            )
        return
    path = set_automatic(case, answer)
    if answer:
        click.echo(
            _(
                "Horodatage automatique activé ({path}) : chaque entrée sera datée par deux "
                "autorités indépendantes dès qu'elle est notée."
            ).format(path=path)
        )


@cli.command(help=N_("Vérifier le profil : ce qui manque ou ne va pas."))
@click.pass_obj
def check(case: Case) -> None:
    from ..court.status import renewal_alerts
    from ..facts import Facts
    from ..renewal import case_renewal

    loaded = case.load()
    warn(loaded.warnings)
    state = case.journal.read()
    if state.torn is not None:
        warn(
            [
                _("journal, ligne {line} : ligne incomplète (rdvletters repair).").format(
                    line=state.torn_line
                )
            ]
        )
    today = now_paris().date()
    warn(renewal_alerts(case_renewal(loaded.profile, Facts.from_journal(state), today)))
    d = loaded.profile.demandeur
    count = len(state.entries)
    click.echo(
        ngettext(
            "Profil valide : {name}, situation « {situation} », {count} entrée au journal.",
            "Profil valide : {name}, situation « {situation} », {count} entrées au journal.",
            count,
        ).format(name=d.nom_complet, situation=loaded.profile.situation, count=count)
    )
    _check_smtp(case)


def _check_smtp(case: Case) -> None:
    """Validate ``smtp.yaml`` too when there is one: a bad address is better found now."""
    from ..delivery.sending import config_warnings, find_config, load_config

    path = find_config(case)
    if path is not None:
        warn(config_warnings(load_config(case)))
        click.echo(_("Réglages d'envoi valides : {path}").format(path=path))


@cli.command(
    help=N_(
        "Noter une démarche. CANAL : web, email, counter, phone, letter, anef, ccc, pan, "
        "ds (demande préalable sur Démarches simplifiées), defenseur, reply, appointment, "
        "ar (avis de réception : --at, la date signée sur l'avis), attestation (de témoin), "
        "registration (demande enregistrée)."
    )
)
@argument("channel", metavar=N_("CANAL"), type=click.Choice(list(CHANNELS)))
@option(
    "--at",
    "at",
    metavar=N_("DATE"),
    help=N_(
        'Date et heure : "2026-11-20 09:15" ; "capture" : celle du justificatif '
        "(par défaut : maintenant, ou la date du courriel .eml)."
    ),
)
@option(
    "--message",
    "-m",
    default="",
    metavar=N_("TEXTE"),
    help=N_("Ce qui s'est passé, ou le message affiché."),
)
@proof_option(N_("Justificatif (capture d'écran, courriel…) ; copié dans pieces/."))
@option("--witness", metavar=N_("NOM"), help=N_("Nom du témoin (présentation au guichet)."))
@option(
    "--reference",
    metavar=N_("RÉFÉRENCE"),
    help=N_(
        "Numéro de demande du centre de contact citoyens, identifiant ANEF ou code "
        "d'erreur, référence d'une réponse."
    ),
)
@option(
    "--tracking",
    metavar=N_("NUMÉRO"),
    help=N_(
        "Avec letter : numéro de la preuve de dépôt La Poste ; la lettre compte alors comme "
        "la lettre recommandée avec avis de réception."
    ),
)
@option(
    "--announced",
    metavar=N_("DATE"),
    help=N_(
        "Date annoncée par l'administration (une réponse qui promet une date, le jour d'une "
        "convocation) : AAAA-MM-JJ. Le plan de la semaine attend cette date avant de relancer."
    ),
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
    tracking: str | None,
    announced: str | None,
    confirm_date: bool,
) -> None:
    route = case.load().profile.situation
    extra = announced_date(announced or "", channel)
    case.check_proofs(list(proofs))
    from .proof_cmds import record_inputs  # dates read from the proof files

    if channel == "ar":
        at = _receipt_date(at)
    when, message = record_inputs(
        channel, at, message, list(proofs), lambda text: case.when(text, confirm_date)
    )
    entry = case.record(
        channel, when, message, list(proofs), witness, reference, extra=extra, tracking=tracking
    )
    if channel == "ar":
        click.echo(
            _(
                "Entrée n° {n} : avis de réception signé le {date}, la date inscrite sur l'avis "
                "(les délais de votre lettre courent de ce jour)."
            ).format(n=entry.n, date=f"{entry.when:%d/%m/%Y}")
        )
        return
    said = {
        "n": entry.n,
        "channel": _(label(channel, route)),  # the label is in the catalog
        "when": f"{entry.when:%d/%m/%Y %H:%M}",
        "count": len(proofs),
    }
    if proofs:
        click.echo(
            ngettext(
                "Entrée n° {n} : {channel}, {when}, {count} justificatif copié.",
                "Entrée n° {n} : {channel}, {when}, {count} justificatifs copiés.",
                len(proofs),
            ).format(**said)
        )
    else:
        click.echo(_("Entrée n° {n} : {channel}, {when}.").format(**said))


_DAY_ONLY = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})\s*$")
RECEIPT_NOON = "12:00"  # a card carries a day, not an hour: noon, never shown


def _receipt_date(at: str | None) -> str:
    """The day signed on the avis de réception, as ``--at`` gives it or as the person
    types it when asked: that day, not the day it is noted, is when the letter was
    received (the delay asked of the préfet runs from it)."""
    if at is not None and at.strip().lower() == "capture":
        raise InputError(
            _(
                "--at capture : la date d'une photo de l'avis n'est pas celle de sa signature ; "
                "indiquez la date inscrite sur l'avis, par exemple --at 2026-11-20."
            )
        )
    if at is None:
        if not interactive():
            raise InputError(
                _(
                    "indiquez la date de signature inscrite sur l'avis de réception, par exemple "
                    "--at 2026-11-20 : c'est de ce jour que courent les délais de votre lettre."
                )
            )
        at = click.prompt(
            _("Date de signature inscrite sur l'avis de réception (AAAA-MM-JJ ou JJ/MM/AAAA)")
        )
    if not _DAY_ONLY.match(at):
        return at
    now = now_paris()
    noon = f"{at.strip()} {RECEIPT_NOON}"
    signed_today = at.strip() in (f"{now:%Y-%m-%d}", f"{now:%d/%m/%Y}")
    return f"{at.strip()} {now:%H:%M}" if signed_today and now.hour < 12 else noon


@cli.command(help=N_("Noter que le document préparé n° N est parti."))
@argument("number", metavar="N", type=INTEGER)
@option(
    "--at",
    "at",
    metavar=N_("DATE"),
    help=N_("Date et heure de l'envoi (défaut : maintenant)."),
)
@option(
    "--tracking",
    metavar=N_("NUMÉRO"),
    help=N_("Numéro de la preuve de dépôt La Poste (1A 123 456 7890 1)."),
)
@proof_option(N_("Preuve de dépôt, copie du courriel envoyé… ; copiée dans pieces/."))
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
    case.check_proofs(list(proofs))
    entry = case.record_sent(number, case.when(at, confirmed=confirm_date), tracking, list(proofs))
    if entry.data["document"] == "lettre" and not tracking:
        warn([_("notez le numéro de suivi de la lettre (--tracking) : c'est votre preuve.")])
    click.echo(
        _("Entrée n° {n} : document n° {number} envoyé le {date} à {time}.").format(
            n=entry.n, number=number, date=f"{entry.when:%d/%m/%Y}", time=f"{entry.when:%H:%M}"
        )
    )


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
