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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .casepaths import open_regular, read_small, sha256_file
from .channels import ATTEMPT_CHANNELS, CHANNELS, DOCUMENT_CHANNEL
from .errors import CaseError, InputError, RdvError
from .facts import STEP_TYPES, effective_entries
from .frdates import EARLIEST_YEAR, now_paris, past_or_now
from .fsutil import deferred_interrupts, private_dir, write_new, write_unique
from .i18n import N_, _
from .journal import Entry, Journal
from .resources import data_dir
from .textrules import text_problem

if TYPE_CHECKING:  # the profile needs YAML: imported only by commands that read it
    from .profile import LoadedProfile

PROFILE = "profil.yaml"
JOURNAL = "journal.jsonl"
EXAMPLES = {"rdv": "aminata", "anef": "kofi"}  # example name -> folder in examples/
MAX_TEXT = 2000
TRACKING = re.compile(r"^(\d[A-Z]\d{11}|[A-Z]{2}\d{11}|[A-Z]{2}\d{9}[A-Z]{2}|\d{14})$")


_SITUATION = re.compile(r"^situation:[ \t]*([\"']?)(rdv|anef)\1[ \t]*(#[^\r\n]*)?\r?$", re.M)


def ascii_slug(text: str, limit: int = 40) -> str:
    """``Capture écran (1).png`` -> ``Capture_ecran_1``: safe in any file system and mail."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "_", plain).strip("_")
    return slug[:limit].rstrip("_") or "piece"


def normalise_tracking(raw: str, option: str = "--tracking") -> str:
    """Check a La Poste item number's form (``1A 123 456 7890 1``) and return it compact;
    ``option`` names the field in the message (the CLI's option, or the form's label)."""
    compact = re.sub(r"[\s-]", "", raw).upper()
    if not TRACKING.match(compact):
        raise InputError(
            _(
                "{option} « {raw} » : numéro de suivi non reconnu. Recopiez le numéro de la "
                "preuve de dépôt : 13 caractères comme 1A 123 456 7890 1 (espaces permis)."
            ).format(raw=raw, option=option)
        )
    return compact


ANNOUNCING = ("reply", "appointment")  # the steps that may carry a date the administration gave


def announced_date(text: str, channel: str, option: str = "--announced") -> dict[str, str]:
    """The journal field for a date the administration announced (« vous serez convoqué
    le… », a convocation's day), read as ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``; {} for none.
    The week's plan waits for that date before chasing (``reminders.plan``)."""
    if not text or not text.strip():
        return {}
    if channel not in ANNOUNCING:
        raise InputError(
            _(
                "{option} ne vaut que pour une réponse (reply) ou une convocation (appointment)."
            ).format(option=option)
        )
    raw = text.strip()
    try:
        if re.match(r"^\d{1,2}/\d{1,2}/\d{4}$", raw):
            dd, mm, yyyy = raw.split("/")
            day = date(int(yyyy), int(mm), int(dd))
        else:
            day = date.fromisoformat(raw)
    except ValueError:
        raise InputError(
            _(
                "{option} « {raw} » : date non reconnue (AAAA-MM-JJ, par exemple 2026-12-15)."
            ).format(option=option, raw=raw)
        ) from None
    if not EARLIEST_YEAR <= day.year <= 2099:
        raise InputError(_("{option} « {raw} » : vérifiez l'année.").format(option=option, raw=raw))
    return {"date_annoncee": day.isoformat()}


# The CLI's options, as ``record`` and ``correct`` name their fields in a message by default.
RECORD_OPTIONS = {"message": "--message", "witness": "--witness", "reference": "--reference"}
CORRECT_OPTIONS = {
    **RECORD_OPTIONS,
    "at": "--at",
    "channel": "--channel",
    "tracking": "--tracking",
    "reason": "--reason",
}


def clean_text(value: str, option: str) -> str:
    """One line of plain text from the command line or a form.

    Line breaks become spaces (a line of its own could be read as a section marker of the
    document model); what ``textrules`` refuses in any text field (control characters,
    bidi overrides, encoded words) is refused, so that nothing stored can break a
    document later.
    """
    problem = text_problem(value)
    if problem:
        raise InputError(_("{option} : {problem}.").format(option=option, problem=problem))
    text = " ".join(value.split())
    if len(text) > MAX_TEXT:
        raise InputError(
            _("{option} : texte trop long ({length} caractères, {max} au plus).").format(
                option=option, length=len(text), max=MAX_TEXT
            )
        )
    return text


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


class Case:
    """Operations on one case folder."""

    def __init__(self, root: Path) -> None:
        # A link the person typed (-C) is followed once, here: below the root, nothing
        # is written or read through a link (fsutil.private_dir, the journal).
        self.root = root.resolve() if root.is_symlink() else root
        self.profile_path = root / PROFILE
        self.journal = Journal(root / JOURNAL)
        self.pieces = root / "pieces"
        self.documents = root / "documents"
        self._inside: dict[str, Path | None] = {}

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
            from .profile import inside

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
        from .profile import load_profile

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

        ``labels`` names the fields in error messages (``message``, ``witness``,
        ``reference``, ``tracking``): the CLI's options by default, the form's labels in the
        web app. ``extra`` adds fields of the caller's (the server says where an entry came
        from). A letter with a ``tracking`` number is a registered letter written by the
        person: it counts as the LRAR (``Facts``), and its AR can be noted."""
        names = {**RECORD_OPTIONS, "tracking": "--tracking", **(labels or {})}
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
            self._refuse_early_receipt(when)
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

    def _refuse_early_receipt(self, when: datetime) -> None:
        """A signed AR card cannot come back before its registered letter was posted."""
        sent = [
            datetime.fromisoformat(d["date"])
            for __, d in effective_entries(self.journal.read())
            if (d["type"] == "envoi" and d.get("document") == "lettre")
            or (d.get("canal") == "letter" and d.get("suivi"))  # ``record letter --tracking``
        ]
        if not sent:
            raise InputError(
                _(
                    "aucune lettre recommandée n'est notée comme envoyée : l'avis de réception "
                    "se rapporte à une lettre envoyée."
                ),
                hint=_(
                    "Notez d'abord l'envoi : rdvletters sent N --tracking … (ou, pour une lettre "
                    "écrite par vous : rdvletters record letter --tracking …)"
                ),
            )
        if when < min(sent):
            raise InputError(
                _(
                    "--at : l'avis de réception serait daté du {date}, avant l'envoi de la "
                    "lettre recommandée ({sent}). Vérifiez la date."
                ).format(date=f"{when:%d/%m/%Y}", sent=f"{min(sent):%d/%m/%Y}")
            )

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
        names = {"at": "--at", "tracking": "--tracking", **(labels or {})}
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
            raise _sent_before_prepared(target, names["at"])
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

    # --- corrections ------------------------------------------------------
    def correct(
        self,
        number: int,
        *,
        when: datetime | None = None,
        message: str | None = None,
        witness: str | None = None,
        reference: str | None = None,
        tracking: str | None = None,
        withdraw: bool = False,
        reason: str | None = None,
        channel: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> Entry:
        """Journal a correction of step ``number``: new values, or its withdrawal.
        ``labels`` names the fields in messages (``at``, ``channel``, ``message``,
        ``witness``, ``reference``, ``tracking``, ``reason``): the CLI's options by default.

        Entry ``number`` itself is never rewritten (``verify`` would call that
        tampering): a ``correction`` entry supersedes it for every document and
        figure (``facts.effective_entries``), and ``log`` shows both.
        """
        state = self.journal.read()
        target = state.by_number(number)
        if target is None:
            raise InputError(
                _("il n'y a pas d'entrée n° {n} au journal.").format(n=number),
                hint=_("La liste des entrées : rdvletters log"),
            )
        if target.kind not in STEP_TYPES:
            raise InputError(
                _(
                    "l'entrée n° {n} est {what} ; seules les démarches, les événements et les "
                    "envois se corrigent."
                ).format(n=number, what=_(_NOT_CORRECTABLE.get(target.kind, N_("une note")))),
                hint=_("La liste des entrées : rdvletters log"),
            )
        current = dict(effective_entries(state)).get(number)
        if current is None:
            raise InputError(_("l'entrée n° {n} a déjà été retirée du journal.").format(n=number))
        entry: dict[str, Any] = {
            "type": "correction",
            "corrige": number,
            "date": now_paris().isoformat(timespec="seconds"),
        }
        given = [when, message, witness, reference, tracking, channel]
        names = {**CORRECT_OPTIONS, **(labels or {})}
        if withdraw:
            if any(value is not None for value in given):
                raise InputError(
                    _(
                        "--withdraw retire l'entrée entière : il ne se combine pas avec --at, "
                        "--channel, --message, --witness, --reference ni --tracking."
                    )
                )
            motive = clean_text(reason or "", names["reason"])
            if not motive:
                raise InputError(
                    _(
                        "--withdraw demande un motif, qui reste au journal : "
                        '--reason "noté deux fois", par exemple.'
                    )
                )
            entry.update(retire=True, motif=motive)
        else:
            entry["valeurs"] = self._corrected_values(target, current, *given, names=names)
            if reason and clean_text(reason, names["reason"]):
                entry["motif"] = clean_text(reason, names["reason"])
        self.journal.check_appendable()
        return self.journal.append(entry)

    def _corrected_values(
        self,
        target: Entry,
        current: dict[str, Any],
        when: datetime | None,
        message: str | None,
        witness: str | None,
        reference: str | None,
        tracking: str | None,
        channel: str | None = None,
        *,
        names: Mapping[str, str] = CORRECT_OPTIONS,
    ) -> dict[str, str]:
        """The fields that change, checked as ``record`` and ``sent`` check them."""
        n, sending = target.n, target.kind == "envoi"
        values: dict[str, str] = {}
        if channel is not None:
            values.update(self._corrected_channel(n, sending, current, channel, witness, names))
        if when is not None:
            if sending:
                prepared = self.journal.read().by_number(current["document_n"])
                if prepared is not None and when < prepared.when.replace(second=0):
                    raise _sent_before_prepared(prepared, names["at"])
            elif current.get("canal") == "ar":
                self._refuse_early_receipt(when)
            values["date"] = when.isoformat(timespec="seconds")
        if message is not None:
            if sending:
                raise InputError(
                    _("--message : l'entrée n° {n} est un envoi, sans message.").format(n=n)
                )
            values["description"] = clean_text(message, names["message"])
        if witness is not None:
            if values.get("canal", current.get("canal")) != "counter":
                raise InputError(_("--witness ne vaut que pour une présentation au guichet."))
            values["temoin"] = clean_text(witness, names["witness"])
        if reference is not None:
            if sending:
                raise InputError(
                    _("--reference : l'entrée n° {n} est un envoi ; --tracking ?").format(n=n)
                )
            values["reference"] = clean_text(reference, names["reference"])
        if tracking is not None:
            letter = (
                current.get("document") == "lettre"
                if sending
                else (values.get("canal", current.get("canal")) == "letter")
            )
            if not letter:
                raise InputError(_("--tracking ne vaut que pour l'envoi d'une lettre recommandée."))
            values.update(
                suivi=normalise_tracking(tracking, names["tracking"]), suivi_saisi=tracking
            )
        if not values:
            raise InputError(
                _(
                    "rien à corriger : donnez --at, --channel, --message, --witness, "
                    '--reference ou --tracking, ou bien --withdraw --reason "…" pour retirer '
                    "l'entrée."
                )
            )
        changed = {k: v for k, v in values.items() if current.get(k, "") != v}
        if not changed or set(changed) <= {"suivi_saisi", "type"}:
            raise InputError(_("l'entrée n° {n} a déjà ces valeurs : rien ne change.").format(n=n))
        return changed

    @staticmethod
    def _corrected_channel(
        n: int,
        sending: bool,
        current: dict[str, Any],
        channel: str,
        witness: str | None,
        names: Mapping[str, str],
    ) -> dict[str, str]:
        """A step recorded under the wrong channel: its channel, and with it whether it is an
        attempt or an event. A sending keeps the channel of its document."""
        if sending:
            raise InputError(
                _("{option} : l'entrée n° {n} est un envoi ; son canal suit le document.").format(
                    option=names["channel"], n=n
                )
            )
        if channel not in CHANNELS:
            raise InputError(
                _("canal inconnu « {channel} » ; canaux : {channels}.").format(
                    channel=channel, channels=", ".join(CHANNELS)
                )
            )
        if current.get("temoin") and channel != "counter" and witness in (None, ""):
            raise InputError(
                _(
                    "{option} : l'entrée n° {n} a un témoin, qui ne vaut que pour une "
                    "présentation au guichet ; retirez l'entrée et notez-la de nouveau."
                ).format(option=names["channel"], n=n)
            )
        kind = "tentative" if channel in ATTEMPT_CHANNELS else "evenement"
        return {"canal": channel, "type": kind}


def _sent_before_prepared(prepared: Entry, option: str = "--at") -> InputError:
    return InputError(
        _(
            "{option} : le document n° {n} a été préparé le {date} à {time} ; il ne peut pas "
            "être parti avant."
        ).format(
            option=option,
            n=prepared.n,
            date=f"{prepared.when:%d/%m/%Y}",
            time=f"{prepared.when:%H:%M}",
        )
    )


_NOT_CORRECTABLE = {
    "document": N_("un document préparé (préparez-en un nouveau s'il le faut)"),
    "correction": N_("déjà une correction (corrigez l'entrée qu'elle corrige)"),
    "horodatage": N_("un horodatage"),
}
