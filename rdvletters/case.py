"""A case folder: one person's profile, journal, proof files and documents.

Layout::

    profil.yaml      the profile (filled in by the person)
    journal.jsonl    every step and document, append-only
    pieces/          copies of proof files, under dated names
    documents/       what the tool generated
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .casepaths import inside, open_regular, read_small, sha256_file
from .channels import ATTEMPT_CHANNELS, CHANNELS, DOCUMENT_CHANNEL
from .errors import CaseError, InputError, RdvError
from .frdates import now_paris, past_or_now
from .fsutil import deferred_interrupts, private_dir, write_new, write_unique
from .i18n import _
from .journal import Entry, Journal
from .proofnames import Proof, ProofFile, ascii_slug, proof_suffix, readable_name
from .resources import data_dir
from .stepfields import (
    clean_text,
    field_names,
    normalise_tracking,
    refuse_early_receipt,
    sent_before_prepared,
)
from .steps import STEP_TYPES

if TYPE_CHECKING:  # the profile needs YAML: imported only by commands that read it
    from .profile_load import LoadedProfile

PROFILE = "profil.yaml"
JOURNAL = "journal.jsonl"
EXAMPLES = {"rdv": "aminata", "anef": "kofi"}  # example name -> folder in examples/


_SITUATION = re.compile(r"^situation:[ \t]*([\"']?)(rdv|anef)\1[ \t]*(#[^\r\n]*)?\r?$", re.M)


class Case:
    """Operations on one case folder: create it, read what it holds, record its steps,
    documents and sendings. The checks of what a person types are ``stepfields``'s,
    proof names ``proofnames``'s, corrections ``corrections``'s."""

    def __init__(self, root: Path) -> None:
        # A link the person typed (-C) is followed once, here: below the root, nothing
        # is written or read through a link (fsutil.private_dir, the journal).
        self.root = root.resolve() if root.is_symlink() else root
        self.profile_path = root / PROFILE
        self.journal = Journal(root / JOURNAL)
        self.journal.token_judge = self._token_judge
        self.pieces = root / "pieces"
        self.documents = root / "documents"
        self._inside: dict[str, Path | None] = {}

    def _token_judge(self) -> Callable[[dict[str, Any]], bool]:
        """Which timestamp tokens count: judged against the roots trusted outside the case
        (a case folder is untrusted input), loaded only when a token asks."""
        from .evidence.proofs.stamptrust import judge

        return judge(self)

    def route(self) -> str:
        """The route the profile names, for naming channels in ``log``. ``log`` must stay
        lighter than importing YAML and the schema, so this is a scan for the top-level
        ``situation:`` line the commented profile has, not a parse; anything else counts as
        ``rdv`` here (only two channel names differ), and ``check`` reports a bad profile."""
        try:
            text = read_small(self.profile_path, follow=False).decode("utf-8", "replace")
        except (RdvError, OSError):
            return "rdv"
        found = _SITUATION.search(text)
        return found.group(2) if found else "rdv"

    # --- creation ---------------------------------------------------------
    def init(self, example: str | None = None) -> list[Path]:
        """Create the folder with a commented profile, or a copy of a bundled example
        (``rdv``: an appointment that cannot be had; ``anef``: an ANEF renewal)."""
        if example is not None and example not in EXAMPLES:
            raise InputError(
                _("--example « {example} » : exemples disponibles : {examples}.").format(
                    example=example, examples=", ".join(EXAMPLES)
                )
            )
        for existing in (self.profile_path, self.journal.path if example else None):
            if existing is not None and existing.exists():
                raise CaseError(
                    _("{path} existe déjà : init ne le remplace jamais.").format(path=existing)
                )
        private_dir(self.root)
        private_dir(self.pieces)
        private_dir(self.documents)
        source = data_dir("examples") / EXAMPLES[example] if example else data_dir("templates")
        created = [write_new(self.profile_path, (source / PROFILE).read_bytes())]
        if example:
            created.append(write_new(self.journal.path, (source / JOURNAL).read_bytes()))
            for piece in sorted((source / "pieces").glob("*")):
                created.append(write_new(self.pieces / piece.name, piece.read_bytes()))
        return created

    # --- reading ------------------------------------------------------------
    def file(self, relative: str, what: str) -> Path:
        """A file named by the journal or the profile, which must be inside the case folder.

        A journal edited by hand (or by someone else) could name any file of the machine;
        nothing outside the case folder is ever read or copied.
        """
        if relative not in self._inside:  # resolved once per command: a dossier asks twice
            self._inside[relative] = inside(self.root, relative)
        target = self._inside[relative]
        if target is None:
            raise InputError(
                _(
                    "{what} : le chemin {path} sort du dossier de la personne ou passe par un "
                    "lien symbolique ; il est refusé."
                ).format(what=what, path=relative),
                hint=_(
                    "Le journal a été modifié à la main, ou un lien a pris la place d'un "
                    "fichier : rdvletters verify dit où."
                ),
            )
        if not target.is_file():
            raise InputError(
                _("{what} : fichier {path} introuvable (ou ce n'est pas un fichier).").format(
                    what=what, path=relative
                ),
                hint=_(
                    "Remettez le fichier à sa place (sauvegarde), puis recommencez ; "
                    "rdvletters verify liste les fichiers manquants."
                ),
            )
        return target

    def load(self) -> LoadedProfile:
        if not self.profile_path.exists():
            raise self._no_profile()
        from .profile_load import load_profile

        return load_profile(self.profile_path)

    def require(self) -> None:
        """Refuse a folder that holds neither profile nor journal. ``log`` and ``verify``
        read the journal alone; on a mistyped path they would report « Journal intact :
        0 entrée », a reassurance about nothing."""
        if not self.profile_path.exists() and not self.journal.path.exists():
            raise self._no_profile()

    def _no_profile(self) -> CaseError:
        return CaseError(
            _("Aucun profil dans {folder} (fichier {profile} absent).").format(
                folder=self.root, profile=PROFILE
            ),
            hint=_("Créez le dossier avec : {command}").format(
                command=f"rdvletters init {self.root}"
            ),
        )

    # --- recording --------------------------------------------------------
    def when(
        self,
        text: str | None,
        confirmed: bool = False,
        *,
        option: str = "--at",
        confirm_hint: str | None = None,
    ) -> datetime:
        """The time of a step from ``--at`` (or the field ``option`` names): not in the
        future, not absurdly old.

        « Old » is measured from the first step in the journal's order, read from the
        top of the file, so that ``record`` never reads the whole journal. The case's first
        step is asked to be confirmed when it is months back or before the case was opened
        (``recording.check_first_step``).
        """
        first = self.journal.first_step_date(STEP_TYPES)
        when = past_or_now(
            text, option=option, first=first, confirmed=confirmed, confirm_hint=confirm_hint
        )
        if text is not None and first is None and not confirmed:
            from .recording import check_first_step

            opened = next((e.when for e in self.journal.entries()), None)
            check_first_step(
                when,
                now_paris(),
                opened,
                option=option,
                hint=confirm_hint or _("Si la date est juste, ajoutez --confirm-date."),
            )
        return when

    @staticmethod
    def check_proofs(proofs: Sequence[Proof]) -> None:
        """Refuse, before anything is written, a --proof that is not a readable file, or
        an empty one (a file that failed to download proves nothing; the form says so too)."""
        for proof in proofs:
            path = proof.path if isinstance(proof, ProofFile) else proof
            with open_regular(path, "--proof") as handle:
                empty = not handle.read(1)
            if empty:
                raise InputError(
                    _("--proof {path} : le fichier est vide (0 octet) ; il ne prouve rien.").format(
                        path=path
                    ),
                    hint=_("Vérifiez que le fichier a bien été enregistré ou téléchargé."),
                )

    def _copy_proof(
        self, proof: Proof, when: datetime, channel: str, created: list[Path]
    ) -> dict[str, str]:
        source, name = (proof.path, proof.name) if isinstance(proof, ProofFile) else (proof, None)
        conditions = proof.conditions if isinstance(proof, ProofFile) else None
        name = readable_name(name or source.name)
        private_dir(self.pieces)
        with open_regular(source, "--proof") as handle:
            suffix = proof_suffix(source, handle.read(16))  # a web upload's is its content's
            handle.seek(0)
            stem = f"{when:%Y-%m-%d_%H%M}_{channel}_{ascii_slug(Path(name).stem)}"
            target = write_unique(self.pieces, stem, suffix, handle, created)  # in chunks
        from .evidence.proofs.proofdates import piece_fields  # proof: its own date, e-mail headers

        return {
            "fichier": target.relative_to(self.root).as_posix(),
            "original": name,
            "sha256": sha256_file(target),
            **piece_fields(source),
            **({"conditions": conditions} if conditions else {}),
        }

    def record(
        self,
        channel: str,
        when: datetime,
        message: str,
        proofs: Sequence[Proof] = (),
        witness: str | None = None,
        reference: str | None = None,
        labels: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
        tracking: str | None = None,
    ) -> Entry:
        """Journal an attempt or event; proof files are copied, never moved.

        ``labels`` names the fields in error messages (``at``, ``message``, ``witness``,
        ``reference``, ``tracking``): the CLI's options by default, the form's labels in the
        web app. ``extra`` adds fields of the caller's (the server says where an entry came
        from). A letter with a ``tracking`` number is a registered letter written by the
        person: it counts as the LRAR (``Facts``), and its AR can be noted."""
        names = field_names(labels)
        if tracking and channel != "letter":
            raise InputError(
                _("{option} ne vaut que pour une lettre recommandée (letter).").format(
                    option=names["tracking"]
                )
            )
        if channel not in CHANNELS:
            raise InputError(
                _("canal inconnu « {channel} » ; canaux : {channels}.").format(
                    channel=channel, channels=", ".join(CHANNELS)
                )
            )
        if witness and channel != "counter":
            raise InputError(
                _("{option} ne vaut que pour une présentation au guichet (counter).").format(
                    option=names["witness"]
                )
            )
        entry: dict[str, Any] = {
            "type": "tentative" if channel in ATTEMPT_CHANNELS else "evenement",
            "canal": channel,
            "date": when.isoformat(timespec="seconds"),
            "description": clean_text(message, names["message"]),
        }
        if witness and clean_text(witness, names["witness"]):
            entry["temoin"] = clean_text(witness, names["witness"])
        if reference and clean_text(reference, names["reference"]):
            entry["reference"] = clean_text(reference, names["reference"])
        if tracking:
            entry["suivi"] = normalise_tracking(tracking, names["tracking"])
            entry["suivi_saisi"] = tracking
        if channel == "ar":
            refuse_early_receipt(self.journal.read(), when, names["at"])
        entry.update({k: v for k, v in (extra or {}).items() if k not in entry})
        self.journal.check_appendable()  # before copying proofs that would be orphaned
        return self._append_with_proofs(entry, proofs, when, channel)

    def _append_with_proofs(
        self, entry: dict[str, Any], proofs: Sequence[Proof], when: datetime, channel: str
    ) -> Entry:
        """Copy the proofs, then append; if the append fails, the copies are removed.

        Every copy is known from the moment it exists, and Ctrl-C waits while the line is
        written: an interruption leaves either the entry and its copies, or neither.
        """
        created: list[Path] = []
        try:
            entry["pieces"] = [self._copy_proof(p, when, channel, created) for p in proofs]
            with deferred_interrupts():
                return self.journal.append(entry)
        except BaseException:
            for path in created:
                path.unlink(missing_ok=True)
            raise

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
        labels: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> Entry:
        """Journal that prepared document ``number`` went out. ``labels`` names the fields
        in messages (``at``, ``tracking``): the CLI's options by default."""
        names = field_names(labels)
        state = self.journal.read()
        target = state.by_number(number)
        if target is None or target.kind != "document":
            raise InputError(
                _("l'entrée n° {n} n'est pas un document préparé.").format(n=number),
                hint=_("La liste des entrées : rdvletters log"),
            )
        if target.data["document"] not in DOCUMENT_CHANNEL:  # the requête is filed, not sent
            raise InputError(
                _("l'entrée n° {n} ne s'envoie pas : elle se dépose au tribunal.").format(n=number)
            )
        from .prepared import group_of  # a sending withdrawn by ``correct`` no longer counts

        group = group_of(state, number)
        if group is not None and group.sent is not None:
            other = group.sent.data.get("document_n")
            if other == number:
                raise InputError(
                    _("le document n° {n} est déjà noté comme envoyé.").format(n=number)
                )
            raise InputError(
                _(
                    "le document n° {n} est le même document que le n° {other}, sous une autre "
                    "forme ; il est déjà noté comme envoyé (entrée n° {sent})."
                ).format(n=number, other=other, sent=group.sent.n)
            )
        if when < target.when.replace(second=0):
            raise sent_before_prepared(target, names["at"])
        channel = DOCUMENT_CHANNEL[target.data["document"]]
        entry: dict[str, Any] = {
            "type": "envoi",
            "document_n": number,
            "document": target.data["document"],
            "canal": channel,
            "date": when.isoformat(timespec="seconds"),
        }
        if tracking:
            entry["suivi"] = normalise_tracking(tracking, names["tracking"])
            entry["suivi_saisi"] = tracking
        entry.update(extra)
        self.journal.check_appendable()
        return self._append_with_proofs(entry, proofs, when, channel)
