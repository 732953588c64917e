"""Command line: parse, call the library, print. No logic of its own."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path

import click

from .. import __version__
from ..case import Case
from ..errors import RdvError
from ..oserrors import from_os_error
from .console import readable_console


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
    group_class = type  # subgroups (``templates``) are _Group too: French help

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except RdvError as error:
            _fail(error)
        except OSError as error:  # a full disk, a read-only folder, a permission: not a bug
            case = ctx.find_object(Case)
            root, journal = (case.root, case.journal.path) if case else (None, None)
            _fail(from_os_error(error, root, journal))


def warn(messages: list[str]) -> None:
    for message in messages:
        click.echo(f"Attention : {message}", err=True)


def proof_option(help_text: str):
    """``--proof FILE``, repeatable: files copied into pieces/ and hashed."""
    return click.option(
        "--proof",
        "proofs",
        multiple=True,
        help=help_text,
        type=click.Path(path_type=Path),  # Case.check_proofs says what is wrong with it
    )


confirm_date_option = click.option(
    "--confirm-date",
    is_flag=True,
    help="Accepter une date de plus d'un an avant la première démarche du dossier.",
)


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


def _run() -> int:
    """Run the command line; the exit code of every expected outcome."""
    try:
        result = cli.main(prog_name="rdvletters", standalone_mode=False)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "rdvletters"
        click.echo(f"Erreur : {_usage_message(exc)}\nAide : {where} --help", err=True)
        return 2
    except click.ClickException as exc:
        click.echo(f"Erreur : {exc.format_message()}", err=True)
        return exc.exit_code
    except click.Abort as exc:
        # click turns Ctrl-C into Abort (from the KeyboardInterrupt, or at a prompt)
        if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        click.echo("Interrompu : rien n'a été fait.", err=True)
        return 1
    except Exception as exc:  # noqa: BLE001 - last resort, no traceback with personal data
        if os.environ.get("RDVLETTERS_DEBUG"):
            raise
        click.echo(
            f"Erreur inattendue ({type(exc).__name__}). Relancez avec RDVLETTERS_DEBUG=1 "
            "pour le détail et signalez le problème.",
            err=True,
        )
        return 70
    return result if isinstance(result, int) else 0


def main() -> None:
    """Entry point: French messages for usage errors; expected failures are handled in
    ``_Group``; anything else is a bug, reported without a traceback. Ctrl-C and
    SIGTERM end with « Interrompu. » (exit 130 and 143), never a traceback."""
    terminated: list[int] = []
    try:  # everything inside: Ctrl-C at any moment ends the same way
        terminated = _raise_on_sigterm()
        readable_console()
        code = _run()
    except KeyboardInterrupt:
        code = 143 if terminated else 130
        with contextlib.suppress(Exception, KeyboardInterrupt):
            click.echo("Interrompu.", err=True)
    sys.exit(code)


def _raise_on_sigterm() -> list[int]:
    """SIGTERM unwinds like Ctrl-C, so ``finally`` blocks run (LibreOffice is stopped)."""
    received: list[int] = []

    def handler(number: int, _frame: object) -> None:
        received.append(number)
        raise KeyboardInterrupt

    if hasattr(signal, "SIGTERM"):
        with contextlib.suppress(ValueError):  # not the main thread: leave it as it is
            signal.signal(signal.SIGTERM, handler)
    return received
