"""A dossier made by two processes (``court/dossier/sharing.py``) is the dossier one process
makes, byte for byte, with the same warnings; errors are those one process raises, and
neither an error nor Ctrl-C leaves the helper process behind."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from rdvletters.court.dossier import sharing
from tests.conftest import run_installed

needs_fork = pytest.mark.skipif(
    not sharing._can_share(2), reason="one core, or not Linux: the jobs run in one process"
)


def _children() -> set[int]:
    """This process's children, reaped or not (Linux): another test's lasting child, such
    as multiprocessing's resource tracker, is no helper left behind."""
    return {
        int(pid)
        for listing in Path("/proc/self/task").glob("*/children")
        for pid in listing.read_text().split()
    }


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@needs_fork
def test_two_processes_make_the_dossier_one_process_makes(case, run, tmp_path, monkeypatch):
    captures = sorted((case / "pieces").glob("*.png"))
    for damaged in (captures[2], captures[-3]):  # kept as they are, each with a warning
        damaged.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not an image" * 50)
    shared = run_installed("-C", case, "bundle", "-o", tmp_path / "shared")
    assert shared.returncode == 0, shared.stderr
    monkeypatch.setattr(sharing, "ENABLED", False)
    alone = run("-C", case, "bundle", "-o", tmp_path / "alone")
    assert alone.exit_code == 0, alone.stderr
    assert _files(tmp_path / "shared") == _files(tmp_path / "alone")
    said = [re.sub(" at 0x[0-9a-f]+", "", r.stderr) for r in (shared, alone)]  # Pillow's
    assert said[0] == said[1] and said[0].count("format d'origine") == 2
    assert shared.stdout.replace("shared", "alone") == alone.stdout


def _wait_for(path: Path) -> None:
    """Until the other process has made ``path`` (a minute at most: a broken test fails)."""
    for _ in range(6000):
        if path.exists():
            return
        time.sleep(0.01)
    raise AssertionError(f"{path} never appeared")


def _meet(tmp_path: Path, me: str, other: str) -> int:
    """A job that finishes only once the other job has started: the two run in the two
    processes, whichever claims which."""
    (tmp_path / me).write_text(str(os.getpid()))
    _wait_for(tmp_path / other)
    return os.getpid()


@pytest.fixture
def alone_in_process(monkeypatch):
    """The suite's process may hold other tests' threads; the jobs here need none."""
    monkeypatch.setattr(sharing.threading, "active_count", lambda: 1)


@needs_fork
def test_each_job_runs_once_in_one_of_the_two_processes(tmp_path, alone_in_process):
    jobs = [
        lambda: _meet(tmp_path, "a", "b"),
        lambda: _meet(tmp_path, "b", "a"),
        *[lambda n=n: n * n for n in range(50)],
    ]
    before = _children()
    results = sharing.run_jobs(jobs, tmp_path, order=[0, 1, *range(51, 1, -1)])
    assert results[2:] == [n * n for n in range(50)]
    assert os.getpid() in results[:2] and len(set(results[:2])) == 2  # the helper took one
    assert _children() == before  # the helper was waited for


@needs_fork
def test_a_job_that_fails_in_the_helper_runs_again_here(tmp_path, alone_in_process):
    me = os.getpid()

    def fragile(name: str, other: str) -> str:
        _meet(tmp_path, name, other)
        if os.getpid() != me:
            raise RuntimeError("the helper cannot")
        return name

    jobs = [lambda: fragile("a", "b"), lambda: fragile("b", "a"), lambda: "c"]
    assert sharing.run_jobs(jobs, tmp_path) == ["a", "b", "c"]


@needs_fork
def test_the_first_failing_job_in_the_list_raises_as_in_one_process(tmp_path, alone_in_process):
    def job(n: int) -> int:
        if n in (7, 3, 12):
            raise ValueError(f"job {n}")
        return n

    jobs = [lambda n=n: job(n) for n in range(40)]
    before = _children()
    for order in (None, list(reversed(range(40)))):  # claimed from either end
        with pytest.raises(ValueError, match="job 3"):
            sharing.run_jobs(jobs, tmp_path, order=order)
        assert _children() == before


@needs_fork
def test_ctrl_c_here_stops_the_helper_before_returning(tmp_path, alone_in_process):
    def forever() -> None:
        (tmp_path / "helper").write_text(str(os.getpid()))
        _wait_for(tmp_path / "never")

    def interrupted() -> None:
        _wait_for(tmp_path / "helper")  # the helper is in its job
        raise KeyboardInterrupt

    me = os.getpid()
    jobs = [lambda: interrupted() if os.getpid() == me else forever()] * 2
    with pytest.raises(KeyboardInterrupt):
        sharing.run_jobs(jobs, tmp_path)
    helper = int((tmp_path / "helper").read_text())
    assert helper != me
    with pytest.raises(ProcessLookupError):
        os.kill(helper, 0)  # killed and waited for: gone, not even a zombie


def test_a_process_with_threads_runs_the_jobs_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(sharing.threading, "active_count", lambda: 2)  # the web app's server
    assert sharing.run_jobs([os.getpid] * 3, tmp_path) == [os.getpid()] * 3
