"""Command line: parse, call the library, print. No logic of its own.

``app`` holds the group, the error handling and ``main``; each ``*_cmds`` module
adds one family of commands to the group when imported.
"""

from . import (  # noqa: F401 - each module registers its commands
    case_cmds,
    document_cmds,
    evidence_cmds,
    journal_cmds,
    lifecycle_cmds,
    plan_cmds,
    proof_cmds,
    serve_cmds,
    template_cmds,
    web_cmds,
)
from .app import cli, main

__all__ = ["cli", "main"]
