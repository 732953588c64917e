"""Command line: parse, call the library, print. No logic of its own."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .case import Case
from .documents import Prepared, build_document, prepare
from .eml import mailto_link
from .errors import RdvError
from .frdates import now_paris, past_or_now
from .fsutil import write_new
from .journal import CHANNELS
from .logtable import to_csv, to_table


def _fail(error: RdvError) -> None:
    click.echo(f"Erreur : {error}", err=True)
    if error.hint:
        click.echo(f"Astuce : {error.hint}", err=True)
    sys.exit(error.exit_code)


class _FrenchHelp(click.HelpFormatter):
    """Help pages in French: click's own headings are English."""

    HEADINGS = {"Options": "Options", "Commands": "Commandes"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Utilisation : ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(self.HEADINGS.get(heading, heading))


class _FrenchHelpOption:
    """Mixin: the --help option described in French."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "Afficher cette aide."
        return option


class _Command(_FrenchHelpOption, click.Command):
    pass


class _Group(_FrenchHelpOption, click.Group):
    """Turns every expected failure into a French message and its exit code."""

    command_class = _Command

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except RdvError as error:
            _fail(error)


def _warn(messages: list[str]) -> None:
    for message in messages:
        click.echo(f"Attention : {message}", err=True)


def _proof_option(help_text: str):
    """``--proof FILE``, repeatable: files copied into pieces/ and hashed."""
    return click.option(
        "--proof",
        "proofs",
        multiple=True,
        help=help_text,
        type=click.Path(dir_okay=False, path_type=Path),
    )


def _when(text: str | None):
    return past_or_now(text, option="--at")


click.Context.formatter_class = _FrenchHelp


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Dossier de la personne (par défaut : le dossier courant).",
)
@click.version_option(__version__, message="rdvletters %(version)s", help="Afficher la version.")
@click.pass_context
def cli(ctx: click.Context, folder: Path) -> None:
    """Courriels, lettres recommandées et saisine du Défenseur des droits pour obtenir
    un rendez-vous en préfecture, avec le journal daté de chaque démarche."""
    ctx.obj = Case(folder)


@cli.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--example", is_flag=True, help="Remplir avec le cas fictif d'exemple.")
@click.pass_obj
def init(case: Case, folder: Path | None, example: bool) -> None:
    """Créer le dossier d'une personne avec un profil commenté à remplir."""
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
    loaded = case.load()
    _warn(loaded.warnings)
    state = case.journal.read()
    if state.torn is not None:
        _warn([f"journal, ligne {state.torn_line} : ligne incomplète (rdvletters repair)."])
    d = loaded.profile.demandeur
    click.echo(
        f"Profil valide : {d.nom_complet}, situation « {loaded.profile.situation} », "
        f"{len(state.entries)} entrée(s) au journal."
    )


@cli.command()
@click.argument("channel", metavar="CANAL", type=click.Choice(list(CHANNELS)))
@click.option(
    "--at",
    "at",
    metavar="DATE",
    help='Date et heure : "2026-11-20 09:15" (par défaut : maintenant).',
)
@click.option("--message", "-m", default="", help="Ce qui s'est passé, ou le message affiché.")
@_proof_option("Justificatif (capture d'écran, courriel…) ; copié dans pieces/.")
@click.option("--witness", help="Nom du témoin (présentation au guichet).")
@click.pass_obj
def record(
    case: Case,
    channel: str,
    at: str | None,
    message: str,
    proofs: tuple[Path, ...],
    witness: str | None,
) -> None:
    """Noter une démarche. CANAL : web, email, counter, phone, letter, anef, ccc, pan,
    defenseur, reply, appointment, ar (avis de réception), attestation (de témoin)."""
    case.load()
    entry = case.record(channel, _when(at), message, list(proofs), witness)
    click.echo(
        f"Entrée n° {entry.n} : {CHANNELS[channel]}, {entry.when:%d/%m/%Y %H:%M}"
        f"{f', {len(proofs)} justificatif(s) copié(s)' if proofs else ''}."
    )


def _generated(case: Case, kind: str, fmt: str, outline: bool = False) -> Prepared:
    prepared = prepare(case, kind, fmt, outline=outline)
    _warn(prepared.warnings)
    if fmt == "text" and kind == "courriel":
        click.echo(prepared.path.read_text(encoding="utf-8"))
    click.echo(f"Document préparé : {prepared.path} (entrée n° {prepared.entry.n}).")
    return prepared


def _after(case: Case, prepared: Prepared) -> None:
    tracking = ' --tracking "1A …"' if prepared.entry.data["document"] == "lettre" else ""
    click.echo(
        f"Une fois envoyé, notez-le : rdvletters -C {case.root} sent {prepared.entry.n}{tracking}"
    )


LETTER_FORMATS = click.Choice(["docx", "text", "pdf"])
OUTLINE_HELP = "Encadrer le bloc d'adresse, pour vérifier la position avec vos enveloppes."


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "eml"]),
    default="text",
    show_default=True,
    help="text : à copier ; eml : brouillon avec pièces jointes.",
)
@click.option(
    "--send",
    "send_now",
    is_flag=True,
    help="Envoyer par votre serveur SMTP (réglages dans smtp.yaml).",
)
@click.option("--yes", "-y", is_flag=True, help="Avec --send : ne pas demander confirmation.")
@click.option("--mailto", is_flag=True, help="Afficher un lien mailto: (sans pièces jointes).")
@click.pass_obj
def email(case: Case, fmt: str, send_now: bool, yes: bool, mailto: bool) -> None:
    """Préparer (ou envoyer) le courriel de la semaine au service des étrangers."""
    if mailto:
        document = build_document(case, "courriel", now_paris())[0]
        click.echo(mailto_link(document))
    elif send_now:
        _send_email(case, yes)
    else:
        _after(case, _generated(case, "courriel", fmt))


