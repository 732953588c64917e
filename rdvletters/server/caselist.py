"""The volunteer's list of cases on the server: search and pages.

The names are sealed in the database (``caseindex.label``): the server can only
search them after opening each with the case key, in memory, for the volunteer
who asked. So the search is done here, in Python, over the list the volunteer may
see, and never in SQL. A name is matched whatever its case, accents and apostrophes
(« eloise » finds « Éloïse », « ndiaye » finds « N'Diaye ») and the order of the words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

PAGE_SIZE = 50
QUERY_MAX = 100  # characters: a name and a first name, or a case reference

Row = TypeVar("Row")


def fold(text: str) -> str:
    """``Éloïse N'DIAYE-SOW`` -> ``eloise ndiaye sow``: accents and apostrophes dropped,
    hyphens made spaces, case folded (« ndiaye » finds « N'Diaye »)."""
    if text.isascii():  # nothing to decompose: the same result, a thousand rows faster
        return text.translate(_MARKS).casefold()
    parts = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in parts if not unicodedata.combining(c))
    return plain.translate(_MARKS).casefold()


_MARKS = str.maketrans({"'": "", "’": "", "-": " ", "‐": " "})


def matches(query: str, *fields: str) -> bool:
    """Every word of ``query`` is found in one of ``fields`` (a name, a case id)."""
    return found(words(query), *fields)


def words(query: str) -> list[str]:
    """The query's words as ``found`` compares them (folded once for the whole list)."""
    return fold(query).split()


def found(wanted: list[str], *fields: str) -> bool:
    """Every word of ``wanted`` (``words``) is found in one of ``fields``."""
    haystack = " ".join(fold(f) for f in fields if f)
    return all(word in haystack for word in wanted)


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: Sequence[Row]
    number: int  # from 1
    pages: int  # at least 1, even for no row
    total: int  # rows on every page together


def page_of(rows: Sequence[Row], asked: int | None, size: int = PAGE_SIZE) -> Page[Row]:
    """Page ``asked`` of ``rows`` (out of range: the nearest page that exists)."""
    pages = max(1, -(-len(rows) // size))
    number = min(max(asked or 1, 1), pages)
    return Page(rows[(number - 1) * size : number * size], number, pages, len(rows))
