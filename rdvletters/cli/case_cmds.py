"""Commands on the case and its steps: init, check, record, sent."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..case import EXAMPLES, Case
from ..channels import CHANNELS, label
from ..errors import InputError
from ..frdates import now_paris
from ..i18n import N_, _, ngettext
from ..stepfields import announced_date
from .app import cli, command_name, confirm_date_option, interactive, proof_option, warn
from .translated import INTEGER, PathType, argument, option


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