def _send_email(case: Case, yes: bool) -> None:
    from .sending import load_config, outgoing, record_delivery, send, stored_password

    config = load_config(case)
    prepared = _generated(case, "courriel", "eml")
    now = now_paris()
    message = outgoing(prepared.document, config, now)
    copy = message["Bcc"] or message["Cc"]
    click.echo(f"\nDe : {message['From']}\nÀ : {message['To']}\nCopie à : {copy or '-'}")
    click.echo(f"Objet : {message['Subject']}\n\n{message.get_body().get_content()}")
    for part in message.iter_attachments():
        click.echo(f"Pièce jointe : {part.get_filename()}")
    if not yes and not click.confirm("Envoyer ce courriel maintenant ?", default=False):
        click.echo("Rien n'a été envoyé ; le brouillon reste dans documents/.")
        return
    password = stored_password(config)
    if password is None and config.utilisateur:
        password = click.prompt(f"Mot de passe de {config.utilisateur}", hide_input=True)
    delivery = send(message, config, password)
    entry = record_delivery(case, prepared.entry, delivery, now)
    click.echo(f"Envoyé : {delivery.reply} ; Message-ID {delivery.message_id}.")
    click.echo(f"Noté au journal (entrée n° {entry.n}) ; copie exacte : {entry.data['fichier']}.")


@cli.command()
@click.option("--format", "fmt", type=LETTER_FORMATS, default="docx", show_default=True)
@click.option("--window-outline", is_flag=True, help=OUTLINE_HELP)
@click.pass_obj
def letter(case: Case, fmt: str, window_outline: bool) -> None:
    """Préparer la lettre recommandée avec accusé de réception au préfet."""
    _after(case, _generated(case, "lettre", fmt, window_outline))


@cli.command()
@click.option("--format", "fmt", type=LETTER_FORMATS, default="docx", show_default=True)
@click.option("--window-outline", is_flag=True, help=OUTLINE_HELP)
@click.pass_obj
def referral(case: Case, fmt: str, window_outline: bool) -> None:
    """Préparer la saisine du délégué du Défenseur des droits."""
    _after(case, _generated(case, "saisine", fmt, window_outline))


