"""The ``rdvletters`` command itself: loading the program is interruptible too.

The console script imports this small module, which imports the command line inside
a ``try``: Ctrl-C pressed while the program is still loading ends with « Interrompu. »
and exit 130, like Ctrl-C at any later moment, never with a traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("Interrompu.\n")
        raise SystemExit(130) from None
    run()
