"""The light door to automatic timestamps, for the end of every command and web page.

Importing this costs nothing: when no ``horodatage.yaml`` exists (the case's or the
user's), timestamps are manual and nothing more is read; otherwise
``timestamp.drain_queue`` decides, within its budget, whether anything waits.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ...case import Case

CONFIG_NAME = "horodatage.yaml"
BUDGET = 0.8  # seconds a command or a page waits for authorities (imports come on top)


def config_paths(case: Case) -> Iterator[Path]:
    """Where the settings are looked for: the case folder first, then the user's (found
    only when the case has none: platformdirs takes longer to load than a command's work)."""
    yield case.root / CONFIG_NAME
    from platformdirs import user_config_dir

    yield Path(user_config_dir("rdvletters")) / CONFIG_NAME


def settings_exist(case: Case) -> bool:
    return any(path.exists() for path in config_paths(case))


def after_command(case: Case, budget: float | None = None) -> str | None:
    """Timestamp what waits, if timestamps are automatic: one line to show, or None.
    ``budget``: seconds to wait for the authorities (``BUDGET`` when not given)."""
    if not case.journal.path.exists() or not settings_exist(case):
        return None
    from .timestamp import drain_said

    return drain_said(case, BUDGET if budget is None else budget)
