"""Anchors: the journal's state, written down outside the journal.

The hash chain shows an entry edited, moved or removed in the middle of the
journal. It cannot show the last entries cut off on a line boundary, the last
entry edited, or entries appended by someone who recomputes the chain: the
journal would still be a valid chain. What shows them is a copy of the chain
head kept somewhere else, an *anchor*, saying « entry n's line had this
SHA-256 »:

- every e-mail rdvletters writes carries ``X-Rdvletters-Journal: <n> <sha256>``
  in its headers: the préfecture's mailbox keeps a copy, and so does
  ``documents/`` (the draft, and the exact bytes sent);
- every dossier (``bundle``) prints it in its inventory, which the association
  or the court keeps;
- every trusted timestamp token (``horodatage/*.tsr``) signs the SHA-256 of the
  line it covers (a token names the hash, not the entry number).

Anchors come only from what is the person's own: the e-mails the journal records
as written or sent by them (a draft, a sent copy, the copy of an e-mail they
sent), dossiers, and tokens. An e-mail someone else sent (an answer kept as a
proof) may carry the header too, by chance or on purpose: it is never read as
an anchor. An e-mail or a token counts only while the entry that recorded it is
still in the journal, and a token only when its authority is trusted: a sent
copy whose entry was cut off shows the cut, it does not vouch for what is left.
A copy kept elsewhere is compared on demand (``verify --copy``).

Reading anchors needs only the standard library (the ``email`` package when
there are e-mails), and the token reader when there are tokens.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ...casepaths import inside, open_regular_fd, read_bounded
from ...i18n import _
from ...journal_anchor import HEADER  # written by delivery, read back here

_VALUE = re.compile(r"^\s*(\d{1,9})\s+([0-9a-f]{64})\s*$")
INVENTORY_PREFIX = "Journal des démarches"
_INVENTORY = re.compile(  # \s: French typography puts non-breaking spaces in it
    INVENTORY_PREFIX + r"\s*:.*?entrée\s+n°\s*(\d{1,9}),\s+empreinte\s+SHA-256\s+([0-9a-f]{64})"
)
HEADER_BYTES = 1 << 16  # an e-mail's headers are read, never its attachments
INVENTORY_BYTES = 1 << 20
MAIL_FOLDERS = ("documents", "pieces")
INVENTORY = "00_Inventaire.txt"
TOKEN_FOLDER = "horodatage"
MAIL, INVENTORY_KIND, TOKEN, COPY = "courriel", "inventaire", "jeton", "copie"
OWN_FOLDERS = ("documents", TOKEN_FOLDER)  # rdvletters writes there, and journals each file


@dataclass(frozen=True)
class Anchor:
    """« Entry ``n``'s line had SHA-256 ``digest`` », kept in ``source``."""

    source: str  # what holds it, in words, with its path in the case folder
    digest: str
    n: int | None  # None for a timestamp token: it names only the hash
    when: datetime | None = None  # when the anchor was made, if it says
    file: str = ""  # case-relative path of the file holding it ("" for a given copy)
    kind: str = MAIL


def inventory_line(count: int, n: int, digest: str) -> str:
    """The line a dossier's inventory prints, and ``verify`` reads back."""
    return (
        f"{INVENTORY_PREFIX} : {count} entrée{'s' if count > 1 else ''}, dernière entrée "
        f"n° {n}, empreinte SHA-256 {digest}"
    )


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _read(path: Path, limit: int) -> bytes:
    """The first ``limit`` bytes of a regular file, not read through a link (a FIFO or a
    link in the case folder: noted, never waited on nor followed)."""
    with os.fdopen(open_regular_fd(path, follow=False), "rb") as handle:
        return handle.read(limit)


def _confined(root: Path, found: Iterable[Path]) -> list[Path]:
    """The files found that lie inside the case without a link on the way (a ``pieces/``
    linked elsewhere holds no anchor of this case)."""
    return [p for p in found if inside(root, p.relative_to(root).as_posix()) is not None]


def mail_anchors(head: bytes, source: str, file: str = "", kind: str = MAIL) -> list[Anchor]:
    """The anchors in an e-mail's headers (``head``: its first bytes)."""
    from email.parser import BytesHeaderParser  # only when the case has e-mails
    from email.policy import default as default_policy
    from email.utils import parsedate_to_datetime

    headers = BytesHeaderParser(policy=default_policy).parsebytes(head)
    try:
        when = parsedate_to_datetime(str(headers["Date"])) if headers["Date"] else None
    except (TypeError, ValueError, IndexError, OverflowError, RecursionError):  # past 9999…
        when = None
    anchors = []
    for value in headers.get_all(HEADER) or []:
        match = _VALUE.match(str(value))
        if match:
            anchors.append(Anchor(source, match[2], int(match[1]), when, file, kind))
    return anchors


