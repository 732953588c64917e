"""The journal: append-only, safe under concurrent writers, honest about a torn line."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from pathlib import Path

from rdvletters.case import Case
from rdvletters.frdates import parse_when

from .conftest import journal_lines


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
