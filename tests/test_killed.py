"""After ``kill -9``: LibreOffice dies with rdvletters, the next run removes the work
folders the killed one left (its own, never one in use), and ``verify`` names the files
no entry names. The installed command, real signals, real LibreOffice."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import installed_cli, needs_pdf_tools, run_installed

WORK = """
import os, signal, sys
from pathlib import Path
from rdvletters.fsutil import WorkDir
work = WorkDir(sys.argv[1], Path(sys.argv[2]))
(work.path / "document.docx").write_bytes(b"lettre")
print(work.path, flush=True)
if sys.argv[3] == "kill":
    os.kill(os.getpid(), signal.SIGKILL)  # as kill -9 would: no way out runs
sys.stdin.read()  # else: alive, holding its folder, until told to stop
work.remove()
"""


def _work_folder(prefix: str, parent: Path, how: str) -> tuple[Path, subprocess.Popen]:
    process = subprocess.Popen(
        [sys.executable, "-c", WORK, prefix, str(parent), how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    return Path(process.stdout.readline().strip()), process


def test_the_next_bundle_removes_what_a_killed_one_left_but_not_one_in_use(case):
    alive, running = _work_folder(".dossier-en-cours-", case, "wait")
    dead, killed = _work_folder(".dossier-en-cours-", case, "kill")
    killed.wait(timeout=60)
    try:
        assert dead.is_dir() and alive.is_dir()
        done = run_installed("-C", case, "bundle")
        assert done.returncode == 0, done.stderr
        assert not dead.exists()  # left by a killed run: removed
        assert (alive / "document.docx").read_bytes() == b"lettre"  # in use: left alone
        assert [p.name for p in case.glob(".dossier-en-cours-*")] == [alive.name]
    finally:
        running.communicate("", timeout=60)
    assert not alive.exists()  # removed by its own run on the way out


def _soffice_of(tmp: Path) -> list[int]:
    """LibreOffice processes working in ``tmp`` (their TMPDIR), Linux /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if b"soffice" in command and str(tmp).encode() in environ:
            found.append(int(entry.name))
    return found


@needs_pdf_tools
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="watches /proc")
def test_libreoffice_dies_with_a_killed_rdvletters_and_its_folder_goes_next_time(case, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    process = subprocess.Popen(
        [*installed_cli(), "-C", str(case), "letter", "--format", "pdf"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not _soffice_of(tmp):
        assert process.poll() is None and time.monotonic() < deadline, "no LibreOffice seen"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    while _soffice_of(tmp):  # the guard kills the group; bounded by the deadline only
        assert time.monotonic() < deadline, "LibreOffice outlived rdvletters"
        time.sleep(0.05)
    [left] = tmp.glob("rdvletters-*")  # killed outright: nothing could remove it
    assert not list(left.glob("*.pdf")), "LibreOffice went on writing the letter"
    done = subprocess.run(
        [*installed_cli(), "-C", str(case), "letter", "--format", "pdf"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert not left.exists() and not list(tmp.glob("rdvletters-*"))
    shutil.rmtree(tmp)


def test_verify_names_the_files_no_entry_names(case):
    (case / "pieces" / "2026-11-30_1000_web_capture.png").write_bytes(b"\x89PNG orpheline")
    (case / "documents" / "brouillon.txt").write_text("à moi")
    done = run_installed("-C", case, "verify")
    assert done.returncode == 0, done.stdout  # nothing the journal vouches for has changed
    assert "2 fichiers que le journal ne nomme pas, donc non vérifiés" in done.stdout
    assert "pieces/2026-11-30_1000_web_capture.png, documents/brouillon.txt" in done.stdout
    assert "promesse_embauche.pdf" not in done.stdout  # the profile names it


def test_a_folder_being_made_is_never_swept_whatever_the_clock(tmp_path, monkeypatch):
    """Another run's sweep between the folder's birth and its lock (here, run at that very
    moment, with its clock a year ahead of the files' times) must leave the folder alone:
    two conversions at once under a moved clock once removed each other's folder."""
    from rdvletters import fsutil

    hold = fsutil._hold

    def hold_after_a_sweep(path: Path) -> int:
        with monkeypatch.context() as moved:
            moved.setattr(fsutil.time, "time", lambda: os.stat(tmp_path).st_mtime + 400 * 86400)
            fsutil.sweep_stale(tmp_path, "rdvletters-")
        return hold(path)

    monkeypatch.setattr(fsutil, "_hold", hold_after_a_sweep)
    work = fsutil.WorkDir("rdvletters-", tmp_path)
    assert work.path.is_dir() and work.path.name.startswith("rdvletters-")
    assert [p.name for p in tmp_path.iterdir()] == [work.path.name]  # no staging name left
    work.remove()
    assert list(tmp_path.iterdir()) == []
