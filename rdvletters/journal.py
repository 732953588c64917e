"""The journal: an append-only JSON Lines file of every step and document.

Each line is one entry, never rewritten. Appends happen under an exclusive lock,
so two processes writing at once both land; each append is flushed to disk
before the lock is released, so a crash can only tear the line being written.
A torn last line is reported (never dropped silently) and blocks further
appends until ``repair`` sets it aside. Each entry carries the SHA-256 of the
previous line (``precedent``), so later edits can be detected.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import JournalError
from .frdates import now_paris
from .fsutil import FILE_MODE, write_unique

try:  # POSIX
    import fcntl

    msvcrt = None
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt  # type: ignore[no-redef]

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    """One journal line, parsed."""

    data: dict[str, Any]
    line: int

    @property
    def n(self) -> int:
        return int(self.data["n"])

    @property
    def kind(self) -> str:
        return str(self.data["type"])

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.data["date"])

    @property
    def channel(self) -> str | None:
        return self.data.get("canal")


@dataclass
class JournalState:
    """Everything read from the journal file, including a torn last line."""

    entries: list[Entry] = field(default_factory=list)
    torn: str | None = None
    torn_line: int | None = None
    last_hash: str = GENESIS

    def by_number(self, n: int) -> Entry | None:
        return next((e for e in self.entries if e.n == n), None)


def _line_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def parse(raw: bytes, path: Path) -> JournalState:
    """Parse journal bytes. A bad complete line is an error; a torn last line is kept aside."""
    state = JournalState()
    lines = raw.split(b"\n")
    tail = lines.pop()  # after the final newline: b"" unless the last line is torn
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or "n" not in data or "type" not in data:
                raise ValueError("entrée sans numéro ou sans type")
        except ValueError as exc:
            raise JournalError(
                f"{path}, ligne {number} : entrée illisible ({exc}).",
                hint="Le journal a été modifié à la main ; restaurez une sauvegarde.",
            ) from None
        state.entries.append(Entry(data, number))
        state.last_hash = _line_hash(line)
    if tail.strip():
        state.torn = tail.decode("utf-8", "replace")
        state.torn_line = len(lines) + 1
    return state


class Journal:
    """Reader and appender for one case's ``journal.jsonl``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> JournalState:
        if not self.path.exists():
            return JournalState()
        return parse(self.path.read_bytes(), self.path)

    def check_appendable(self) -> None:
        """Refuse early when the last line is torn (``append`` checks again under the lock)."""
        _refuse_torn(self.read(), self.path)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[int]:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd is closed
            else:  # pragma: no cover - Windows: lock the first byte, retried for 10 s
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            yield fd
        finally:
            if msvcrt is not None:  # pragma: no cover - Windows
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            os.close(fd)

    def append(self, data: dict[str, Any]) -> Entry:
        """Append one entry; ``n``, ``enregistre_le`` and ``precedent`` are filled here."""
        with self._locked() as fd:
            state = parse(_read_all(fd), self.path)
            _refuse_torn(state, self.path)
            number = max((e.n for e in state.entries), default=0) + 1
            entry = {
                "n": number,
                **data,
                "enregistre_le": now_paris().isoformat(timespec="seconds"),
                "precedent": state.last_hash,
            }
            line = json.dumps(entry, ensure_ascii=False, separators=(", ", ": "))
            os.write(fd, line.encode("utf-8") + b"\n")
            os.fsync(fd)
            return Entry(entry, len(state.entries) + 1)

    def set_aside_torn_line(self) -> Path | None:
        """Move a torn last line to a side file and cut it from the journal.

        Only the incomplete bytes after the last newline are removed; every
        complete entry stays byte for byte. Returns the side file, or None.
        """
        with self._locked() as fd:
            raw = _read_all(fd)
            state = parse(raw, self.path)
            if state.torn is None:
                return None
            cut = raw.rfind(b"\n") + 1
            stamp = now_paris().strftime("%Y%m%d-%H%M%S")
            side = write_unique(
                self.path.parent, f"journal-ligne-incomplete-{stamp}", ".txt", raw[cut:]
            )
            os.ftruncate(fd, cut)
            os.fsync(fd)
            return side


def _refuse_torn(state: JournalState, path: Path) -> None:
    if state.torn is not None:
        raise JournalError(
            f"{path}, ligne {state.torn_line} : la dernière ligne est incomplète "
            "(écriture interrompue). Rien n'a été ajouté.",
            hint="Mettez-la de côté avec : rdvletters repair",
        )


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)
