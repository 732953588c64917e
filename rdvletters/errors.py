"""One exception type per kind of failure, each with its own exit code.

The CLI prints ``str(error)`` and exits with ``error.exit_code``; messages are written
in French, said in the interface language (``i18n``: translated where the error is
raised), name the file, line or field at fault, and never echo personal data.
"""

from __future__ import annotations

from .i18n import _


class RdvError(Exception):
    """Base class: an expected failure that the user can act on."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class InputError(RdvError):
    """The profile or a command-line value is invalid."""

    exit_code = 2


class CaseError(RdvError):
    """The case folder is missing, incomplete, or would be overwritten."""

    exit_code = 3


class JournalError(RdvError):
    """The journal cannot be read or appended to safely."""

    exit_code = 4


class OutputExistsError(RdvError):
    """A file the tool would write already exists; it is never overwritten."""

    exit_code = 5


class SendError(RdvError):
    """The SMTP server refused or could not be reached; nothing was recorded as sent."""

    exit_code = 6


class TimestampError(RdvError):
    """No timestamping authority gave a usable token; the request waits in the queue."""

    exit_code = 6


class CaptureError(RdvError):
    """The booking page could not be loaded, or a listed step could not be done."""

    exit_code = 6


class ToolMissingError(RdvError):
    """An external program (LibreOffice) is needed but not installed."""

    exit_code = 7


class DateToConfirm(InputError):
    """A date more than a year before the case's first step: most often a typo in the
    year, yet possibly true. Its own class so that a form can offer the box to confirm it
    whatever the wording of the message."""


class TemplateError(InputError):
    """A template cannot be used: which file, which line (when known), and why.

    Kept apart so that ``templates check`` can list every problem instead of stopping at
    the first, with the file and line as data rather than inside a sentence.
    """

    def __init__(
        self, template: str, line: int | None, detail: str, hint: str | None = None
    ) -> None:
        if line:
            message = _("{template}, ligne {line} : {detail}")
        else:
            message = _("modèle {template} : {detail}")
        super().__init__(message.format(template=template, line=line, detail=detail), hint)
        self.template = template
        self.line = line
        self.detail = detail
