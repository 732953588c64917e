"""Python's cyclic collector is paused while the program loads, back on for the command's
work, and what is left at exit is set aside (``launch``). A program using the library,
and the tests' in-process runs, keep their collector as it is."""

from __future__ import annotations

import gc
import subprocess
import sys

from rdvletters import launch

# Runs the real program (``launch.main``, as the installed command and ``python -m``
# do) and says, at three moments, whether the collector is on and how many objects are
# set aside: when the command's module is loaded (before and after ``loaded``), and at
# the very end (an exit handler registered before the program's own, so run after it).
PROGRAM = """
import atexit, gc, sys
def said(moment):
    sys.stderr.write(f"\\n{moment} {int(gc.isenabled())} {gc.get_freeze_count()} {sum(gc.get_count())}")
atexit.register(said, "exit")
from rdvletters import launch
resume = launch.loaded
def spied():
    said("loading")
    resume()
    said("command")
launch.loaded = spied
sys.argv = ["rdvletters", *sys.argv[1:]]
launch.main()
"""


def _moments(*args: str) -> dict[str, tuple[int, int, int]]:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stderr.splitlines() if line[:1].isalpha()]
    return {name: tuple(map(int, values)) for name, *values in lines if len(values) == 3}


def test_the_collector_is_paused_while_loading_and_on_for_the_command(case):
    moments = _moments("-C", str(case), "status")
    enabled, frozen, _young = moments["loading"]
    assert not enabled and frozen == 0  # loading: nothing walked, nothing set aside yet
    enabled, frozen, young = moments["command"]
    assert enabled and frozen > 10_000 and young == 0  # loading's objects set aside
    enabled, frozen_at_exit, young = moments["exit"]
    assert frozen_at_exit > frozen and young == 0  # what the command made, set aside too


def test_a_program_using_the_library_keeps_its_collector(case, run):
    """The tests run the CLI in-process, as a program using the library would: neither
    ``loaded`` nor a whole command turns this process's collector off or freezes it."""
    before = gc.get_freeze_count()
    assert gc.isenabled()
    launch.loaded()
    result = run("-C", case, "status")
    assert result.exit_code == 0, result.output
    assert gc.isenabled() and gc.get_freeze_count() == before


def test_the_dossier_s_two_processes_leave_start_up_frozen(case, tmp_path):
    """``bundle`` freezes the journal while its two processes share the jobs; afterwards
    what the program's start froze stays frozen: only a process that had frozen nothing
    (a program using the library) has everything released."""
    spy = PROGRAM.replace(
        "launch.loaded = spied",
        "launch.loaded = spied\n"
        "from rdvletters.court.dossier import sharing\n"
        "jobs = sharing.run_jobs\n"
        "def shared(*args, **kwargs):\n"
        "    done = jobs(*args, **kwargs)\n"
        "    said('jobs')\n"
        "    return done\n"
        "sharing.run_jobs = shared",
    )
    done = subprocess.run(
        [sys.executable, "-c", spy, "-C", str(case), "bundle", "-o", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    said = {line.split()[0]: int(line.split()[2]) for line in done.stderr.splitlines()
            if line[:1].isalpha() and len(line.split()) == 4}  # fmt: skip
    assert said["jobs"] >= said["command"] > 10_000


def test_a_library_dossier_releases_what_it_froze(case, run, tmp_path):
    before = gc.get_freeze_count()
    result = run("-C", case, "bundle", "-o", tmp_path / "dossier")
    assert result.exit_code == 0, result.output
    assert gc.get_freeze_count() == before
