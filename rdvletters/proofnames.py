"""A proof file as the person knows it, and the name its copy gets in ``pieces/``.

The copy's name is made of safe characters only (``ascii_slug``), keeps the original's
extension or reads it from the file's first bytes, while the name the person gave is kept
as text in the journal (``readable_name``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def ascii_slug(text: str, limit: int = 40) -> str:
    """``Capture écran (1).png`` -> ``Capture_ecran_1``: safe in any file system and mail."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "_", plain).strip("_")
    return slug[:limit].rstrip("_") or "piece"


@dataclass(frozen=True)
class ProofFile:
    """A proof file whose name as the person knows it differs from where it lies.

    A web upload is saved under a name of the server's choosing; ``name`` is the
    name the browser gave, kept as text in the journal (``original``) and used,
    slugged, in the copy's name, exactly as the CLI does with a file's own name.
    """

    path: Path
    name: str
    conditions: dict[str, Any] | None = None  # how it arrived (provenance.upload_conditions)


Proof = Path | ProofFile


SIGNATURES = (
    (b"\x89PNG", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"%PDF", ".pdf"),
    (b"GIF8", ".gif"),
)


def readable_name(name: str) -> str:
    """A file name as the journal can keep it: bytes that were not UTF-8 (a name made on
    a Latin-1 system arrives as lone surrogates) become U+FFFD, the rest is kept."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def proof_suffix(source: Path, head: bytes) -> str:
    """The stored copy's extension: the original's in plain lower-case letters, or, for a
    name without one, read from the first bytes (the dossier names pieces by extension)."""
    suffix = re.sub(r"[^a-z0-9]", "", source.suffix.lower())[:10]
    if suffix:
        return f".{suffix}"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    return next((ext for magic, ext in SIGNATURES if head.startswith(magic)), ".bin")
