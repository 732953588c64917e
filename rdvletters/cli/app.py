"""Command line: parse, call the library, print. No logic of its own.

Every word shown goes through the catalogs (``rdvletters.i18n``): ours with ``_`` at the
moment it is printed, help with ``N_`` and the translating classes of ``translated``,
click's own words through ``clickwords``. Documents and journal entries never do.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from .. import __version__, i18n, launch
from ..case import Case
from ..errors import RdvError
from ..i18n import N_, _
from ..oserrors import from_os_error
from . import clickwords
from .console import readable_console
from .translated import Group, Option, PathType, option

clickwords.install()  # click's own words (Usage:, Error:…) through our catalogs


def _fail(error: RdvError) -> None:
    click.echo(_("Erreur : {message}").format(message=error), err=True)
    if error.hint:
        click.echo(_("Astuce : {hint}").format(hint=error.hint), err=True)
    sys.exit(error.exit_code)


# The module that defines each command. Only the command typed is loaded: a command's
# module, and what it imports at its top, is start-up time every other command would pay.
# ``--help`` loads them all (tests/test_cli_lazy.py checks the table against them).
COMMAND_MODULES = {
    **dict.fromkeys(("init", "check", "record", "sent"), "case_cmds"),
    **dict.fromkeys(("email", "letter", "referral", "recours"), "document_cmds"),
    **dict.fromkeys(("status", "verify", "bundle"), "evidence_cmds"),
    **dict.fromkeys(("log", "correct", "repair"), "journal_cmds"),
    **dict.fromkeys(("archive", "erase", "export", "import"), "lifecycle_cmds"),
    **dict.fromkeys(("agenda", "plan", "stats"), "plan_cmds"),
    **dict.fromkeys(("capture", "timestamp"), "proof_cmds"),
    **dict.fromkeys(("serve", "server"), "serve_cmds"),
    "templates": "template_cmds",
    "web": "web_cmds",
}


class _Group(Group):
    """Turns every expected failure into a message in the interface language and its
    exit code; chooses that language before click reads a word of the command line.
    The top group loads a command's module when the command is asked for
    (``modules``: command name → module of this package)."""

    def __init__(self, *args: Any, modules: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.modules = modules or {}

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.modules:
            importlib.import_module(f"{__package__}.{self.modules[name]}")
            launch.loaded()  # the collector back on for the command's work
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.modules})

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            result = super().invoke(ctx)
        except RdvError as error:
            _fail(error)
        except OSError as error:  # a full disk, a read-only folder, a permission: not a bug
            case = ctx.find_object(Case)
            root, journal = (case.root, case.journal.path) if case else (None, None)
            _fail(from_os_error(error, root, journal))
        _timestamp_what_waits(ctx)
        return result

    def main(self, args=None, prog_name=None, **extra):  # type: ignore[override]
        """Speak the chosen language (``--lang``, the environment, French) for the whole
        run, usage errors and ``--help`` included; the tests' CliRunner comes here too."""
        args = list(sys.argv[1:] if args is None else args)
        with speaking(args):
            return super().main(args, prog_name, **extra)


# Commands after which nothing is timestamped: ``init`` asks the question for the folder
# it creates, ``web`` timestamps on each page while it runs.
NO_AUTOMATIC_TIMESTAMP = ("init", "web")


def _timestamp_what_waits(ctx: click.Context) -> None:
    """Every command ends by timestamping what waits, when the person chose automatic
    timestamps (``horodatage: auto``): within about a second, never failing the command.
    The line goes to stderr, so that ``status --json`` stays JSON."""
    case = ctx.find_object(Case)
    if case is None or ctx.invoked_subcommand in NO_AUTOMATIC_TIMESTAMP:
        return
    from ..evidence.proofs.autostamp import after_command  # light: reads nothing without settings

    try:
        said = after_command(case)
    except (RdvError, OSError):
        return
    if said:
        click.echo(said, err=True)


def language(args: list[str]) -> str:
    """``--lang`` if given before the subcommand, else the environment, else French.

    Read with click's own parser, forgiving (``resilient_parsing``): ``-C --lang`` names
    a folder, and a mistake later in the line must still be reported in this language.
    """
    explicit = None
    try:
        with cli.make_context("rdvletters", list(args), resilient_parsing=True) as ctx:
            explicit = ctx.params.get("lang")
    except (click.ClickException, click.exceptions.Exit):
        pass
    return i18n.choose(explicit)


@contextlib.contextmanager
def speaking(args: list[str]) -> Iterator[str]:
    """The interface language of this command line, active inside the block."""
    token = i18n.activate(language(args))
    try:
        yield i18n.current()
    finally:
        i18n.deactivate(token)


