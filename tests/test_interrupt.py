"""Ctrl-C during ``record --proof BIG_FILE``, at several moments, through the installed
command: « Interrompu. », exit 130, no traceback, the journal intact, no orphan copy.

The moments are states seen from outside (in /proc): the program loading, the proof
open, the copy being written, the copy being hashed. The first milliseconds, before
Python runs any of rdvletters (pip's launcher imports ``re`` first), are out of reach.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import installed_cli, journal_lines, run_installed

BIG = 192 << 20  # long enough to copy and hash that a signal can land in the middle

# (what the process is seen doing, then how long to wait) before SIGINT
MOMENTS = [
    ("loading the program", 0.0),
    ("loading the program", 0.05),
    ("reading the proof", 0.0),
    ("copying", 0.0),
    ("copying", 0.05),
    ("copied", 0.0),  # the copy's last bytes are going to the disk
    ("hashing the copy", 0.0),
    ("hashing the copy", 0.05),
]


def _open_files(pid: int) -> dict[str, bool]:
    """Files the process has open: path -> opened for writing."""
    found = {}
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                path = os.readlink(f"/proc/{pid}/fd/{fd}")
                with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as info:
                    flags = next(int(ln.split()[1], 8) for ln in info if ln.startswith("flags:"))
            except (OSError, StopIteration, ValueError):
                continue
            found[path] = bool(flags & (os.O_WRONLY | os.O_RDWR))
    except OSError:
        pass
    return found


def _copies(case: Path, before: set[str]) -> list[Path]:
    return [p for p in (case / "pieces").iterdir() if p.name not in before]


def _reached(state: str, process: subprocess.Popen, case: Path, big: Path, before: set[str]):
    """Whether the process has reached ``state`` (or finished)."""
    if process.poll() is not None:
        return True
    if state == "loading the program":  # libyaml's parser: imported to read the profile
        try:
            return "/yaml/_yaml." in Path(f"/proc/{process.pid}/maps").read_text()
        except OSError:
            return False
    files = _open_files(process.pid)
    if state == "reading the proof":
        return str(big) in files
    copies = {str(p): p for p in _copies(case, before)}
    if state == "copying":
        return any(files.get(path) for path in copies)  # open for writing
    if state == "hashing the copy":
        return any(files.get(path) is False for path in copies)  # open for reading
    return any(p.stat().st_size == BIG for p in copies.values())  # copied


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="watches /proc/PID/fd")
def test_ctrl_c_during_record_with_a_big_proof(case, tmp_path):
    big = tmp_path / "enregistrement.bin"
    with open(big, "wb") as handle:
        handle.truncate(BIG)  # sparse: quick to make, read back as zeros
    interrupted = 0
    for number, (state, delay) in enumerate(MOMENTS):
        before = {p.name for p in (case / "pieces").iterdir()}
        entries = len(journal_lines(case))
        process = subprocess.Popen(
            [*installed_cli(), "-C", str(case), "record", "web", "-m", f"essai {number}",
             "--proof", str(big)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not _reached(state, process, case, big, before):
                assert time.monotonic() < deadline, state
                time.sleep(0.002)
            time.sleep(delay)
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        stderr = err.decode("utf-8", "replace")
        assert "Traceback" not in stderr, (state, delay, stderr)
        assert process.returncode in (0, 130), (state, delay, stderr)
        new = journal_lines(case)[entries:]
        if process.returncode == 130:
            interrupted += 1
            assert "Interrompu." in stderr
        # either the entry and its copy, or neither: no orphan, nothing half-written
        copies = _copies(case, before)
        assert len(new) == len(copies) <= 1, (state, delay, new, copies)
        if new:
            assert new[0]["pieces"][0]["fichier"] == f"pieces/{copies[0].name}"
            assert copies[0].stat().st_size == BIG
        verify = run_installed("-C", case, "verify")
        assert verify.returncode == 0 and "Journal intact" in verify.stdout, verify.stdout
    assert interrupted >= len(MOMENTS) // 2, interrupted  # most signals landed mid-command


LAUNCHER = """
import os, signal, sys
sys.argv[0] = os.path.join(sys.prefix, "bin", "rdvletters")  # as pip's launcher has it
from rdvletters.launch import main
os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C the moment rdvletters is first imported
sys.argv[0] = sys.argv[0]  # the launcher's next line
sys.exit(main())
"""


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill(SIGINT) to oneself is POSIX")
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ctrl_c_as_soon_as_rdvletters_is_imported_is_no_traceback(lang):
    """pip's launcher imports ``rdvletters.launch``, then calls ``main()``: a Ctrl-C in
    between (or while the command line loads) used to print a traceback."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, "--lang", lang, "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 130
    assert done.stderr.strip() == ("Interrompu." if lang == "fr" else "Interrupted.")


def test_ctrl_c_landing_in_a_weakref_callback_still_interrupts(tmp_path):
    """Ctrl-C can land while Python runs a weak reference's callback (during an import):
    Python cannot raise from there, prints « Exception ignored … Traceback » and goes on.
    The command sends the signal again, and it ends with « Interrompu. », exit 130."""
    script = tmp_path / "callback.py"
    script.write_text(
        "import sys, time, weakref\n"
        "from rdvletters.cli import app\n"
        "class Thing: pass\n"
        "def interrupted_here(_ref): raise KeyboardInterrupt\n"
        "def _run():\n"
        "    thing = Thing(); ref = weakref.ref(thing, interrupted_here)\n"
        "    del thing  # the callback runs: the Ctrl-C it raises is lost to Python\n"
        "    time.sleep(30)\n"
        "    return 0\n"
        "app._run = _run\n"
        "app.main()\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 130, done.stderr
    assert "Interrompu." in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