def inventory_anchors(text: str, source: str, file: str = "", kind: str = INVENTORY_KIND):
    return [Anchor(source, m[2], int(m[1]), None, file, kind) for m in _INVENTORY.finditer(text)]


def _from_tokens(folder: Path, root: Path, notes: list[str]) -> list[Anchor]:
    files = sorted(_confined(root, folder.glob("*.tsr"))) if folder.is_dir() else []
    if not files:
        return []
    from . import tokens  # cryptography: only when there are tokens
    from .stampcheck import MAX_TOKEN

    anchors = []
    for path in files:
        try:
            token = tokens.read_token(read_bounded(path, MAX_TOKEN))  # too big: said so
        except (OSError, tokens.TokenError) as exc:
            notes.append(
                _("jeton {path} illisible ({error}) : ancre ignorée").format(
                    path=_relative(path, root), error=exc
                )
            )
            continue
        if token.hash_name == "sha256":
            relative = _relative(path, root)
            source = _("le jeton d'horodatage {path}").format(path=relative)
            anchors.append(
                Anchor(source, token.imprint.lower(), None, token.gen_time, relative, TOKEN)
            )
    return anchors


def find(root: Path) -> tuple[list[Anchor], list[str]]:
    """Every candidate anchor in the case folder, and notes on the ones that could not be
    read. Which ones count is decided against the journal (``Comparison.outcome``)."""
    anchors: list[Anchor] = []
    notes: list[str] = []
    for folder in MAIL_FOLDERS:
        for path in sorted(_confined(root, (root / folder).glob("*.eml"))):
            relative = _relative(path, root)
            source = _("le courriel {path}").format(path=relative)
            try:
                anchors += mail_anchors(_read(path, HEADER_BYTES), source, relative)
            except (OSError, ValueError, OverflowError, RecursionError) as exc:
                notes.append(_unreadable(path, root, exc))
    inventories = _confined(root, [*root.glob(f"*/{INVENTORY}"), *root.glob(f"*/*/{INVENTORY}")])
    for path in sorted(inventories):  # dossier_…/ or dossier_…/Ne_pas_deposer/
        try:
            text = read_bounded(path, INVENTORY_BYTES).decode("utf-8", errors="replace")
        except OSError as exc:
            notes.append(_unreadable(path, root, exc))
            continue
        folder = path.relative_to(root).parts[0]
        source = _("l'inventaire du dossier {folder}").format(folder=folder)
        anchors += inventory_anchors(text, source, _relative(path, root))
    anchors += _from_tokens(root / TOKEN_FOLDER, root, notes)
    return anchors, notes


def from_copy(path: Path) -> list[Anchor]:
    """The anchors of a copy kept elsewhere, given by the person (``verify --copy``): an
    e-mail as received (``.eml``) or a dossier's ``00_Inventaire.txt``."""
    data = _read(path, INVENTORY_BYTES)
    source = _("la copie {path}").format(path=path)
    found = mail_anchors(data[:HEADER_BYTES], source, kind=COPY)
    return found or inventory_anchors(data.decode("utf-8", errors="replace"), source, kind=COPY)


def _unreadable(path: Path, root: Path, exc: Exception) -> str:
    return _("{path} illisible ({error}) : ancre ignorée").format(
        path=_relative(path, root), error=exc
    )


