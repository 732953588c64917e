"""A caseload's cache made current as ``rdvletters web --cases`` starts, before any page.

With no cache (the first run, a new version of rdvletters, a cache deleted), every case
must be read and summarised once: a few milliseconds each, seconds for a permanence of
a thousand cases. ``Preparation`` does that work in the background as soon as the app
starts, in worker processes on every core when there is much to do (today's rows first,
all the list needs, then the week's), and says how far it is; the caseload page asks
``settle`` whether the list is ready and, while it is not, shows how many cases are read
instead of keeping the person waiting, never a partial list. Little to do (a cache that
is current, a few changed cases) is done in a thread, in one pass, and the page simply
waits for it.

What is computed is exactly what the page would compute (``caseload.entry_for``), keyed
by each case's fingerprint taken before the case is read: a case changed meanwhile is
summarised again by the page that finds it changed. Nothing here is needed for the page
to be right: if the preparation fails or is stopped, the page does the work itself.

The rows are made for a week ahead (``caseload.AHEAD``). ``rdvletters web`` left running
longer renews its preparation with the first page of each new day (``renewed``): a day
whose rows are all made finds nothing to do, and the day they run out is read in the
background as on the first day, never by a request summarising every case itself.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from datetime import date, datetime
from pathlib import Path

from . import caseload
from .case import Case
from .frdates import now_paris

SMALL = 40  # at most this many cases to summarise: a fraction of a second, the page waits
POOL_FROM = 200  # from this many, worker processes (each costs its start, ~0.3 s)
CHUNK = 25  # cases per piece of work handed to a worker: progress moves in such steps


class Preparation:
    """The caseload's summaries computed ahead, and how many cases are read so far.

    Two passes over the cases to summarise: today's row in every language first, which
    is all the list needs, stored at once (``listed``); then the whole week, stored when
    done, so that the first page of the next days finds it (``caseload.AHEAD``)."""

    def __init__(
        self,
        root: Path,
        folders: Callable[[], Mapping[str, Case | str]],
        lang: str,
        workers: int | None = None,
    ) -> None:
        self.root = root
        self.folders = folders  # ``Registry.folders``: read in the background, not here
        self.lang = lang
        self.langs = caseload.languages(lang)
        self.day: date = now_paris().date()  # the day it prepares
        self.workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        self.total = 0  # cases in the folder
        self.done = 0  # cases whose row of today is ready (in the cache or computed)
        self.work = 0  # cases to summarise, once counted
        self._counted = threading.Event()
        self._listed = threading.Event()  # today's rows all stored: the list can show
        self._finished = threading.Event()  # the week's rows too, or stopped
        self._stopping = False
        self._pool: Executor | None = None
        self._after: threading.Thread | None = None
        self._thread: threading.Thread | None = None

    def start(self, after: threading.Thread | None = None) -> Preparation:
        """Start in the background; the cases are counted at once, and read once ``after``
        (the first page's templates being loaded) is done: the first page then needs
        neither to wait for them nor to share the processor with the workers' start."""
        self._after = after
        self._thread = threading.Thread(target=self._run, name="caseload-preparation", daemon=True)
        self._thread.start()
        return self

    def renewed(self, now: datetime) -> Preparation:
        """Itself; or, once it is done and ``now`` is a later day, a new preparation,
        started, for that day (the first page of each day asks); never once stopped."""
        if self._stopping or not self.finished or now.date() <= self.day:
            return self
        return Preparation(self.root, self.folders, self.lang, self.workers).start()

    @property
    def listed(self) -> bool:
        return self._listed.is_set()

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    def settle(self) -> bool:
        """True when the list can be shown: today's rows are ready, or little was left
        and it was waited for. False while a long reading runs: say how far it is."""
        self._counted.wait()  # a ``stat`` per case and the cache read: a moment
        if self.work <= SMALL:
            self._listed.wait()
            return True
        return self._listed.is_set()

    def close(self, timeout: float = 10.0) -> None:
        """Stop (``rdvletters web`` ends): work not started is dropped, nothing written.
        Returns once the workers have ended (each ends the piece it is reading): a worker
        left starting while the program exits would print its own error."""
        self._stopping = True
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        if threading.current_thread() is not self._thread:
            self._finished.wait(timeout)

    def _run(self) -> None:
        try:
            now = now_paris()
            cases = self.folders()
            self.total, todo = caseload.pending(self.root, cases, now, self.langs)
            self.done, self.work = self.total - len(todo), len(todo)
            self._counted.set()
            if self._after is not None:
                self._after.join(2.0)
            passes = (caseload.AHEAD,) if self.work <= SMALL else (1, caseload.AHEAD)
            for days in passes:  # today for the list, then the week
                if self._stopping:
                    break
                entries = self._summarise(todo, now, days)
                if not entries or self._stopping:
                    break
                caseload.store(self.root, entries)
                self._listed.set()
        except Exception:  # noqa: BLE001 - the page does the work itself, and meets the error
            pass
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._counted.set()
            self._listed.set()
            self._finished.set()

    def _summarise(self, todo: list, now: datetime, days: int) -> dict[str, dict]:
        """Each case's entry for ``days`` days: in worker processes when there is much to
        do, else here. What a pool could not do (it failed to start, a worker died) is
        done here. Only the first pass moves the count the page shows."""
        entries: dict[str, dict] = {}
        counts = not self._listed.is_set()
        if self.workers > 1 and len(todo) >= POOL_FROM:
            self._in_pool(todo, now, days, entries, counts)
        for case_id, folder, mark in todo:
            if self._stopping:
                break
            if case_id not in entries:
                entries[case_id] = caseload.entry_for(folder, mark, now, self.langs, days)
                self.done += counts
        return entries

    def _in_pool(self, todo: list, now: datetime, days: int, entries: dict, counts: bool) -> None:
        """The pieces of ``todo`` in worker processes, started once for both passes. Once
        stopping, the pieces not yet back are not waited for: a pool shut down with its
        work cancelled may leave a piece's future pending for ever."""
        from concurrent.futures import FIRST_COMPLETED, wait

        try:
            pool = self._pool or self._start_pool()
            pieces = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
            waiting = {pool.submit(summarise, p, now, self.langs, days) for p in pieces}
            while waiting and not self._stopping:
                back, waiting = wait(waiting, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in back:
                    if not future.cancelled():
                        made = future.result()
                        entries.update(made)
                        self.done += len(made) * counts
        except Exception:  # noqa: BLE001 - a pool that breaks: the rest is done in the thread
            pass

    def _start_pool(self) -> Executor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # ``spawn``: a fresh interpreter, never a copy of this one with its server's threads
        context = multiprocessing.get_context("spawn")
        _leave_ctrl_c_to_the_command()
        self._pool = ProcessPoolExecutor(self.workers, context, initializer=_worker_start)
        return self._pool


def _leave_ctrl_c_to_the_command() -> None:
    """Block SIGINT in this (background) thread, before it starts the workers: a process
    started from it keeps the block, from its very first instruction, and Ctrl+C, which
    the terminal sends to every process of the group, reaches ``rdvletters web``'s main
    thread only (which then stops the pool). ``_worker_start`` does it where this cannot."""
    import signal

    if hasattr(signal, "pthread_sigmask"):
        from multiprocessing import resource_tracker

        # multiprocessing starts its resource tracker with the first worker, and unblocks
        # SIGINT in the calling thread after it: started first, it leaves the block alone
        resource_tracker.ensure_running()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _worker_start() -> None:
    """A worker leaves Ctrl+C to ``rdvletters web``, which stops the pool itself (the
    terminal sends the signal to every process of the group)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def summarise(piece: list, now: datetime, langs: list[str], days: int) -> dict:
    """In a worker: the cache entries of a piece of ``caseload.pending``'s list."""
    return {key: caseload.entry_for(folder, mark, now, langs, days) for key, folder, mark in piece}
