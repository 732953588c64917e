"""The journal file's bytes: lines streamed, the tail read backwards, whole lines appended.

``journal.Journal`` builds on these: what an entry means, the parsed state, the cache,
``repair``. Nothing here knows more of an entry than its line and its hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .casepaths import LinkError, SpecialFileError, open_regular_fd
from .entries import MAX_LINE, read_entry, unusable
from .errors import JournalError
from .fsutil import read_only_said
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


class LongLine(bytes):
    """A line longer than any entry (``entries.MAX_LINE``), standing for it: its first
    ``MAX_LINE + 1`` bytes, with the size and the SHA-256 of the whole (read again from
    the file, in chunks, the first time it is asked for: a torn tail never needs it). A
    2 GB line is never held in memory, and the reader says of it what it would say of
    the whole line."""

    size: int
    _digest: str | None
    _where: tuple[Path, int] | None

    @classmethod
    def of(cls, prefix: bytes, size: int, where: tuple[Path, int] | str) -> LongLine:
        line = cls(prefix[: MAX_LINE + 1])
        line.size = size
        line._digest, line._where = (where, None) if isinstance(where, str) else (None, where)
        return line

    @property
    def digest(self) -> str:
        if self._digest is None and self._where is not None:
            path, offset = self._where
            fd = open_journal(path, os.O_RDONLY)
            try:
                self._digest = _hash_at(fd, offset, offset + self.size)
            finally:
                os.close(fd)
        return self._digest or ""


def line_hash(raw: bytes) -> str:
    return getattr(raw, "digest", None) or hashlib.sha256(raw).hexdigest()


def parse_line(raw: bytes, number: int | None, path: Path) -> Entry:
    """One complete line as a checked entry (``entries.read_entry``), or a JournalError
    naming the line: a hand-edited line is refused where it is read, not deep in a
    document."""
    data, problem = read_entry(raw)
    if data is None:
        raise unusable(path, number, problem or "")
    return Entry(data, number, line_hash(raw))


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
        with os.fdopen(open_journal(self.path, os.O_RDONLY), "rb") as handle:
            remaining = self.limit if self.limit is not None else -1
            rest, size, offset = _Growing(), FIRST_CHUNK, 0  # small first: one entry may do
            while remaining != 0:
                chunk = handle.read(size if remaining < 0 else min(size, remaining))
                size = min(size * 4, CHUNK)
                if not chunk:
                    break
                if remaining > 0:
                    remaining -= len(chunk)
                parts = chunk.split(b"\n")
                rest.add(parts[0])
                if len(parts) == 1:  # the line goes on in the next chunk
                    continue
                self.count += 1
                yield self.count, rest.line(self.path, offset)
                offset += rest.size + 1
                for raw in parts[1:-1]:
                    self.count += 1
                    yield self.count, raw
                    offset += len(raw) + 1
                rest = _Growing(parts[-1])
        last = rest.line(self.path, offset)
        if last.strip() or isinstance(last, LongLine):
            self.torn, self.torn_line = last, self.count + 1


class _Growing:
    """A line read in pieces: kept whole up to ``MAX_LINE`` bytes, beyond that only its
    start and its size (never a copy of a gigabyte)."""

    def __init__(self, start: bytes = b"") -> None:
        self.data, self.size = start, len(start)

    def add(self, piece: bytes) -> None:
        if len(self.data) <= MAX_LINE:
            self.data = (self.data + piece)[: MAX_LINE + 1]
        self.size += len(piece)

    def line(self, path: Path, offset: int) -> bytes:
        """The line, or a ``LongLine`` for it (``offset``: where it starts in ``path``)."""
        return (
            self.data
            if self.size <= MAX_LINE
            else LongLine.of(self.data, self.size, (path, offset))
        )


@contextlib.contextmanager
def locked(path: Path) -> Iterator[int]:
    """The journal opened for appending, under an exclusive lock (created if absent); a
    journal its owner made read-only is not written to, even by root."""
    fd = open_journal(path, os.O_RDWR | os.O_CREAT | os.O_APPEND)
    locked = False
    try:
        if not os.fstat(fd).st_mode & stat.S_IWUSR:
            message, hint = read_only_said(path)
            raise JournalError(message, hint=hint)
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


def open_journal(path: Path, flags: int) -> int:
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


def tail_of(path: Path) -> Tail:
    """The last entry and any torn bytes, read from the end of the file under a shared lock
    (never a line another writer is writing)."""
    if not path.exists():
        return Tail(None, b"", None, 0, 0)
    fd = open_journal(path, os.O_RDONLY)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)
        return read_tail(fd, path)
    finally:
        os.close(fd)


def refuse_torn(tail: Tail, path: Path) -> None:
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


def read_tail(fd: int, path: Path, check_last: bool = True) -> Tail:
    """Read backwards from the end: the bytes after the last newline (a torn line), then
    the last complete non-blank line. Memory stays bounded whatever the lines' length (a
    line past ``MAX_LINE`` is read as a ``LongLine``)."""
    size = os.fstat(fd).st_size
    end = _newline_before(fd, size)  # the last newline, or -1
    complete_end = end + 1
    after = _line_at(fd, complete_end, size)
    torn = after if after.strip() or isinstance(after, LongLine) else None
    while end >= 0:
        start = _newline_before(fd, end) + 1
        last_line = _line_at(fd, start, end)
        if last_line.strip() or isinstance(last_line, LongLine):
            break
        end = start - 1
    else:
        return Tail(None, b"", torn, complete_end, size)
    if check_last:
        last = parse_line(last_line, None, path)
    else:
        last = Entry({}, None, line_hash(last_line))
    return Tail(last, last_line, torn, complete_end, size)


def _newline_before(fd: int, end: int) -> int:
    """The offset of the last newline before ``end``, or -1; read backwards in blocks
    that grow, keeping none of them."""
    block = TAIL_BLOCK
    while end > 0:
        start = max(0, end - block)
        found = _read_at(fd, start, end - start).rfind(b"\n")
        if found >= 0:
            return start + found
        end, block = start, min(block * 2, CHUNK)
    return -1


def _line_at(fd: int, start: int, end: int) -> bytes:
    """The bytes from ``start`` to ``end``: whole up to ``MAX_LINE``, else a ``LongLine``
    (its start, and the hash of the whole, read in chunks)."""
    if end - start <= MAX_LINE:
        return _read_at(fd, start, end - start)
    return LongLine.of(_read_at(fd, start, MAX_LINE + 1), end - start, _hash_at(fd, start, end))


def _hash_at(fd: int, start: int, end: int) -> str:
    digest = hashlib.sha256()
    for chunk in chunks_at(fd, start, end):
        digest.update(chunk)
    return digest.hexdigest()


def chunks_at(fd: int, start: int, end: int) -> Iterator[bytes]:
    """The bytes from ``start`` to ``end``, in chunks (a side file written from them)."""
    while start < end:
        chunk = _read_at(fd, start, min(CHUNK, end - start))
        if not chunk:
            return
        start += len(chunk)
        yield chunk


def append_line(fd: int, line: bytes, path: Path) -> None:
    """Write ``line`` at the end of the journal ``path`` and flush it to disk, whole or not
    at all: if anything fails on the way (a disk that fills up after half the line, a
    file-size limit, Ctrl-C), the file is cut back to the size it had, so no torn line is
    left. A failure names the journal (``oserrors`` says which part of the case)."""
    start = os.fstat(fd).st_size  # the end, under the exclusive lock
    try:
        write_all(fd, line)
        os.fsync(fd)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, start)
            os.fsync(fd)
        if isinstance(exc, OSError) and exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
