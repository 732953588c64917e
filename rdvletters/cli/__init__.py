"""Command line: parse, call the library, print. No logic of its own.

``app`` holds the group, the error handling and ``main``; each ``*_cmds`` module
adds one family of commands to the group when imported, which the group does when one
of them is asked for (``app.COMMAND_MODULES``).
"""

from .app import cli, main

__all__ = ["cli", "main"]
