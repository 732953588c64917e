"""The ``rdvletters`` command itself: loading the program is interruptible too.

The console script imports this small module, which imports the command line inside
a ``try``: Ctrl-C pressed while the program is still loading ends with « Interrompu. »
(in the interface language when it can be told yet) and exit 130, like Ctrl-C at any
later moment, never with a traceback.
"""

from __future__ import annotations

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


def main() -> None:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write(_interrupted(sys.argv[1:]) + "\n")
        raise SystemExit(130) from None
    run()
