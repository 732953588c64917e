"""A dossier's independent jobs shared between this process and one forked helper.

A long journal's dossier is thousands of jobs that need nothing from one another (each
piece, the chronology, the verification report): with two cores or more, a helper
process forked once the plan is made takes jobs from the same list as this one, and the
dossier takes about half the time. A job gives the same bytes whichever process runs it
(each process draws its own documents from the same state, inherited at the fork), so
the dossier is byte for byte the one a single process makes.

Jobs are claimed one at a time through a counter kept in an unnamed file of the work
folder, under a POSIX record lock (which the kernel releases if a process dies); the
helper appends each result to another unnamed file as soon as the job is done. Errors
are those one process would raise: after a failure no new job is claimed, then every job
that neither process finished runs here, in the list's order, so the first failing job
raises its own error, here, as it would alone. Ctrl-C, or any exception here, kills the
helper and waits for it before the caller removes the work folder; the helper stops on
its own if this process dies. A helper stopped by someone else mid-job may leave that
job's file: this process, running the job again, then refuses to overwrite it, and the
dossier is not made (nothing is left half-written).

Only on Linux, in a process with one thread (forking a threaded process, such as the
web app's server, is unsafe) and two cores or more; otherwise the jobs run here, one
after the other.
"""

from __future__ import annotations

import fcntl
import gc
import os
import pickle
import signal
import struct
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TypeVar

T = TypeVar("T")
_NUMBER = struct.Struct("<q")
ENABLED = True  # the tests turn it off to compare a dossier with a one-process one


def run_jobs(
    jobs: Sequence[Callable[[], T]], folder: Path, order: Sequence[int] | None = None
) -> list[T]:
    """Every job's result, in the list's order. ``order``: the order jobs are claimed in
    (the longest first, so that neither process is left alone with a long one at the end);
    ``folder``: a private folder on the disk, for the two unnamed files."""
    if not _can_share(len(jobs)):
        return [job() for job in jobs]
    claims = list(range(len(jobs))) if order is None else list(order)
    # What exists now (the journal, the plan) outlives the jobs: the collector stops walking
    # it (at 50,000 entries its collections took 6.4 s of one process's run, 3.7 s after
    # this), and the helper's copy of it stays shared with this process's. What the
    # program's start froze (``launch.loaded``) stays frozen after the jobs.
    started_frozen = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        return _shared(jobs, claims, folder)
    finally:
        if not started_frozen:
            gc.unfreeze()


def _shared(jobs: Sequence[Callable[[], T]], claims: list[int], folder: Path) -> list[T]:
    with tempfile.TemporaryFile(dir=folder) as board, tempfile.TemporaryFile(dir=folder) as out:
        counter = _Counter(board.fileno(), len(claims))
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            _helper(jobs, claims, counter, out.fileno(), parent)
        done: dict[int, T] = {}
        failed = None
        try:
            failed = _work(jobs, claims, counter, done)
            os.waitpid(pid, 0)
            pid = 0
            out.seek(0)
            done.update(_results(out.read()))
        finally:
            if pid:  # interrupted: the helper goes before the work folder does
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    for index, job in enumerate(jobs):  # what neither finished: here, in order
        if index not in done:
            if failed is not None and failed[0] == index:
                raise failed[1]
            done[index] = job()
    return [done[index] for index in range(len(jobs))]


def _can_share(count: int) -> bool:
    return (
        ENABLED
        and count > 1
        and sys.platform.startswith("linux")
        and threading.active_count() == 1
        and len(os.sched_getaffinity(0)) > 1
    )


class _Counter:
    """The next job to claim, shared by the two processes through a file."""

    def __init__(self, fd: int, total: int) -> None:
        self.fd, self.total = fd, total
        os.pwrite(fd, _NUMBER.pack(0), 0)

    def claim(self) -> int | None:
        """The next position in the claiming order, or None when all are taken."""
        fcntl.lockf(self.fd, fcntl.LOCK_EX)
        try:
            (position,) = _NUMBER.unpack(os.pread(self.fd, _NUMBER.size, 0))
            if position >= self.total:
                return None
            os.pwrite(self.fd, _NUMBER.pack(position + 1), 0)
            return position
        finally:
            fcntl.lockf(self.fd, fcntl.LOCK_UN)

    def stop(self) -> None:
        """No job is claimed any more (one failed: the rest runs in order, here)."""
        fcntl.lockf(self.fd, fcntl.LOCK_EX)
        try:
            os.pwrite(self.fd, _NUMBER.pack(self.total), 0)
        finally:
            fcntl.lockf(self.fd, fcntl.LOCK_UN)


def _work(
    jobs: Sequence[Callable[[], T]], claims: list[int], counter: _Counter, done: dict[int, T]
) -> tuple[int, Exception] | None:
    """This process's share; the job that failed here and its error, if one did."""
    while (position := counter.claim()) is not None:
        index = claims[position]
        try:
            done[index] = jobs[index]()
        except Exception as error:
            counter.stop()
            return index, error
    return None


def _helper(
    jobs: Sequence[Callable[[], object]],
    claims: list[int],
    counter: _Counter,
    out: int,
    parent: int,
) -> NoReturn:
    """The forked helper: jobs until none is left, each result written as it is done.
    It never returns (``os._exit``: the parent's clean-up and buffers are the parent's)."""
    code = 1
    try:
        while (position := counter.claim()) is not None and os.getppid() == parent:
            index = claims[position]
            try:
                result = jobs[index]()
            except Exception:  # raised again by the parent, which runs this job in order
                counter.stop()
                break
            data = pickle.dumps((index, result), protocol=pickle.HIGHEST_PROTOCOL)
            _write_all(out, _NUMBER.pack(len(data)) + data)
        code = 0
    except BaseException:  # Ctrl-C reaches both processes: the parent cleans up
        pass
    finally:
        os._exit(code)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _results(data: bytes) -> dict[int, object]:
    """The helper's finished jobs (a record cut short, by a helper killed, is left out)."""
    found: dict[int, object] = {}
    at = 0
    while at + _NUMBER.size <= len(data):
        (size,) = _NUMBER.unpack_from(data, at)
        at += _NUMBER.size
        if at + size > len(data):
            break
        index, result = pickle.loads(data[at : at + size])
        found[index] = result
        at += size
    return found
