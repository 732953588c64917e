"""The journal: append-only, safe under concurrent writers, honest about a torn line."""

from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rdvletters.case import Case
from rdvletters.errors import JournalError
from rdvletters.frdates import parse_when

from .conftest import journal_lines

try:
    import fcntl as real_fcntl
except ImportError:  # pragma: no cover - Windows runs its own lock
    real_fcntl = None


def _writer(folder: str, tag: str, count: int) -> None:
    case = Case(Path(folder))
    for i in range(count):
        case.record("web", parse_when("2026-11-20 09:15"), f"{tag}-{i}")


def test_concurrent_writers_lose_nothing(case):
    before = len(journal_lines(case))
    procs = [multiprocessing.Process(target=_writer, args=(str(case), tag, 40)) for tag in "ab"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    entries = journal_lines(case)
    assert len(entries) == before + 80
    assert [e["n"] for e in entries] == list(range(1, before + 81))  # unique, in order
    messages = {e["description"] for e in entries[before:]}
    assert messages == {f"{t}-{i}" for t in "ab" for i in range(40)}
    # every entry chains to the exact bytes of the line before it
    raw = (case / "journal.jsonl").read_bytes().split(b"\n")[:-1]
    for previous, line in zip(raw, raw[1:], strict=False):
        assert json.loads(line)["precedent"] == hashlib.sha256(previous).hexdigest()


def test_torn_last_line_is_reported_blocks_appends_and_can_be_set_aside(case, run):
    journal = case / "journal.jsonl"
    intact = journal.read_bytes()
    torn = b'{"n": 31, "type": "tentative", "canal": "web", "da'
    journal.write_bytes(intact + torn)  # a crash in the middle of a write

    log = run("-C", case, "log")
    assert log.exit_code == 0
    assert "ligne 31" in log.stderr and "incomplète" in log.stderr

    pieces_before = sorted((case / "pieces").iterdir())
    proof = case.parent / "capture.png"
    proof.write_bytes(b"png")
    blocked = run("-C", case, "record", "web", "-m", "essai", "--proof", proof)
    assert blocked.exit_code == 4
    assert "incomplète" in blocked.stderr and "rdvletters repair" in blocked.stderr
    assert journal.read_bytes() == intact + torn  # nothing added, nothing lost
    assert sorted((case / "pieces").iterdir()) == pieces_before  # no orphan proof copy

    fixed = run("-C", case, "repair")
    assert fixed.exit_code == 0
    assert journal.read_bytes() == intact  # earlier entries byte for byte
    side = list(case.glob("journal-ligne-incomplete-*.txt"))
    assert len(side) == 1 and side[0].read_bytes() == torn

    assert run("-C", case, "record", "web", "-m", "après").exit_code == 0
    assert journal_lines(case)[-1]["description"] == "après"


def test_corrupt_middle_line_is_named(case, run):
    journal = case / "journal.jsonl"
    lines = journal.read_bytes().split(b"\n")
    lines[4] = b"{pas du json"
    journal.write_bytes(b"\n".join(lines))
    result = run("-C", case, "log")
    assert result.exit_code == 4
    assert "ligne 5" in result.stderr and "illisible" in result.stderr


def test_log_table_and_csv(case, run):
    table = run("-C", case, "log")
    assert table.exit_code == 0
    assert "14/09/2026" in table.output and "présentation au guichet" in table.output
    out = case / "journal.csv"
    assert run("-C", case, "log", "--csv", "-o", out).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets detect UTF-8
    text = raw.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.split(";")[:3] == ["n", "date", "heure"]
    assert first.startswith("1;14/09/2026;09:05;tentative;site de rendez-vous")
    assert "présentation au guichet" in text
    again = run("-C", case, "log", "--csv", "-o", out)
    assert again.exit_code == 5 and out.read_bytes() == raw  # never overwritten


# --- appending reads the end of the journal only --------------------------------------
def _bytes_read() -> int:
    """Bytes this process has read through system calls so far (Linux)."""
    with open("/proc/self/io", encoding="ascii") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("rchar"))


