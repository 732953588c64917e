"""How the journal's state is written down outside the journal: its anchor header.

An e-mail rdvletters writes carries ``X-Rdvletters-Journal: <n> <sha256>``: entry
``n``'s line had that SHA-256 when the message was made. It belongs to the journal,
not to whoever writes or reads it: ``delivery`` puts it into messages,
``evidence.proofs.anchoring`` reads it back from them (and from the other anchors).
"""

from __future__ import annotations

HEADER = "X-Rdvletters-Journal"


def header_value(n: int, digest: str) -> str:
    """The value of the e-mail header: ``<entry number> <sha256 of its line>``."""
    return f"{n} {digest}"