def recorded_files(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(file, kind) of the anchor-holding files an entry records as the person's own: the
    e-mails they prepared, sent or copied, and the tokens they obtained."""
    kind = data.get("type")
    if kind == "horodatage":
        yield str(data.get("fichier", "")), TOKEN
        return
    own = kind in ("document", "envoi") or (kind == "tentative" and data.get("canal") == "email")
    if not own:
        return
    if data.get("fichier"):
        yield str(data["fichier"]), MAIL
    for piece in data.get("pieces", []):
        yield str(piece.get("fichier", "")), MAIL


@dataclass
class Outcome:
    """The comparison's result: problems, the last entry anchored, what holds, notes."""

    problems: list[str] = field(default_factory=list)
    anchored: int = 0
    holding: list[Anchor] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counted: list[Anchor] = field(default_factory=list)  # every anchor taken into account


class Comparison:
    """The journal against its anchors, filled while ``verify`` reads the journal once.

    Only the entries that anchors name are remembered: memory stays flat.
    """

    def __init__(self, anchors: list[Anchor]) -> None:
        self.anchors = anchors
        self.last_n = 0
        self.last_step_n = 0  # the last entry that is not a timestamp token
        self.wanted_n = {a.n for a in anchors if a.n is not None}
        self.wanted_digest = {a.digest for a in anchors if a.n is None}
        self.wanted_files = {a.file for a in anchors if a.file}
        self.seen_n: dict[int, str] = {}  # entry number -> its line's hash
        self.seen_digest: dict[str, int] = {}  # token hash -> entry number
        self.recorded: dict[str, str] = {}  # anchor file -> what records it (MAIL, TOKEN)

    def see(self, n: int, digest: str, data: dict[str, Any] | None = None) -> None:
        """One entry of the journal, in file order."""
        self.last_n = max(self.last_n, n)
        if data is not None and data.get("type") != "horodatage":
            self.last_step_n = max(self.last_step_n, n)
        if n in self.wanted_n:
            self.seen_n.setdefault(n, digest)
        if digest in self.wanted_digest:
            self.seen_digest.setdefault(digest, n)
        if data is not None and self.wanted_files:
            for file, kind in recorded_files(data):
                if file in self.wanted_files:
                    self.recorded.setdefault(file, kind)

    def outcome(self, trusted_tokens: set[str] | None = None) -> Outcome:
        """Which anchors count, which hold, and what each one that does not hold says.

        ``trusted_tokens``: token files whose authority is trusted (``stampcheck``)."""
        result = Outcome()
        for anchor in self.anchors:
            counts, said = self._admit(anchor, trusted_tokens or set())
            result.notes += said if counts is not None else []
            if counts is None:
                continue  # not the person's own: silently not an anchor
            problem = self._check(anchor)
            if not counts:
                result.problems += [p for p in (self._orphan(anchor), problem) if p]
                continue
            result.counted.append(anchor)
            if problem:
                result.problems.append(problem)
            elif anchor.kind != TOKEN or anchor.file in (trusted_tokens or set()):
                result.holding.append(anchor)
        result.anchored = max((self.number_of(a) for a in result.holding), default=0)
        result.problems = list(dict.fromkeys(result.problems))
        return result

    def _admit(self, anchor: Anchor, trusted: set[str]) -> tuple[bool | None, list[str]]:
        """(None: not an anchor at all; False: an orphan; True: it counts), with notes."""
        if anchor.kind in (INVENTORY_KIND, COPY):
            return True, []
        recorded = self.recorded.get(anchor.file)
        top = anchor.file.split("/", 1)[0]
        if recorded is None:
            return (False if top in OWN_FOLDERS else None), []
        if anchor.kind == TOKEN and anchor.file not in trusted:
            note = _("{source} : autorité non reconnue ici, il ne compte pas comme ancre.").format(
                source=anchor.source
            )
            return True, [note]
        return True, []

    def _orphan(self, anchor: Anchor) -> str:
        return _(
            "{source} n'est noté par aucune entrée du journal : l'entrée qui le notait a été "
            "retirée (fin du journal coupée ?) ou son écriture a été interrompue ; il ne compte "
            "pas comme ancre."
        ).format(source=anchor.source)

    def number_of(self, anchor: Anchor) -> int:
        """The entry an anchor fixes (a token's: the line whose hash it signed)."""
        return anchor.n if anchor.n is not None else self.seen_digest.get(anchor.digest, 0)

    def _check(self, anchor: Anchor) -> str | None:
        when = _(" du {date}").format(date=f"{anchor.when:%d/%m/%Y %H:%M}") if anchor.when else ""
        said = {
            "source": anchor.source,
            "when": when,
            "n": anchor.n,
            "digest": anchor.digest[:16],
            "last": self.last_n,
        }
        if anchor.n is None:
            if anchor.digest in self.seen_digest:
                return None
            return _(
                "{source}{when} couvre un état du journal qu'aucune de ses lignes n'a plus "
                "(empreinte {digest}…) : le journal a été coupé ou réécrit après cet "
                "horodatage."
            ).format(**said)
        found = self.seen_n.get(anchor.n)
        if found == anchor.digest:
            return None
        if found is None and anchor.n > self.last_n:
            return _(
                "{source}{when} atteste l'entrée n° {n}, mais le journal s'arrête à l'entrée "
                "n° {last} : des entrées ont été retirées de la fin."
            ).format(**said)
        if found is None:
            return _("{source}{when} atteste l'entrée n° {n}, absente du journal.").format(**said)
        return _(
            "{source}{when} fixe l'entrée n° {n} avec l'empreinte {digest}…, le journal a "
            "maintenant {found}… : le journal a été modifié à l'entrée n° {n} ou avant, ou "
            "réécrit depuis."
        ).format(found=found[:16], **said)