def _grow(case, count: int) -> None:
    """Append ``count`` chained entries as rdvletters writes them (fast, for size)."""
    path = case / "journal.jsonl"
    lines = path.read_bytes().split(b"\n")[:-1]
    previous, n = lines[-1], json.loads(lines[-1])["n"]
    with open(path, "ab") as handle:
        for i in range(count):
            n += 1
            data = {"n": n, "type": "tentative", "canal": "web",
                    "date": "2026-11-20T09:15:00+01:00", "description": f"essai {i} " + "x" * 200,
                    "pieces": [], "enregistre_le": "2026-11-20T09:16:00+01:00",
                    "precedent": hashlib.sha256(previous).hexdigest()}  # fmt: skip
            previous = json.dumps(data, ensure_ascii=False, separators=(", ", ": ")).encode()
            handle.write(previous + b"\n")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="Linux /proc needed")
def test_record_reads_the_same_few_bytes_whatever_the_journal_size(case, tmp_path, run):
    big = tmp_path / "big"
    shutil.copytree(case, big)
    _grow(big, 6000)
    assert (big / "journal.jsonl").stat().st_size > 1_500_000
    costs = {}
    for folder in (case, big):
        assert run("-C", folder, "record", "web", "-m", "échauffement").exit_code == 0
        before = _bytes_read()
        result = run("-C", folder, "record", "web", "-m", "mesure")
        costs[folder.name] = _bytes_read() - before
        assert result.exit_code == 0, result.output
    assert abs(costs["big"] - costs[case.name]) < 64 * 1024, costs
    assert run("-C", big, "verify").exit_code == 0  # chained onto the right line


def test_parsed_once_and_kept_current_after_an_append(case):
    journal = Case(case).journal
    first = journal.read()
    assert journal.read() is first  # unchanged file: not parsed again
    entry = Case(case).record("web", parse_when("2026-11-20 09:15"), "ailleurs")  # another writer
    second = journal.read()
    assert second is not first and second.entries[-1].n == entry.n  # parsed again
    own = journal.append(
        {"type": "evenement", "canal": "reply", "date": "2026-11-21T10:00:00+01:00"}
    )
    third = journal.read()
    assert third.entries[-1].data == own.data and third.entries[-1].line == len(third.entries)
    raw = (case / "journal.jsonl").read_bytes().split(b"\n")[-2]
    assert third.last_hash == third.entries[-1].digest == hashlib.sha256(raw).hexdigest()
    assert Case(case).journal.read().entries == third.entries  # a fresh parse agrees


# --- the Windows lock, simulated -----------------------------------------------------------
class FakeMsvcrt:
    """msvcrt.locking's contract: lock/unlock ``nbytes`` from the current position, the
    unlock at the same place; backed by a real byte-range lock so processes contend."""

    LK_UNLCK, LK_LOCK = 0, 1

    def __init__(self, log: list) -> None:
        self.held: dict[int, int] = {}
        self.log = log

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        offset = os.lseek(fd, 0, os.SEEK_CUR)
        if mode == self.LK_LOCK:
            real_fcntl.lockf(fd, real_fcntl.LOCK_EX, nbytes, offset, os.SEEK_SET)
            self.held[fd] = offset
            self.log.append(offset >= os.fstat(fd).st_size)  # past the data: readers unhindered
        else:
            if self.held.pop(fd, None) != offset:
                raise OSError(errno.EACCES, "unlocking a region that is not locked")
            real_fcntl.lockf(fd, real_fcntl.LOCK_UN, nbytes, offset, os.SEEK_SET)


def _windows_writer(folder: str, tag: str, count: int, results) -> None:
    from rdvletters import journal_file as journal_module

    log: list = []
    journal_module.fcntl = None
    journal_module.msvcrt = FakeMsvcrt(log)
    _writer(folder, tag, count)
    results.put((tag, log))


