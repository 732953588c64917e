"""Which journaled timestamp tokens count, and what each authority vouches for per entry.

Every figure counts the same tokens (``token_counter``): those the case's judge
(``evidence.proofs.stamptrust``) finds trusted outside the case folder, as ``verify``
would; for a journal read without its case, those whose ``verification`` written on
receipt says so. ``stamps_by_entry`` gives each entry the earliest time each
authority vouches for among the counted tokens covering it (``Step.stamps``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .journal import JournalState

TOKEN_TYPE = "horodatage"
TRUSTED = "valide"  # a token's ``verification`` when its root was trusted on receipt
# a token kept but not counted: its root only the case's own settings name (the
# ``verification`` that ``tokens.UNRECOGNISED`` writes, what ``verify`` says of it)
UNVOUCHED = "autorité non reconnue"


def token_counter(state: JournalState) -> Callable[[dict[str, Any]], bool]:
    """The test a token entry passes to count, the same for every figure: the case's
    judge (``evidence.proofs.stamptrust``: its root trusted outside the case), or, for a
    journal read without its case, the ``verification`` written on receipt."""
    if state.token_judge is not None:
        return state.token_judge()
    return lambda data: data.get("verification") == TRUSTED


def stamps_by_entry(
    state: JournalState, numbers: set[int]
) -> dict[int, tuple[tuple[str, datetime], ...]]:
    """For each entry number in ``numbers``: per authority, the earliest time a trusted
    token covering it vouches for, in time order. One pass from the end of the journal."""
    counts = token_counter(state)
    tokens = sorted(
        (
            (int(e.data["entree"]), datetime.fromisoformat(e.data["heure_tsa"]), e.data["autorite"])
            for e in state.entries
            if e.kind == TOKEN_TYPE and counts(e.data)
        ),
        reverse=True,
    )
    out: dict[int, tuple[tuple[str, datetime], ...]] = {}
    best: dict[str, datetime] = {}
    i = 0
    for n in sorted(numbers, reverse=True):
        while i < len(tokens) and tokens[i][0] >= n:
            __, at, who = tokens[i]
            if who not in best or at < best[who]:
                best[who] = at
            i += 1
        if best:
            out[n] = tuple(sorted(best.items(), key=lambda item: item[1]))
    return out