def interactive() -> bool:
    """A person at a terminal, who can answer a question."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def command_name() -> str:
    """How to call rdvletters again in a command the CLI prints: « rdvletters » when that
    is the command on the PATH, else the path the person typed (``.venv/bin/rdvletters``
    in the README's first command, before any venv is activated)."""
    import shutil

    typed = sys.argv[0] if sys.argv else ""
    if not Path(typed).name.startswith("rdvletters") or os.sep not in typed:
        return "rdvletters"
    found = shutil.which("rdvletters")
    if found and Path(found).resolve() == Path(typed).resolve():
        return "rdvletters"
    return typed


def warn(messages: list[str]) -> None:
    for message in messages:
        click.echo(_("Attention : {message}").format(message=message), err=True)


def proof_option(help_text: str):
    """``--proof FILE``, repeatable: files copied into pieces/ and hashed.
    ``help_text`` is a French msgid (``N_``), translated when help is shown."""
    return option(
        "--proof",
        "proofs",
        multiple=True,
        metavar=N_("FICHIER"),
        help=help_text,
        type=PathType(path_type=Path),  # Case.check_proofs says what is wrong with it
    )


confirm_date_option = option(
    "--confirm-date",
    is_flag=True,
    help=N_(
        "Accepter une date inhabituelle : plus d'un an avant la première démarche, ou, pour "
        "la première, plus de trois mois en arrière ou avant l'ouverture du dossier."
    ),
)


@click.group(
    cls=_Group,
    modules=COMMAND_MODULES,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_(
        "Courriels, lettres recommandées et saisine du Défenseur des droits pour obtenir "
        "un rendez-vous en préfecture, avec le journal daté de chaque démarche."
    ),
)
@option(
    "-C",
    "folder",
    type=PathType(file_okay=False, path_type=Path),
    default=".",
    metavar=N_("DOSSIER"),
    help=N_("Dossier de la personne (par défaut : le dossier courant)."),
)
@option(
    "--lang",
    type=click.Choice(i18n.available()),
    help=N_(
        "Langue des messages (sinon : LANGUAGE, LC_ALL, LC_MESSAGES ou LANG ; par défaut : "
        "français). Les documents restent en français."
    ),
)
@click.version_option(
    __version__, message="rdvletters %(version)s", cls=Option, help=N_("Afficher la version.")
)
@click.pass_context
def cli(ctx: click.Context, folder: Path, lang: str | None) -> None:
    """The group: the case folder for every command (the language is chosen in main)."""
    ctx.obj = Case(folder)


def _run() -> int:
    """Run the command line; the exit code of every expected outcome."""
    args = sys.argv[1:]
    with speaking(args):
        try:
            result = cli.main(args, prog_name="rdvletters", standalone_mode=False)
        except click.ClickException as exc:  # usage errors: click's words, translated
            exc.show()
            return exc.exit_code
        except click.Abort as exc:
            # click turns Ctrl-C into Abort (from the KeyboardInterrupt, or at a prompt)
            if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
                raise KeyboardInterrupt from None
            click.echo(_("Interrompu : rien n'a été fait."), err=True)
            return 1
        except Exception as exc:  # noqa: BLE001 - last resort, no traceback with personal data
            if os.environ.get("RDVLETTERS_DEBUG"):
                raise
            click.echo(
                _(
                    "Erreur inattendue ({kind}). Relancez avec RDVLETTERS_DEBUG=1 "
                    "pour le détail et signalez le problème."
                ).format(kind=type(exc).__name__),
                err=True,
            )
            return 70
    return result if isinstance(result, int) else 0


def main() -> None:
    """Entry point: usage errors said with click's words in the chosen language; expected
    failures are handled in ``_Group``; anything else is a bug, reported without a
    traceback. Ctrl-C and SIGTERM end with « Interrompu. » (exit 130 and 143), never a
    traceback."""
    terminated: list[int] = []
    try:  # everything inside: Ctrl-C at any moment ends the same way
        sys.unraisablehook = _interrupt_sent_again
        with contextlib.suppress(ValueError):  # from here Ctrl-C unwinds (``launch`` said it
            signal.signal(signal.SIGINT, signal.default_int_handler)  # while loading)
        terminated = _raise_on_sigterm()
        readable_console()
        code = _run()
    except KeyboardInterrupt:
        code = 143 if terminated else 130
        with contextlib.suppress(Exception, KeyboardInterrupt), speaking(sys.argv[1:]):
            click.echo(_("Interrompu."), err=True)
    sys.exit(code)


def _interrupt_sent_again(unraisable: Any) -> None:
    """Ctrl-C that lands in a callback Python cannot raise from (a weak reference's,
    while a module is being imported) would be printed as « Exception ignored » with a
    traceback, and lost: it is raised again a moment later (a one-shot timer), from
    wherever the program is then, and unwinds as any Ctrl-C."""
    if issubclass(unraisable.exc_type, KeyboardInterrupt) and hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, _interrupt_now)
        signal.setitimer(signal.ITIMER_REAL, 0.001)
        return
    sys.__unraisablehook__(unraisable)


def _interrupt_now(_number: int, _frame: object) -> None:
    raise KeyboardInterrupt


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
