"""What still waits for a timestamp, and who is draining it right now.

The journal itself says what is covered: the horodatage entries after the last
other entry, each naming the entry it covers (``entree``) and the root its token
chains to, judged as every figure judges it (``stamptrust``: that root trusted here
now; a token kept as ``autorité non reconnue``, its root named only by the case's
settings, is not asked again for that entry and counts only once the person trusts
its root). ``horodatage/en_attente.json`` only remembers
since when something waits and why the last try failed, for ``status``; a case
folder is untrusted input, so nothing in it decides what to ask or whom to trust.

A lock file keeps two processes (the web app and a command, say) from asking
for the same entry at once: the second one simply skips its turn.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ...case import Case
from ...entries import read_entry
from ...frdates import now_paris
from ...fsutil import SpecialFileError, open_regular_fd, private_dir, replace_file
from ...stampcount import TRUSTED

FOLDER = "horodatage"
QUEUE = "en_attente.json"
LOCK = ".verrou"
KIND = "horodatage"
QUEUE_BYTES = 1 << 16
TAIL_BYTES = 1 << 17  # the last entries: a step and the few tokens that cover it

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, a rare duplicate token at worst
    fcntl = None  # type: ignore[assignment]


def queue_path(case: Case) -> Path:
    return case.root / FOLDER / QUEUE


def read_queue(case: Case) -> dict[str, Any] | None:
    """The queue's record, or None; an unreadable one still says « something waits »."""
    path = queue_path(case)
    if not path.exists():
        return None
    try:
        with os.fdopen(open_regular_fd(path, follow=False), "rb") as handle:  # no link
            data = json.loads(handle.read(QUEUE_BYTES))
    except (OSError, ValueError):
        return {"depuis": None}
    return data if isinstance(data, dict) else {"depuis": None}


def note_waiting(case: Case, entry: int, reasons: list[str]) -> None:
    """Remember that entry ``entry`` still waits, since when, and why."""
    now = now_paris().isoformat(timespec="seconds")
    before = read_queue(case) or {}
    since = before.get("depuis") if isinstance(before.get("depuis"), str) else None
    record = {
        "depuis": since or now,
        "derniere_tentative": now,
        "entree": entry,
        "raisons": [str(r)[:300] for r in reasons[:8]],
    }
    private_dir(queue_path(case).parent)
    replace_file(queue_path(case), json.dumps(record, ensure_ascii=False, indent=1).encode())


def clear(case: Case) -> None:
    with contextlib.suppress(FileNotFoundError):
        queue_path(case).unlink()


@contextlib.contextmanager
def drain_lock(case: Case) -> Iterator[bool]:
    """True when this process may drain now; False when another one is at it."""
    folder = case.root / FOLDER
    if fcntl is None or not folder.is_dir():
        yield True
        return
    try:
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        yield True  # a read-only folder: the append will say so
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


@dataclass
class Coverage:
    """The last step (any entry but a token) and the tokens written after it."""

    last_step: int = 0  # its number; 0 for a journal of tokens only, or an empty one
    urls: set[str] = field(default_factory=set)  # authorities that answered for it
    head_is_token: bool = False
    covering: list[dict[str, Any]] = field(default_factory=list)  # those tokens' data
    judge: Callable[[dict[str, Any]], bool] | None = None  # ``stamptrust.judge``

    @cached_property
    def roots(self) -> set[str]:
        """The roots of the covering tokens that count (independence): judged as every
        figure judges them (``stamptrust``), and only when asked, since that reads the
        roots trusted here."""
        counts = self.judge or (lambda data: data.get("verification") == TRUSTED)
        return {
            str(d["racine_sha256"]) for d in self.covering if d.get("racine_sha256") and counts(d)
        }

    def missing(self, needed: int) -> int:
        return max(0, needed - len(self.roots)) if self.last_step else 0


def coverage(case: Case) -> Coverage:
    """Read from the end of the journal: what covers its last step, at a fixed cost."""
    found = Coverage()
    path = case.journal.path
    try:
        fd = open_regular_fd(path, follow=False)  # a link is no journal (LinkError: special)
    except (FileNotFoundError, SpecialFileError, IsADirectoryError):
        return found
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        start = max(0, size - TAIL_BYTES)
        handle.seek(start)
        chunk = handle.read(TAIL_BYTES)
    lines = chunk.split(b"\n")[:-1]  # what follows the last newline is torn or empty
    if start:
        lines = lines[1:]  # cut in the middle
    tokens: list[dict[str, Any]] = []
    for raw in reversed(lines):
        if not raw.strip():
            continue
        data, _problem = read_entry(raw)
        if data is None:
            continue
        if data["type"] != KIND:
            found.last_step = int(data["n"])
            break
        tokens.append(data)
    found.head_is_token = bool(tokens)
    found.covering = [d for d in tokens if int(d["entree"]) >= found.last_step]
    found.urls = {str(d.get("tsa")) for d in found.covering}  # asked already: not again
    if found.covering:
        from .stamptrust import judge  # reads nothing until ``roots`` is asked

        found.judge = judge(case)
    return found
