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

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .entries import SET_ASIDE, SET_ASIDE_MARK, loose_number, read_entry, unusable
from .errors import InputError
from .frdates import now_paris
from .fsutil import write_unique
from .i18n import _
from .journal_file import (
    GENESIS,
    Entry,
    Lines,
    Tail,
    append_line,
    chunks_at,
    line_hash,
    locked,
    parse_line,
    read_tail,
    refuse_torn,
    tail_of,
)

__all__ = ["GENESIS", "Entry", "Journal", "JournalState", "Lines", "Tail", "parse_line"]


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
    # Which token entries count, judged against the roots trusted outside the case
    # (``Case`` sets ``evidence.proofs.stamptrust.judge``); None: by their ``verification``
    token_judge: Callable[[], Callable[[dict[str, Any]], bool]] | None = field(
        default=None, repr=False, compare=False
    )

    def by_number(self, n: int) -> Entry | None:
        return next((e for e in self.entries if e.n == n), None)


def _signature(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class Journal:
    """Reader and appender for one case's ``journal.jsonl``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: tuple[tuple[int, ...], JournalState] | None = None
        self._aside: tuple[tuple[int, ...], set[str]] | None = None
        self.token_judge: Callable[[], Callable[[dict[str, Any]], bool]] | None = None

    def usable(self, raw: bytes, number: int | None) -> Entry | None:
        """One complete line as a checked entry; None when ``repair`` set it aside; else a
        JournalError naming the line (``entries.read_entry`` says what is wrong)."""
        data, problem = read_entry(raw)
        digest = line_hash(raw)
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
                    state.last_hash = line_hash(line)
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
        state.token_judge = self.token_judge
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
        return tail_of(self.path)

    def check_appendable(self) -> None:
        """Refuse early when the last line is torn (``append`` checks again under the lock).

        A torn end is looked at again under the writers' lock before refusing: where the
        read takes no lock (Windows' byte-range lock leaves readers free), it may have
        caught another writer's line half-written."""
        tail = self.tail()
        if tail.torn is not None:
            with locked(self.path) as fd:
                tail = read_tail(fd, self.path)
        refuse_torn(tail, self.path)

    # --- writing ------------------------------------------------------------
    def append(self, data: dict[str, Any]) -> Entry:
        """Append one entry; ``n``, ``enregistre_le`` and ``precedent`` are filled here."""
        with locked(self.path) as fd:
            tail = read_tail(fd, self.path)
            refuse_torn(tail, self.path)
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
        append_line(fd, line + b"\n", self.path)
        return Entry(entry, None, line_hash(line))

    def set_aside_unusable(self, stamp: str) -> tuple[Path, list[int]] | None:
        """Set aside every line the reader refuses and ``repair`` has not set aside yet:
        a copy of each goes to a side file, and a ``mise_de_cote`` entry names them by
        line number and hash. The lines stay where they are, byte for byte (the chain
        runs through them); readers pass over them from then on. None: nothing to do."""
        if not self.path.exists():
            return None
        with locked(self.path) as fd:
            tail = read_tail(fd, self.path, check_last=False)
            refuse_torn(tail, self.path)
            known, refused, last_n, start = self.set_aside(), [], 0, 0
            for number, raw in Lines(self.path, limit=tail.complete_end):
                size = getattr(raw, "size", len(raw))  # a LongLine stands for more bytes
                data, __ = read_entry(raw) if raw.strip() else ({}, None)
                last_n = max(last_n, loose_number(raw))
                if data is None and line_hash(raw) not in known:
                    refused.append((number, raw, start, size))
                start += size + 1
            if not refused:
                return None
            copied = hashlib.sha256()

            def copy() -> Iterator[bytes]:  # each line read again from the file, in chunks
                for __, __, at, size in refused:
                    for chunk in (*chunks_at(fd, at, at + size), b"\n"):
                        copied.update(chunk)
                        yield chunk

            side = write_unique(
                self.path.parent, f"journal-lignes-mises-de-cote-{stamp}", ".txt", copy()
            )
            numbers = [number for number, *__ in refused]
            self._write_entry(
                fd,
                last_n + 1,
                tail.last_hash,
                {
                    "type": SET_ASIDE,
                    "date": now_paris().isoformat(timespec="seconds"),
                    "description": "Lignes illisibles mises de côté par rdvletters repair : "
                    + ", ".join(map(str, numbers)),
                    "lignes": [{"ligne": n, "sha256": line_hash(raw)} for n, raw, *__ in refused],
                    "fichier": side.name,
                    "sha256": copied.hexdigest(),
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
        with locked(self.path) as fd:
            tail = read_tail(fd, self.path, check_last=False)
            if tail.torn is None:
                return None
            stamp = now_paris().strftime("%Y%m%d-%H%M%S")
            side = write_unique(  # copied in chunks: a torn tail can be gigabytes
                self.path.parent,
                f"journal-ligne-incomplete-{stamp}",
                ".txt",
                chunks_at(fd, tail.complete_end, tail.size),
            )
            os.ftruncate(fd, tail.complete_end)
            os.fsync(fd)
            self._cache = None
            return side