@pytest.mark.skipif(real_fcntl is None, reason="the simulation uses POSIX byte-range locks")
def test_windows_lock_branch_serialises_writers(case):
    before = len(journal_lines(case))
    results = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=_windows_writer, args=(str(case), tag, 40, results))
        for tag in "ab"
    ]
    for p in procs:
        p.start()
    logs = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert all(len(log) == 40 and all(log) for log in logs.values())  # every append locked
    entries = journal_lines(case)
    assert [e["n"] for e in entries] == list(range(1, before + 81))  # none lost, none twice
    assert {e["description"] for e in entries[before:]} == {
        f"{t}-{i}" for t in "ab" for i in range(40)
    }
    raw = (case / "journal.jsonl").read_bytes().split(b"\n")[:-1]
    for previous, line in zip(raw, raw[1:], strict=False):
        assert json.loads(line)["precedent"] == hashlib.sha256(previous).hexdigest()


# --- crashes ---------------------------------------------------------------------------------
CRASH_LOOP = """
import sys
from pathlib import Path
from rdvletters.case import Case
from rdvletters.errors import JournalError
from rdvletters.frdates import parse_when
case, proof = Case(Path(sys.argv[1])), Path(sys.argv[2])
when = parse_when("2026-11-26 09:00")
for i in range(100000):
    case.record("web", when, f"boucle {sys.argv[3]}-{i}", [proof])
"""


def test_kill_9_during_record_loses_no_complete_entry(case, run, tmp_path):
    """Writers killed with SIGKILL at random moments; after each, every complete entry
    written so far is still there byte for byte, repair and verify keep the journal whole."""
    rng = random.Random(8)
    proof = tmp_path / "capture.png"
    proof.write_bytes(b"\x89PNG capture")
    journal = case / "journal.jsonl"
    for round_ in range(8):
        before = journal.read_bytes()
        complete = before[: before.rfind(b"\n") + 1]
        child = subprocess.Popen(
            [sys.executable, "-c", CRASH_LOOP, str(case), str(proof), str(round_)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 1.5))
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        after = journal.read_bytes()
        assert after.startswith(complete)  # nothing complete lost or changed
        repaired = run("-C", case, "repair")
        assert repaired.exit_code == 0
        kept = journal.read_bytes()
        assert kept == after[: after.rfind(b"\n") + 1]  # only a torn tail can go
        verified = run("-C", case, "verify")
        assert verified.exit_code == 0, verified.output
    entries = journal_lines(case)
    assert [e["n"] for e in entries] == list(range(1, len(entries) + 1))
    assert len(entries) > 30  # the writers did write between the kills
    assert run("-C", case, "record", "web", "-m", "après les crashs").exit_code == 0
    assert run("-C", case, "verify").exit_code == 0


def test_log_streamed_to_a_file_leaves_nothing_half_written(case, run):
    journal = case / "journal.jsonl"
    lines = journal.read_bytes().split(b"\n")
    lines[20] = b"{pas du json"
    journal.write_bytes(b"\n".join(lines))
    out = case / "journal.csv"
    result = run("-C", case, "log", "--csv", "-o", out)
    assert result.exit_code == 4 and "ligne 21" in result.stderr
    assert not out.exists()  # the first 20 rows were not left behind


def test_a_line_caught_half_written_is_read_again_under_the_lock(case, monkeypatch):
    """Where reading the end takes no lock (Windows), it can catch another writer's line
    half-written: that is no reason to refuse; under the writers' lock the line is whole."""
    import dataclasses

    journal = Case(case).journal
    whole = journal.tail()
    assert whole.torn is None
    caught = dataclasses.replace(whole, torn=b'{"n": 32, "canal": "we')  # mid-write
    monkeypatch.setattr(journal, "tail", lambda: caught)
    journal.check_appendable()  # no refusal

    with (case / "journal.jsonl").open("ab") as file:  # really torn: still refused
        file.write(b'{"n": 32, "canal": "we')
    with pytest.raises(JournalError, match="incomplète"):
        journal.check_appendable()
