"""The journal: an append-only JSON Lines file of every step and document.

Each line is one entry, never rewritten. Appends happen under an exclusive lock,
so two processes writing at once both land; each append is flushed to disk
before the lock is released, so a crash can only tear the line being written.
A torn last line is reported (never dropped silently) and blocks further
appends until ``repair`` sets it aside. Each entry carries the SHA-256 of the
previous line (``precedent``), so later edits can be detected.

Writer and reader share one rule (``entries.read_entry``): an entry the reader would
refuse is never written. A line the reader refuses (edited by hand, or written by an
older version) stops every command until ``repair`` sets it aside: the line stays in
the file and in the chain, a copy goes to a side file, and a ``mise_de_cote`` entry
names it by its hash, so that readers pass over it and ``verify`` reports it.

Appending reads only the end of the file (the last line gives the next number
and the hash to chain to), so it costs the same at 50 entries or 50,000.
Reading the whole journal streams it line by line, and one command parses it
at most once: the parsed state is kept while the file is unchanged, and an
append made by this process extends it.
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

from .entries import SET_ASIDE, SET_ASIDE_MARK, loose_number, read_entry, unusable
from .errors import InputError, JournalError
from .frdates import now_paris
from .fsutil import LinkError, SpecialFileError, open_regular_fd, write_unique
from .i18n import _

try:  # POSIX
    import fcntl

    msvcrt = None
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt  # type: ignore[no-redef]

GENESIS = "0" * 64
CHUNK = 1 << 20  # streaming reads
FIRST_CHUNK = 1 << 13
TAIL_BLOCK = 1 << 13  # backward reads: one block holds the last line of any normal journal
# Windows locks are mandatory: a locked byte cannot be read by another process. The lock
# is taken on one byte far past the end of any journal (LockFile allows it), so that a
# `log` or `verify` running while another command appends never meets a locked byte.
# The offset fits in 32 bits for C runtimes that seek with a 32-bit ``long``.
WINDOWS_LOCK_OFFSET = 2**31 - 2


@dataclass(frozen=True)
class Entry:
    """One journal line, parsed."""

    data: dict[str, Any]
    line: int | None  # line number in the file (None: just appended, not counted)
    digest: str = ""  # SHA-256 of the line: what the next entry's ``precedent`` holds

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
    lines: int = 0  # complete lines, blank ones included
    # lines ``repair`` set aside, passed over: (line number, SHA-256, number it claims)
    set_aside: list[tuple[int, str, int]] = field(default_factory=list)

    def by_number(self, n: int) -> Entry | None:
        return next((e for e in self.entries if e.n == n), None)


@dataclass(frozen=True)
class Tail:
    """The end of the journal, read backwards: all an append needs."""

    last: Entry | None  # the last complete entry; None for an empty journal
    last_line: bytes  # its exact bytes (what a timestamp or an anchor hashes)
    torn: bytes | None  # non-blank bytes after the last newline: an interrupted write
    complete_end: int  # offset just after the last newline
    size: int

    @property
    def last_hash(self) -> str:
        return self.last.digest if self.last else GENESIS

    @property
    def last_n(self) -> int:
        return self.last.n if self.last else 0


def _line_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def parse_line(raw: bytes, number: int | None, path: Path) -> Entry:
    """One complete line as a checked entry (``entries.read_entry``), or a JournalError
    naming the line: a hand-edited line is refused where it is read, not deep in a
    document."""
    data, problem = read_entry(raw)
    if data is None:
        raise unusable(path, number, problem or "")
    return Entry(data, number, _line_hash(raw))


class Lines:
    """The journal's complete lines, streamed with their numbers (blank ones included).

    Once iterated, ``torn`` holds the non-blank bytes after the last newline (an
    interrupted write) and ``torn_line`` its line number. ``limit`` stops at a size
    taken beforehand, so what is read matches a ``stat`` of the file.
    """

    def __init__(self, path: Path, limit: int | None = None) -> None:
        self.path = path
        self.limit = limit
        self.torn: bytes | None = None
        self.torn_line: int | None = None
        self.count = 0

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        if not self.path.exists():
            return
        with os.fdopen(_open_journal(self.path, os.O_RDONLY), "rb") as handle:
            remaining = self.limit if self.limit is not None else -1
            rest, size = b"", FIRST_CHUNK  # small first: the first entry is often all we need
            while remaining != 0:
                chunk = handle.read(size if remaining < 0 else min(size, remaining))
                size = min(size * 4, CHUNK)
                if not chunk:
                    break
                if remaining > 0:
                    remaining -= len(chunk)
                parts = (rest + chunk).split(b"\n")
                rest = parts.pop()
                for raw in parts:
                    self.count += 1
                    yield self.count, raw
        if rest.strip():
            self.torn, self.torn_line = rest, self.count + 1


def _signature(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class Journal:
    """Reader and appender for one case's ``journal.jsonl``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: tuple[tuple[int, ...], JournalState] | None = None
        self._aside: tuple[tuple[int, ...], set[str]] | None = None

    def usable(self, raw: bytes, number: int | None) -> Entry | None:
        """One complete line as a checked entry; None when ``repair`` set it aside; else a
        JournalError naming the line (``entries.read_entry`` says what is wrong)."""
        data, problem = read_entry(raw)
        digest = _line_hash(raw)
        if data is not None:
            return Entry(data, number, digest)
        if digest in self.set_aside():
            return None
        raise unusable(self.path, number, problem or "")

    def set_aside(self) -> set[str]:
        """Hashes of the lines ``mise_de_cote`` entries list. Read only after a line was
        refused (one more pass over the file), kept while the file is unchanged."""
        signature = _signature(self.path.stat())
        if self._aside is not None and self._aside[0] == signature:
            return self._aside[1]
        found: set[str] = set()
        for __, raw in Lines(self.path):
            if SET_ASIDE_MARK in raw:
                data, __ = read_entry(raw)
                if data is not None and data["type"] == SET_ASIDE:
                    found.update(item["sha256"] for item in data["lignes"])
        self._aside = (signature, found)
        return found

    def _collect(self, numbered: Iterator[tuple[int, bytes]]) -> JournalState:
        state = JournalState()
        for number, line in numbered:
            state.lines = number
            if line.strip():
                entry = self.usable(line, number)
                if entry is None:
                    state.last_hash = _line_hash(line)
                    state.set_aside.append((number, state.last_hash, loose_number(line)))
                    continue
                state.entries.append(entry)
                state.last_hash = entry.digest
        return state

    # --- reading ------------------------------------------------------------
    def read(self) -> JournalState:
        """The whole journal, parsed once while the file does not change.

        The state returned is the journal as this process knows it: its own appends
        extend it (they are in the file too); anyone else's write makes the next
        ``read`` parse the file again."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return JournalState()
        signature = _signature(stat)
        if self._cache is not None and self._cache[0] == signature:
            return self._cache[1]
        lines = Lines(self.path, limit=stat.st_size)
        state = self._collect(iter(lines))
        if lines.torn is not None:
            state.torn = lines.torn.decode("utf-8", "replace")
            state.torn_line = lines.torn_line
        self._cache = (signature, state)
        return state

    def cached(self) -> JournalState | None:
        """The parsed journal if this process holds it and the file has not changed since."""
        if self._cache is None:
            return None
        try:
            signature = _signature(self.path.stat())
        except FileNotFoundError:
            return None
        return self._cache[1] if self._cache[0] == signature else None

    def entries(self, lines: Lines | None = None) -> Iterator[Entry]:
        """Every entry, streamed: memory stays flat whatever the journal's size.

        Pass ``lines`` to learn, once they are read, whether the last line is torn."""
        for number, line in lines if lines is not None else Lines(self.path):
            if line.strip() and (entry := self.usable(line, number)) is not None:
                yield entry

    def first_step_date(self, kinds: tuple[str, ...]) -> datetime | None:
        """The date of the first entry of one of ``kinds``, read from the top (usually line 1)."""
        return next((e.when for e in self.entries() if e.kind in kinds), None)

    def tail(self) -> Tail:
        """The last entry and any torn bytes, read from the end of the file."""
        if not self.path.exists():
            return Tail(None, b"", None, 0, 0)
        fd = _open_journal(self.path, os.O_RDONLY)
        try:
            if fcntl is not None:  # a shared lock: never see a line another writer is writing
                fcntl.flock(fd, fcntl.LOCK_SH)
            return _read_tail(fd, self.path)
        finally:
            os.close(fd)

    def check_appendable(self) -> None:
        """Refuse early when the last line is torn (``append`` checks again under the lock)."""
        _refuse_torn(self.tail(), self.path)

    # --- writing ------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[int]:
        fd = _open_journal(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND)
        locked = False
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd is closed
            else:  # Windows: LK_LOCK retries for 10 s, then fails
                os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            locked = True
            yield fd
        finally:
            if msvcrt is not None and locked:
                os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            os.close(fd)

    def append(self, data: dict[str, Any]) -> Entry:
        """Append one entry; ``n``, ``enregistre_le`` and ``precedent`` are filled here."""
        with self._locked() as fd:
            tail = _read_tail(fd, self.path)
            _refuse_torn(tail, self.path)
            appended = self._write_entry(fd, tail.last_n + 1, tail.last_hash, data)
            self._extend_cache(tail, appended, os.fstat(fd))
            return appended

    def _write_entry(self, fd: int, n: int, previous: str, data: dict[str, Any]) -> Entry:
        """Write entry ``n`` chained to ``previous``, if the reader will accept it: one rule
        for both (``entries.read_entry``), so that nothing written can brick the journal."""
        entry = {
            "n": n,
            **data,
            "enregistre_le": now_paris().isoformat(timespec="seconds"),
            "precedent": previous,
        }
        line = json.dumps(entry, ensure_ascii=False, separators=(", ", ": ")).encode("utf-8")
        __, problem = read_entry(line)
        if problem is not None:
            raise InputError(
                _("rien n'est noté : le journal refuserait cette entrée ({problem}).").format(
                    problem=problem
                ),
                hint=_("Vérifiez la date (--at) et les justificatifs, puis recommencez."),
            )
        _write_all(fd, line + b"\n")
        os.fsync(fd)
        return Entry(entry, None, _line_hash(line))

    def set_aside_unusable(self, stamp: str) -> tuple[Path, list[int]] | None:
        """Set aside every line the reader refuses and ``repair`` has not set aside yet:
        a copy of each goes to a side file, and a ``mise_de_cote`` entry names them by
        line number and hash. The lines stay where they are, byte for byte (the chain
        runs through them); readers pass over them from then on. None: nothing to do."""
        if not self.path.exists():
            return None
        with self._locked() as fd:
            tail = _read_tail(fd, self.path, check_last=False)
            _refuse_torn(tail, self.path)
            known, refused, last_n = self.set_aside(), [], 0
            for number, raw in Lines(self.path, limit=tail.complete_end):
                if not raw.strip():
                    continue
                data, __ = read_entry(raw)
                last_n = max(last_n, loose_number(raw))
                if data is None and _line_hash(raw) not in known:
                    refused.append((number, raw))
            if not refused:
                return None
            copy = b"".join(raw + b"\n" for __, raw in refused)
            side = write_unique(
                self.path.parent, f"journal-lignes-mises-de-cote-{stamp}", ".txt", copy
            )
            numbers = [number for number, __ in refused]
            self._write_entry(
                fd,
                last_n + 1,
                tail.last_hash,
                {
                    "type": SET_ASIDE,
                    "date": now_paris().isoformat(timespec="seconds"),
                    "description": "Lignes illisibles mises de côté par rdvletters repair : "
                    + ", ".join(map(str, numbers)),
                    "lignes": [{"ligne": n, "sha256": _line_hash(raw)} for n, raw in refused],
                    "fichier": side.name,
                    "sha256": hashlib.sha256(copy).hexdigest(),
                },
            )
            self._cache = None
            return side, numbers

    def _extend_cache(self, tail: Tail, appended: Entry, stat: os.stat_result) -> None:
        """Keep the parsed state current after our own append (no re-reading)."""
        cached = self._cache
        self._cache = None
        if cached is None or cached[1].torn is not None:
            return
        (dev, ino, size, *_), state = cached
        if (dev, ino, size) != (stat.st_dev, stat.st_ino, tail.size):
            return  # someone else wrote in between: the next read parses again
        number = state.lines + 1  # extended in place (O(1)): a state read here stays current
        state.entries.append(Entry(appended.data, number, appended.digest))
        state.last_hash, state.lines = appended.digest, number
        self._cache = (_signature(stat), state)

    def set_aside_torn_line(self) -> Path | None:
        """Move a torn last line to a side file and cut it from the journal.

        Only the incomplete bytes after the last newline are removed; every
        complete entry stays byte for byte. Returns the side file, or None.
        """
        if not self.path.exists():
            return None
        with self._locked() as fd:
            tail = _read_tail(fd, self.path, check_last=False)
            if tail.torn is None:
                return None
            stamp = now_paris().strftime("%Y%m%d-%H%M%S")
            side = write_unique(
                self.path.parent, f"journal-ligne-incomplete-{stamp}", ".txt", tail.torn
            )
            os.ftruncate(fd, tail.complete_end)
            os.fsync(fd)
            self._cache = None
            return side


def _open_journal(path: Path, flags: int) -> int:
    """A descriptor on the journal, if it is a regular file (``fsutil.open_regular_fd``:
    a journal replaced by a FIFO would make every command wait forever), not a link (an
    append would land in whatever file it points to); a folder keeps the system's words
    (``oserrors``)."""
    try:
        return open_regular_fd(path, flags, follow=False)
    except LinkError:
        raise JournalError(
            _(
                "{path} est un lien symbolique : le journal n'est ni lu ni complété à travers "
                "un lien."
            ).format(path=path),
            hint=_(
                "Remettez à sa place le vrai fichier journal.jsonl (un dossier reçu d'un tiers "
                "peut contenir un lien pour faire écrire ailleurs)."
            ),
        ) from None
    except SpecialFileError:
        raise JournalError(
            _(
                "{path} : c'est un fichier spécial (tube, périphérique…), pas un fichier "
                "ordinaire ; le journal n'est pas lu."
            ).format(path=path),
            hint=_(
                "Remettez le journal à sa place depuis une sauvegarde (un fichier "
                "journal.jsonl ordinaire)."
            ),
        ) from None


def _refuse_torn(tail: Tail, path: Path) -> None:
    if tail.torn is not None:
        raise JournalError(
            _(
                "{path} : la dernière ligne est incomplète (écriture interrompue). "
                "Rien n'a été ajouté."
            ).format(path=path),
            hint=_("Mettez-la de côté avec : rdvletters repair"),
        )


def _read_at(fd: int, offset: int, size: int) -> bytes:
    """``size`` bytes at ``offset`` (no ``os.pread``: Windows has none)."""
    os.lseek(fd, offset, os.SEEK_SET)
    chunks = []
    while size > 0 and (chunk := os.read(fd, size)):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_tail(fd: int, path: Path, check_last: bool = True) -> Tail:
    """Read backwards from the end until the last complete non-blank line is whole."""
    size = os.fstat(fd).st_size
    start, buf, block = size, b"", TAIL_BLOCK
    while True:
        parts = buf.split(b"\n")
        whole = parts[:-1] if start == 0 else parts[1:-1]  # parts[0] may be cut at ``start``
        found = [p for p in whole if p.strip()]
        if found or start == 0:
            break
        step = min(block, start)
        start -= step
        buf = _read_at(fd, start, step) + buf
        block *= 2  # a very long line costs a few reads, not one per block
    after = parts[-1]
    torn = after if after.strip() else None
    if not found:
        return Tail(None, b"", torn, size - len(after), size)
    last_line = found[-1]
    if check_last:
        last = parse_line(last_line, None, path)
    else:
        last = Entry({}, None, _line_hash(last_line))
    return Tail(last, last_line, torn, size - len(after), size)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
