"""Where the bundled templates and example live.

In an installed wheel they sit in ``rdvletters/_data``; in a source checkout
(editable install, tests) they are the top-level ``templates/`` and
``examples/`` folders, which volunteers edit directly.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Path of the bundled ``templates`` or ``examples`` folder."""
    for candidate in (_HERE / "_data" / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found")  # broken installation
