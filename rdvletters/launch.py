"""The ``rdvletters`` command itself: loading the program is interruptible too.

The console script imports this small module first. When it is the program being run,
a handler for Ctrl-C is installed at once, before anything heavy is loaded (click,
PyYAML, Jinja): Ctrl-C while the program is still loading ends with « Interrompu. »
(in the interface language when it can be told yet) and exit 130, like Ctrl-C at any
later moment, never with a traceback. Nothing is open or written while loading, so the
handler leaves at once (``os._exit``). ``cli.app.main`` puts Python's own handler back
inside its ``try``, from where Ctrl-C unwinds as ``KeyboardInterrupt``.

Python's cyclic garbage collector is off while the program loads, and on again once
the command is known (``loaded``): loading's objects live as long as the program, and
walking them again and again was a sixth of a short command's time.

Python's own start and the first line of pip's launcher (``import re``, before it
imports this module) are out of any package's reach.
"""

# No ``from __future__ import annotations`` here: it imports a module of its own, and
# every millisecond before the handler below is one where Ctrl-C prints a traceback.
import _signal  # the C module: ``signal`` would first load ``enum`` (tens of ms)
import atexit
import gc
import os
import sys

_collector_paused = False


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


def _pause_collector() -> None:
    """Python's cyclic collector off while the program loads, and at its end.

    Loading makes tens of thousands of objects (modules, classes, functions) that live as
    long as the program. The collector would walk them dozens of times while they are
    made, and all of them once more at exit: about a sixth of a short command such as
    ``email`` (``benchmarks/RESULTS.md``). ``loaded`` sets them aside and turns the
    collector back on for the command's own work. At exit, what is left is set aside
    too: the system takes the memory back, and Python promises no finalizer at exit, so
    nothing may wait for one: every file is closed where it is written, and the server
    writes its database's log into the database file as it stops (``server/runner``)."""
    global _collector_paused
    gc.disable()
    _collector_paused = True
    atexit.register(gc.freeze)  # the first registered, so the last to run


def loaded() -> None:
    """The command is known and its module loaded: what loading made is set aside
    (``gc.freeze``: never walked again) and the collector is on again for the command,
    be it one e-mail, a dossier of 50,000 entries or a server running for weeks. Run by
    a test or a program using the library, the collector was not paused here, and is
    left as it is."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()


def main() -> None:
    _signal.signal(_signal.SIGINT, _stop_while_loading)  # run in any other way: from here
    _pause_collector()
    from .cli import main as run

    run()
