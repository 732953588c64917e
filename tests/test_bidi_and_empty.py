"""Bidirectional overrides never reach a letter, and an empty proof file is refused by
the command line as the web form refuses it."""

from __future__ import annotations

import pytest

from .conftest import edit_profile, journal_lines, run_installed

OVERRIDES = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]


@pytest.mark.parametrize("char", ["\u202e", "\u2067"])
def test_a_bidi_override_in_a_name_is_refused(case, char):
    edit_profile(case, ("nom: DIALLO", f'nom: "DIA{char}OLL"'))
    done = run_installed("-C", case, "letter", "--format", "text")
    assert done.returncode == 2, done.stdout
    assert "demandeur.nom" in done.stderr and "sens de lecture" in done.stderr
    assert not list((case / "documents").glob("*"))


@pytest.mark.parametrize("char", OVERRIDES)
@pytest.mark.parametrize("option", ["-m", "--witness", "--reference"])
def test_a_bidi_override_in_a_step_is_refused(case, char, option):
    args = ["record", "counter", "-m", "Guichet fermé", option, f"exe.{char}gnp"]
    before = journal_lines(case)
    done = run_installed("-C", case, *args)
    assert done.returncode == 2, done.stdout
    assert f"{option if option != '-m' else '--message'} :" in done.stderr
    assert "sens de lecture" in done.stderr
    assert journal_lines(case) == before


def test_an_empty_proof_is_refused_by_the_command_line(case, tmp_path):
    empty = tmp_path / "capture.png"
    empty.write_bytes(b"")
    before = journal_lines(case)
    pieces = sorted(p.name for p in (case / "pieces").iterdir())
    done = run_installed("-C", case, "record", "web", "-m", "x", "--proof", empty)
    assert done.returncode == 2, done.stdout
    assert "le fichier est vide (0 octet)" in done.stderr
    assert journal_lines(case) == before
    assert sorted(p.name for p in (case / "pieces").iterdir()) == pieces
