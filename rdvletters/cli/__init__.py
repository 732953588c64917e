"""Command line: parse, call the library, print. No logic of its own.

``app`` holds the group, the error handling and ``main``; each ``*_cmds`` module
adds one family of commands to the group when imported.
"""

from . import case_cmds, document_cmds, evidence_cmds, web_cmds  # noqa: F401 - registers commands
from .app import cli, main

__all__ = ["cli", "main"]
