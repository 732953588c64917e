"""Console output that never fails on a character the terminal cannot show.

A Windows console in cp850 (or cp1252, or any legacy code page) cannot encode
every character our French messages use: an en dash, a typographic apostrophe,
a narrow non-breaking space, a Vietnamese surname. Python would raise
UnicodeEncodeError in the middle of a command. Here each such character is
replaced by its closest readable form (— -> -, … -> ..., « -> ", NBSP ->
space, é -> e when even é is missing), and only then by ``?``.
"""

from __future__ import annotations

import codecs
import contextlib
import sys
import unicodedata

ERRORS = "rdvletters-lisible"
FALLBACKS = {
    "\u00a0": " ",  # non-breaking space
    "\u202f": " ",  # narrow non-breaking space
    "\u2009": " ",  # thin space
    "\u2007": " ",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "„": '"',
    "‘": "'",
    "’": "'",
    "‹": "'",
    "›": "'",
    "–": "-",
    "—": "-",
    "‑": "-",
    "−": "-",
    "…": "...",
    "•": "-",
    "·": ".",
    "œ": "oe",
    "Œ": "OE",
    "æ": "ae",
    "Æ": "AE",
    "ß": "ss",
    "€": "EUR",
    "°": "o",
    "→": "->",
    "←": "<-",
    "≥": ">=",
    "≤": "<=",
    "×": "x",
}


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def readable(char: str, encoding: str) -> str:
    """The closest form of ``char`` that ``encoding`` can write."""
    fallback = FALLBACKS.get(char)
    if fallback is not None and _encodable(fallback, encoding):
        return fallback
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    if stripped and _encodable(stripped, encoding):
        return stripped
    return "?"


def _handler(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(readable(c, error.encoding) for c in bad), error.end


codecs.register_error(ERRORS, _handler)


def _unicode(encoding: str | None) -> bool:
    """True for UTF-8/16/32, which can write every character."""
    try:
        return bool(encoding) and codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def readable_console() -> None:
    """Make stdout and stderr degrade readably instead of raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or _unicode(getattr(stream, "encoding", None)):
            continue
        with contextlib.suppress(ValueError, OSError):  # a closed or unusual stream
            reconfigure(errors=ERRORS)
