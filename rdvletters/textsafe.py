"""Text as any output can hold it: documents, tables, the terminal.

A hand-edited journal or profile may carry characters that no file or screen should
show (control characters, lone surrogates). Every layer that prints such text (the
documents, the log, the dossier's tables) passes it through ``visible`` first, so it
lives here, below them all.
"""

from __future__ import annotations

import re

# Invisible characters a document never needs: C0 controls but tab and line feed, DEL,
# C1 controls, and the Unicode line and paragraph separators.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_UNWRITABLE = re.compile(r"[\ud800-\udfff\ufffe\uffff]")  # no UTF-8 or XML for these
_SUSPECT = re.compile(f"{_INVISIBLE.pattern}|{_UNWRITABLE.pattern}")


def visible(text: str) -> str:
    """``text`` without what no document can hold: invisible control characters become
    spaces, lone surrogates and non-characters U+FFFD. Tabs stay."""
    if not _SUSPECT.search(text):  # the usual case: one search, no copy
        return text
    return _UNWRITABLE.sub("\ufffd", _INVISIBLE.sub(" ", text))
