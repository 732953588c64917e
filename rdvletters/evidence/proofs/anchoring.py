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

``verify`` compares the journal with every anchor found in the case folder; a
copy held by someone else can be compared by hand with ``rdvletters verify``'s
figures. Reading anchors needs only the standard library (the ``email``
package when there are e-mails), and the token reader when there are tokens.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ...casepaths import INVENTORY as INVENTORY_BYTES
from ...casepaths import TOKEN as TOKEN_BYTES
from ...casepaths import inside, open_regular_fd, read_bounded
from ...i18n import _

HEADER = "X-Rdvletters-Journal"
_VALUE = re.compile(r"^\s*(\d{1,9})\s+([0-9a-f]{64})\s*$")
INVENTORY_PREFIX = "Journal des démarches"
_INVENTORY = re.compile(  # \s: French typography puts non-breaking spaces in it
    INVENTORY_PREFIX + r"\s*:.*?entrée\s+n°\s*(\d{1,9}),\s+empreinte\s+SHA-256\s+([0-9a-f]{64})"
)
HEADER_BYTES = 1 << 16  # an e-mail's headers are read, never its attachments
MAIL_FOLDERS = ("documents", "pieces")
INVENTORY = "00_Inventaire.txt"
TOKEN_FOLDER = "horodatage"


@dataclass(frozen=True)
class Anchor:
    """« Entry ``n``'s line had SHA-256 ``digest`` », kept in ``source``."""

    source: str  # what holds it, in words, with its path in the case folder
    digest: str
    n: int | None  # None for a timestamp token: it names only the hash
    when: datetime | None = None  # when the anchor was made, if it says


def header_value(n: int, digest: str) -> str:
    """The value of the e-mail header: ``<entry number> <sha256 of its line>``."""
    return f"{n} {digest}"


def inventory_line(count: int, n: int, digest: str) -> str:
    """The line a dossier's inventory prints, and ``verify`` reads back."""
    return (
        f"{INVENTORY_PREFIX} : {count} entrée{'s' if count > 1 else ''}, dernière entrée "
        f"n° {n}, empreinte SHA-256 {digest}"
    )


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _from_mail(path: Path, root: Path) -> list[Anchor]:
    from email.parser import BytesHeaderParser  # only when the case has e-mails
    from email.policy import default as default_policy
    from email.utils import parsedate_to_datetime

    with os.fdopen(open_regular_fd(path, follow=False), "rb") as handle:  # a FIFO: noted
        head = handle.read(HEADER_BYTES)
    headers = BytesHeaderParser(policy=default_policy).parsebytes(head)
    try:
        when = parsedate_to_datetime(str(headers["Date"])) if headers["Date"] else None
    except (TypeError, ValueError, OverflowError, RecursionError):  # past 9999, nested…
        when = None
    anchors = []
    for value in headers.get_all(HEADER) or []:
        match = _VALUE.match(str(value))
        if match:
            source = _("le courriel {path}").format(path=_relative(path, root))
            anchors.append(Anchor(source, match[2], int(match[1]), when))
    return anchors


def _from_inventory(path: Path, root: Path) -> list[Anchor]:
    text = read_bounded(path, INVENTORY_BYTES).decode("utf-8", errors="replace")
    source = _("l'inventaire du dossier {folder}").format(folder=path.relative_to(root).parts[0])
    return [Anchor(source, m[2], int(m[1])) for m in _INVENTORY.finditer(text)]


def _from_tokens(folder: Path, root: Path, notes: list[str]) -> list[Anchor]:
    files = sorted(_confined(root, folder.glob("*.tsr"))) if folder.is_dir() else []
    if not files:
        return []
    from . import tokens  # cryptography: only when there are tokens

    anchors = []
    for path in files:
        try:
            token = tokens.read_token(read_bounded(path, TOKEN_BYTES))  # a FIFO, 3 GB: noted
        except (OSError, tokens.TokenError) as exc:
            notes.append(
                _("jeton {path} illisible ({error}) : ancre ignorée").format(
                    path=_relative(path, root), error=exc
                )
            )
            continue
        if token.hash_name == "sha256":
            source = _("le jeton d'horodatage {path}").format(path=_relative(path, root))
            anchors.append(Anchor(source, token.imprint.lower(), None, token.gen_time))
    return anchors


def find(root: Path) -> tuple[list[Anchor], list[str]]:
    """Every anchor in the case folder, and notes on the ones that could not be read."""
    anchors: list[Anchor] = []
    notes: list[str] = []
    for folder in MAIL_FOLDERS:
        for path in sorted(_confined(root, (root / folder).glob("*.eml"))):
            try:
                anchors += _from_mail(path, root)
            except (OSError, ValueError, OverflowError, RecursionError) as exc:
                notes.append(_unreadable(path, root, exc))
    inventories = _confined(root, [*root.glob(f"*/{INVENTORY}"), *root.glob(f"*/*/{INVENTORY}")])
    for path in sorted(inventories):  # dossier_…/ or dossier_…/Ne_pas_deposer/
        try:
            anchors += _from_inventory(path, root)
        except OSError as exc:
            notes.append(_unreadable(path, root, exc))
    anchors += _from_tokens(root / TOKEN_FOLDER, root, notes)
    return anchors, notes


def _confined(root: Path, found: Iterable[Path]) -> list[Path]:
    """The files found that lie inside the case without a link on the way (a ``pieces/``
    linked elsewhere holds no anchor of this case)."""
    return [p for p in found if inside(root, p.relative_to(root).as_posix()) is not None]


def _unreadable(path: Path, root: Path, exc: Exception) -> str:
    return _("{path} illisible ({error}) : ancre ignorée").format(
        path=_relative(path, root), error=exc
    )


class Comparison:
    """The journal against its anchors, filled while ``verify`` reads the journal once.

    Only the entries that anchors name are remembered: memory stays flat.
    """

    def __init__(self, anchors: list[Anchor]) -> None:
        self.anchors = anchors
        self.last_n = 0
        self.wanted_n = {a.n for a in anchors if a.n is not None}
        self.wanted_digest = {a.digest for a in anchors if a.n is None}
        self.seen_n: dict[int, str] = {}  # entry number -> its line's hash
        self.seen_digest: dict[str, int] = {}  # token hash -> entry number

    def see(self, n: int, digest: str) -> None:
        """One entry of the journal, in file order."""
        self.last_n = max(self.last_n, n)
        if n in self.wanted_n:
            self.seen_n.setdefault(n, digest)
        if digest in self.wanted_digest:
            self.seen_digest.setdefault(digest, n)

    def outcome(self) -> tuple[list[str], int, list[Anchor]]:
        """(problems, last entry anchored, anchors that hold)."""
        problems, holding = [], []
        for anchor in self.anchors:
            problem = self._check(anchor)
            if problem:
                problems.append(problem)
            else:
                holding.append(anchor)
        anchored = max((self._number(a) for a in holding), default=0)
        return list(dict.fromkeys(problems)), anchored, holding

    def _number(self, anchor: Anchor) -> int:
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
