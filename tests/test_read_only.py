"""What the person made read-only stays read-only: rdvletters says so and stops, even
run as root (which the system would let write anywhere)."""

from __future__ import annotations

import stat

import pytest

from .conftest import journal_lines, run_installed


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("folder", "command"),
    [
        ("documents", ["email", "--format", "eml"]),
        ("pieces", ["record", "web", "-m", "x", "--proof", "{proof}"]),
    ],
)
def test_a_read_only_folder_is_respected(case, tmp_path, folder, command):
    proof = tmp_path / "preuve.png"
    proof.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    target = case / folder
    target.chmod(0o500)
    inside = sorted(p.name for p in target.iterdir())
    before = journal_lines(case)
    try:
        done = run_installed("-C", case, *[a.replace("{proof}", str(proof)) for a in command])
        assert done.returncode == 3, done.stdout + done.stderr
        assert f"{target} est protégé en écriture" in done.stderr
        assert _mode(target) == 0o500  # not made writable again
        assert sorted(p.name for p in target.iterdir()) == inside
        assert journal_lines(case) == before
    finally:
        target.chmod(0o700)


def test_a_read_only_journal_is_respected(case):
    journal = case / "journal.jsonl"
    journal.chmod(0o400)
    before = journal.read_bytes()
    try:
        done = run_installed("-C", case, "record", "web", "-m", "x")
        assert done.returncode == 4, done.stdout + done.stderr
        assert "journal.jsonl est protégé en écriture" in done.stderr
        assert journal.read_bytes() == before and _mode(journal) == 0o400
        assert run_installed("-C", case, "status").returncode == 0  # reading is fine
    finally:
        journal.chmod(0o600)