@cli.command()
@click.argument("number", metavar="N", type=int)
@click.option("--at", "at", metavar="DATE", help="Date et heure de l'envoi (défaut : maintenant).")
@click.option("--tracking", help="Numéro de la preuve de dépôt La Poste (1A 123 456 7890 1).")
@_proof_option("Preuve de dépôt, copie du courriel envoyé… ; copiée dans pieces/.")
@click.pass_obj
def sent(
    case: Case, number: int, at: str | None, tracking: str | None, proofs: tuple[Path, ...]
) -> None:
    """Noter que le document préparé n° N est parti."""
    entry = case.record_sent(number, _when(at), tracking, list(proofs))
    if entry.data["document"] == "lettre" and not tracking:
        _warn(["notez le numéro de suivi de la lettre (--tracking) : c'est votre preuve."])
    click.echo(
        f"Entrée n° {entry.n} : document n° {number} envoyé le {entry.when:%d/%m/%Y à %H:%M}."
    )


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
    state = case.journal.read()
    if state.torn is not None:
        _warn(
            [
                f"{case.journal.path}, ligne {state.torn_line} : ligne incomplète, non affichée "
                "(rdvletters repair la met de côté)."
            ]
        )
    data = to_csv(state) if as_csv else (to_table(state) + "\n").encode("utf-8")
    if output:
        write_new(output, data)
        click.echo(f"Écrit : {output}")
    elif as_csv:
        click.get_binary_stream("stdout").write(data)
    else:
        click.echo(data.decode("utf-8"), nl=False)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Les mêmes faits en JSON, pour un script.")
@click.pass_obj
def status(case: Case, as_json: bool) -> None:
    """Où en êtes-vous ? Les semaines, les étapes, la prochaine chose à faire."""
    from .facts import Facts
    from .status import compute_status, render_status
    from .verify import verify

    profile = case.load().profile
    facts = Facts.from_journal(case.journal.read())
    result = compute_status(profile, facts, now_paris(), verify(case))
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        renewal = profile.demande.nature == "renouvellement"
        click.echo(render_status(result, renewal, profile.seuils.tentatives_par_semaine), nl=False)


@cli.command(name="verify")
@click.pass_obj
def verify_command(case: Case) -> None:
    """Vérifier que le journal et ses fichiers n'ont pas été modifiés."""
    from .verify import verify

    report = verify(case)
    for problem in report.problems:
        click.echo(f"PROBLÈME : {problem}")
    for note in report.notes:
        click.echo(f"Note : {note}")
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
@click.option("--pdf", is_flag=True, help="Ajouter l'inventaire et la chronologie en PDF.")
@click.pass_obj
def bundle(case: Case, output: Path | None, pdf: bool) -> None:
    """Préparer le dossier de pièces pour l'association ou le tribunal."""
    from .bundle import write_bundle

    written = write_bundle(case, output, pdf=pdf)
    click.echo(f"Dossier prêt : {written[0].parent} ({len(written)} fichiers).")
    for path in written:
        click.echo(f"  {path.name}")


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


def _usage_message(exc: click.UsageError) -> str:
    """click's usage errors, said in French."""
    hint = exc.param.get_error_hint(exc.ctx) if getattr(exc, "param", None) and exc.ctx else ""
    if isinstance(exc, click.NoSuchOption):
        return f"option inconnue : {exc.option_name}"
    if isinstance(exc, click.MissingParameter):
        return f"il manque {hint or 'un argument'}"
    if isinstance(exc, click.BadParameter):
        choices = getattr(getattr(exc.param, "type", None), "choices", None)
        if choices:
            return f"valeur invalide pour {hint} ; valeurs possibles : {', '.join(choices)}"
        return f"valeur invalide pour {hint or 'une option'} ({exc.message})"
    return exc.format_message()


def main() -> None:
    """Entry point: French messages for usage errors; expected failures are handled in
    ``_Group``; anything else is a bug, reported without a traceback."""
    try:
        result = cli.main(prog_name="rdvletters", standalone_mode=False)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "rdvletters"
        click.echo(f"Erreur : {_usage_message(exc)}\nAide : {where} --help", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"Erreur : {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Interrompu : rien n'a été fait.", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - last resort, no traceback with personal data
        if os.environ.get("RDVLETTERS_DEBUG"):
            raise
        click.echo(
            f"Erreur inattendue ({type(exc).__name__}). Relancez avec RDVLETTERS_DEBUG=1 "
            "pour le détail et signalez le problème.",
            err=True,
        )
        sys.exit(70)
    sys.exit(result if isinstance(result, int) else 0)
