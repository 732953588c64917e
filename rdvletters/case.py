"""A case folder: one person's profile, journal, proof files and documents.

Layout::

    profil.yaml      the profile (filled in by the person)
    journal.jsonl    every step and document, append-only
    pieces/          copies of proof files, under dated names
    documents/       what the tool generated
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import CaseError, InputError
from .fsutil import private_dir, sha256_file, write_new, write_unique
from .journal import ATTEMPT_CHANNELS, CHANNELS, DOCUMENT_CHANNEL, Entry, Journal
from .profile import LoadedProfile, load_profile
from .resources import data_dir

PROFILE = "profil.yaml"
JOURNAL = "journal.jsonl"
TRACKING = re.compile(r"^(\d[A-Z]\d{11}|[A-Z]{2}\d{11}|[A-Z]{2}\d{9}[A-Z]{2}|\d{14})$")


def ascii_slug(text: str, limit: int = 40) -> str:
    """``Capture écran (1).png`` -> ``Capture_ecran_1``: safe in any file system and mail."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "_", plain).strip("_")
    return slug[:limit].rstrip("_") or "piece"


def normalise_tracking(raw: str) -> str:
    """Check a La Poste item number's form (``1A 123 456 7890 1``) and return it compact."""
    compact = re.sub(r"[\s-]", "", raw).upper()
    if not TRACKING.match(compact):
        raise InputError(
            f"--tracking « {raw} » : numéro de suivi non reconnu. Recopiez le numéro de la "
            "preuve de dépôt : 13 caractères comme 1A 123 456 7890 1 (espaces permis)."
        )
    return compact


@dataclass(frozen=True)
class ProofFile:
    """A proof file whose name as the person knows it differs from where it lies.

    A web upload is saved under a name of the server's choosing; ``name`` is the
    name the browser gave, kept as text in the journal (``original``) and used,
    slugged, in the copy's name, exactly as the CLI does with a file's own name.
    """

    path: Path
    name: str


Proof = Path | ProofFile


class Case:
    """Operations on one case folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.profile_path = root / PROFILE
        self.journal = Journal(root / JOURNAL)
        self.pieces = root / "pieces"
        self.documents = root / "documents"

    # --- creation ---------------------------------------------------------
    def init(self, example: bool = False) -> list[Path]:
        """Create the folder with a commented profile (or the bundled example)."""
        for existing in (self.profile_path, self.journal.path if example else None):
            if existing is not None and existing.exists():
                raise CaseError(f"{existing} existe déjà : init ne le remplace jamais.")
        private_dir(self.root)
        private_dir(self.pieces)
        private_dir(self.documents)
        source = data_dir("examples") / "aminata" if example else data_dir("templates")
        created = [write_new(self.profile_path, (source / PROFILE).read_bytes())]
        if example:
            created.append(write_new(self.journal.path, (source / JOURNAL).read_bytes()))
            for piece in sorted((source / "pieces").glob("*")):
                created.append(write_new(self.pieces / piece.name, piece.read_bytes()))
        return created

    # --- reading ------------------------------------------------------------
    def load(self) -> LoadedProfile:
        if not self.profile_path.exists():
            raise CaseError(
                f"Aucun profil dans {self.root} (fichier {PROFILE} absent).",
                hint=f"Créez le dossier avec : rdvletters init {self.root}",
            )
        return load_profile(self.profile_path)

    def stored_file(self, relative: str) -> Path | None:
        """The file a journal entry names (``pieces/…`` or ``documents/…``), or None.

        Only a regular file lying directly in ``pieces/`` or ``documents/`` is
        returned: a journal edited to name ``../../x`` gets nothing.
        """
        path = (self.root / relative).resolve()
        folders = {self.pieces.resolve(), self.documents.resolve()}
        if path.parent in folders and path.is_file():
            return path
        return None

    # --- recording --------------------------------------------------------
    def _copy_proof(self, proof: Proof, when: datetime, channel: str) -> dict[str, str]:
        source, name = (proof.path, proof.name) if isinstance(proof, ProofFile) else (proof, None)
        if not source.is_file():
            raise InputError(f"--proof {source} : fichier introuvable.")
        name = name or source.name
        stem = f"{when:%Y-%m-%d_%H%M}_{channel}_{ascii_slug(Path(name).stem)}"
        private_dir(self.pieces)
        data = source.read_bytes()
        target = write_unique(self.pieces, stem, source.suffix.lower(), data)
        return {
            "fichier": target.relative_to(self.root).as_posix(),
            "original": name,
            "sha256": sha256_file(target),
        }

    def record(
        self,
        channel: str,
        when: datetime,
        message: str,
        proofs: Sequence[Proof] = (),
        witness: str | None = None,
        reference: str | None = None,
    ) -> Entry:
        """Journal an attempt or event; proof files are copied, never moved.

        ``reference`` is a number the administration gave (CCC ticket, ANEF request…).
        """
        if channel not in CHANNELS:
            raise InputError(f"canal inconnu « {channel} » ; canaux : {', '.join(CHANNELS)}.")
        if witness and channel != "counter":
            raise InputError("--witness ne vaut que pour une présentation au guichet (counter).")
        entry: dict[str, Any] = {
            "type": "tentative" if channel in ATTEMPT_CHANNELS else "evenement",
            "canal": channel,
            "date": when.isoformat(timespec="seconds"),
            "description": message.strip(),
        }
        if witness:
            entry["temoin"] = witness.strip()
        if reference and reference.strip():
            entry["reference"] = reference.strip()
        self.journal.check_appendable()  # before copying proofs that would be orphaned
        entry["pieces"] = [self._copy_proof(p, when, channel) for p in proofs]
        return self.journal.append(entry)

    def record_document(
        self, document: str, fmt: str, path: Path, when: datetime, **extra: Any
    ) -> Entry:
        """Journal a generated document as prepared (not sent)."""
        return self.journal.append(
            {
                "type": "document",
                "document": document,
                "format": fmt,
                "date": when.isoformat(timespec="seconds"),
                "fichier": path.relative_to(self.root).as_posix(),
                "sha256": sha256_file(path),
                **extra,
            }
        )

    def record_sent(
        self,
        number: int,
        when: datetime,
        tracking: str | None = None,
        proofs: Sequence[Proof] = (),
        **extra: Any,
    ) -> Entry:
        """Journal that prepared document ``number`` went out."""
        state = self.journal.read()
        target = state.by_number(number)
        if target is None or target.kind != "document":
            raise InputError(
                f"l'entrée n° {number} n'est pas un document préparé.",
                hint="La liste des entrées : rdvletters log",
            )
        if any(e.kind == "envoi" and e.data.get("document_n") == number for e in state.entries):
            raise InputError(f"le document n° {number} est déjà noté comme envoyé.")
        channel = DOCUMENT_CHANNEL[target.data["document"]]
        entry: dict[str, Any] = {
            "type": "envoi",
            "document_n": number,
            "document": target.data["document"],
            "canal": channel,
            "date": when.isoformat(timespec="seconds"),
        }
        if tracking:
            entry["suivi"] = normalise_tracking(tracking)
            entry["suivi_saisi"] = tracking
        entry.update(extra)
        self.journal.check_appendable()
        entry["pieces"] = [self._copy_proof(p, when, channel) for p in proofs]
        return self.journal.append(entry)
