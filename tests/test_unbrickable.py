"""No entry the reader would refuse is ever written, and ``repair`` sets aside any line
the reader refuses, keeping it: an old e-mail proof can no longer brick a case."""

from __future__ import annotations

import hashlib

import pytest

from .conftest import append_chained, journal_lines, run_installed

OLD_MAIL = (
    "From: aminata.diallo@example.org\r\nTo: pref-etrangers@example.gouv.fr\r\n"
    "Subject: Demande de rendez-vous\r\nDate: Mon, 03 Mar {year} 10:00:00 +0100\r\n\r\nBonjour\r\n"
)


def _mail(tmp_path, year: str):
    path = tmp_path / f"courriel-{year}.eml"
    path.write_bytes(OLD_MAIL.format(year=year).encode())
    return path


def test_an_e_mail_proof_from_2014_is_refused_and_nothing_is_written(case, tmp_path):
    before = (case / "journal.jsonl").read_bytes()
    pieces = sorted(p.name for p in (case / "pieces").iterdir())
    done = run_installed("-C", case, "record", "email", "--proof", _mail(tmp_path, "2014"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "courriel-2014.eml est daté du 03/03/2014" in done.stderr
    assert "--at" in done.stderr and "Traceback" not in done.stderr
    assert (case / "journal.jsonl").read_bytes() == before
    assert sorted(p.name for p in (case / "pieces").iterdir()) == pieces
    assert run_installed("-C", case, "status").returncode == 0


def test_a_year_written_0001_is_not_read_as_2001(case, tmp_path):
    done = run_installed("-C", case, "record", "email", "--proof", _mail(tmp_path, "0001"))
    assert done.returncode == 0, done.stderr
    entry = journal_lines(case)[-1]
    assert entry["date"] == "2026-11-30T10:00:00+01:00"  # the suite's « now »: no date read
    assert "date_propre" not in entry["pieces"][0]
    assert "2001" not in done.stdout + done.stderr
    assert run_installed("-C", case, "status").returncode == 0


def test_the_writer_refuses_what_the_reader_would_refuse(case):
    from rdvletters.case import Case
    from rdvletters.errors import InputError

    before = (case / "journal.jsonl").read_bytes()
    journal = Case(case).journal
    for bad in (
        {"type": "tentative", "canal": "web", "date": "2014-03-03T10:00:00+01:00"},
        {"type": "tentative", "canal": "pigeon", "date": "2026-11-29T10:00:00+01:00"},
        {"type": "tentative", "canal": "web", "date": "2026-11-29T10:00:00"},  # no offset
    ):
        with pytest.raises(InputError, match="le journal refuserait cette entrée"):
            journal.append(bad)
    assert (case / "journal.jsonl").read_bytes() == before


def _append_as_an_old_version_did(case) -> bytes:
    """A line with a genuine chain link but a content the reader refuses."""
    return append_chained(
        case,
        canal="email",
        date="2014-03-03T10:00:00+01:00",
        description="Courriel « Demande » envoyé à pref-etrangers@example.gouv.fr",
    )


def test_repair_sets_aside_a_refused_line_and_keeps_it(case):
    line = _append_as_an_old_version_did(case)
    for command in (["status"], ["record", "web", "-m", "x"], ["log"]):
        bricked = run_installed("-C", case, *command)
        assert bricked.returncode == 4, bricked.stdout
        assert "entrée illisible (champ « date » : année 2014" in bricked.stderr
        assert "rdvletters repair" in bricked.stderr
    repaired = run_installed("-C", case, "repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "Ligne 31 illisible mise de côté" in repaired.stdout
    raw = (case / "journal.jsonl").read_bytes().split(b"\n")
    assert raw[30] == line  # kept in place, byte for byte
    [copy] = case.glob("journal-lignes-mises-de-cote-*.txt")
    assert copy.read_bytes() == line + b"\n"
    aside = journal_lines(case)[-1]
    assert aside["type"] == "mise_de_cote" and aside["n"] == 32
    assert aside["lignes"] == [{"ligne": 31, "sha256": hashlib.sha256(line).hexdigest()}]
    for command in (["status"], ["log"], ["log", "--csv"], ["check"]):
        assert run_installed("-C", case, *command).returncode == 0, command
    verified = run_installed("-C", case, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "ligne 31 : entrée illisible mise de côté par rdvletters repair" in verified.stdout
    assert "Journal intact" in verified.stdout
    after = run_installed("-C", case, "record", "web", "-m", "après")
    assert after.returncode == 0 and journal_lines(case)[-1]["n"] == 33
    again = run_installed("-C", case, "repair")
    assert "rien à réparer" in again.stdout


def test_a_line_edited_by_hand_is_set_aside_but_the_edit_still_shows(case):
    path = case / "journal.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[9] = lines[9].replace(b'"canal": "web"', b'"canal": "pigeon"')
    path.write_bytes(b"\n".join(lines))
    assert run_installed("-C", case, "status").returncode == 4
    assert run_installed("-C", case, "repair").returncode == 0
    assert run_installed("-C", case, "status").returncode == 0
    verified = run_installed("-C", case, "verify")
    assert verified.returncode == 1  # set aside, not forgiven: the chain shows the edit
    assert "ligne 10 : entrée illisible mise de côté" in verified.stdout
    assert "l'entrée qui précède l'entrée n° 11 a été modifiée" in verified.stdout
