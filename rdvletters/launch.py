"""The ``rdvletters`` command itself: loading the program is interruptible too.

The console script imports this small module first. When it is the program being run,
a handler for Ctrl-C is installed at once, before anything heavy is loaded (click,
PyYAML, Jinja): Ctrl-C while the program is still loading ends with « Interrompu. »
(in the interface language when it can be told yet) and exit 130, like Ctrl-C at any
later moment, never with a traceback. Nothing is open or written while loading, so the
handler leaves at once (``os._exit``). ``cli.app.main`` puts Python's own handler back
inside its ``try``, from where Ctrl-C unwinds as ``KeyboardInterrupt``.

Python's own start and the first line of pip's launcher (``import re``, before it
imports this module) are out of any package's reach.
"""

# No ``from __future__ import annotations`` here: it imports a module of its own, and
# every millisecond before the handler below is one where Ctrl-C prints a traceback.
import _signal  # the C module: ``signal`` would first load ``enum`` (tens of ms)
import os
import sys


def _interrupted(args: list[str]) -> str:
    """« Interrompu. » in the language asked for: ``--lang X`` as first written, or the
    environment. click is not loaded yet, so the line is only looked at, not parsed."""
    try:
        from . import i18n

        given = next((a.split("=", 1)[1] for a in args if a.startswith("--lang=")), None)
        if given is None and "--lang" in args[:-1]:
            given = args[args.index("--lang") + 1]
        return i18n.translations(i18n.choose(given)).gettext("Interrompu.")
    except BaseException:  # noqa: BLE001 - a second Ctrl-C, anything: say it in French
        return "Interrompu."


def _stop_while_loading(_number: int, _frame: object) -> None:
    """Ctrl-C before the command line runs: say it and leave, nothing to undo."""
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)  # a second Ctrl-C changes nothing
    text = _interrupted(sys.argv[1:]) + "\n"
    try:
        os.write(2, text.encode(sys.stderr.encoding or "utf-8", "replace"))
    finally:
        os._exit(130)


def _is_program() -> bool:
    """Whether this module was imported to run the command (pip's launcher, or
    ``python -m rdvletters``), not by a program using the library."""
    path = sys.argv[0] if sys.argv else ""
    name = os.path.basename(path).split(".")[0]
    if name == "__main__":
        return os.path.basename(os.path.dirname(path)) == "rdvletters"
    return name in ("rdvletters", "rdvletters-script")


if _is_program():
    _signal.signal(_signal.SIGINT, _stop_while_loading)


def main() -> None:
    _signal.signal(_signal.SIGINT, _stop_while_loading)  # run in any other way: from here
    from .cli import main as run

    run()
