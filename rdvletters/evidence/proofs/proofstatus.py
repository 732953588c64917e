"""What ``status`` says about dated proofs: per week, attempts whose proof has a matching
date, and since when the journal is not timestamped."""

from __future__ import annotations

from typing import Any

from ...case import Case
from ...journal import JournalState
from .proofdates import matching_by_week
from .timestamp import status_line


def proof_status(case: Case, state: JournalState) -> dict[str, Any]:
    return {
        "semaines": matching_by_week(case.root, state),
        "horodatage": status_line(case, state),
    }
