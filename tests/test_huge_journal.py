"""A journal with a gigabyte of NUL bytes at its end, a line of 30 MB, an e-mail proof
with a 1 MB Subject: every command answers in bounded memory, says what is wrong, and
``repair`` keeps what it sets aside. The installed command, under RLIMIT_AS."""

from __future__ import annotations

import hashlib
import resource
import subprocess

import pytest

from .conftest import append_chained, journal_lines, run_installed, run_limited

MEMORY = 768 * 1024**2  # far less than the gigabyte at the journal's end


def _bounded(*args) -> subprocess.CompletedProcess:
    return run_limited(*args, limits={resource.RLIMIT_AS: MEMORY}, timeout=90)


def test_a_gigabyte_of_nul_bytes_at_the_end_is_a_torn_line_set_aside(case):
    journal = case / "journal.jsonl"
    size = journal.stat().st_size
    with open(journal, "r+b") as handle:
        handle.truncate(size + 1024**3)  # sparse NUL bytes, no newline
    for command in (["status"], ["log"], ["verify"]):
        done = _bounded("-C", case, *command)
        assert "Traceback" not in done.stderr, (command, done.stderr[-500:])
        assert done.returncode in (0, 1), (command, done.stderr[-500:])
        if command != ["status"]:
            assert "incomplète" in done.stdout + done.stderr, command
    repaired = _bounded("-C", case, "repair")
    assert repaired.returncode == 0, repaired.stderr
    assert journal.stat().st_size == size  # every complete entry, byte for byte
    [side] = case.glob("journal-ligne-incomplete-*.txt")
    assert side.stat().st_size == 1024**3  # kept, not dropped
    assert _bounded("-C", case, "verify").returncode == 0


def test_a_30_mb_description_is_refused_by_its_size_and_set_aside_whole(case):
    line = append_chained(case, description="x" * (30 * 1024**2))
    done = _bounded("-C", case, "status")
    assert done.returncode == 4, done.stderr[-500:]
    assert "ligne 31 : entrée illisible (ligne trop longue : 30720 Ko, 1024 Ko au plus)" in (
        done.stderr
    )
    assert _bounded("-C", case, "repair").returncode == 0
    [side] = case.glob("journal-lignes-mises-de-cote-*.txt")
    assert side.read_bytes() == line + b"\n"  # the whole line, not its start
    assert journal_lines(case)[-1]["lignes"][0]["sha256"] == hashlib.sha256(line).hexdigest()
    for command in (["status"], ["verify"], ["log"]):
        assert _bounded("-C", case, *command).returncode == 0, command


def test_the_writer_refuses_a_line_the_reader_would_refuse(case):
    from rdvletters.case import Case
    from rdvletters.errors import InputError

    before = (case / "journal.jsonl").read_bytes()
    with pytest.raises(InputError, match="ligne trop longue"):
        Case(case).journal.append(
            {"type": "evenement", "canal": "reply", "date": "2026-11-29T10:00:00+01:00",
             "description": "x" * (2 * 1024**2)}
        )  # fmt: skip
    assert (case / "journal.jsonl").read_bytes() == before


def test_a_subject_of_a_megabyte_is_kept_to_a_line(case, tmp_path):
    proof = tmp_path / "courriel.eml"
    proof.write_bytes(
        b"From: a@example.org\r\nTo: pref-etrangers@example.gouv.fr\r\nSubject: "
        + b"x" * (1024**2)
        + b"\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\n\r\nBonjour\r\n"
    )
    done = _bounded("-C", case, "record", "email", "--proof", proof)
    assert done.returncode == 0, done.stderr
    entry = journal_lines(case)[-1]
    assert len(entry["pieces"][0]["entetes"]["objet"]) == 500
    assert len(entry["description"]) < 600
    assert len((case / "journal.jsonl").read_bytes().splitlines()[-1]) < 4096
    assert run_installed("-C", case, "status").returncode == 0
