"""Recording attempts and sendings: proofs copied and hashed, values checked."""

from __future__ import annotations

import hashlib

from .conftest import journal_lines


def test_record_copies_proof_with_dated_name_and_hash(case, run, tmp_path):
    proof = tmp_path / "Capture écran (3).png"
    proof.write_bytes(b"\x89PNG fake screenshot")
    result = run(
        "-C",
        case,
        "record",
        "web",
        "--at",
        "2026-11-26 07:45",
        "--message",
        "Aucune plage horaire libre",
        "--proof",
        proof,
    )
    assert result.exit_code == 0, result.output
    entry = journal_lines(case)[-1]
    assert entry["canal"] == "web" and entry["type"] == "tentative"
    assert entry["date"] == "2026-11-26T07:45:00+01:00"
    assert entry["description"] == "Aucune plage horaire libre"
    piece = entry["pieces"][0]
    assert piece["fichier"] == "pieces/2026-11-26_0745_web_Capture_ecran_3.png"
    copied = case / piece["fichier"]
    assert copied.read_bytes() == proof.read_bytes()
    assert piece["sha256"] == hashlib.sha256(proof.read_bytes()).hexdigest()
    assert proof.exists()  # the original is never moved
    assert copied.stat().st_mode & 0o777 == 0o600


def test_counter_with_witness(case, run):
    result = run(
        "-C",
        case,
        "record",
        "counter",
        "--at",
        "2026-11-26 08:30",
        "-m",
        "Refus de rendez-vous",
        "--witness",
        "Jean MARTIN",
    )
    assert result.exit_code == 0
    assert journal_lines(case)[-1]["temoin"] == "Jean MARTIN"


def test_witness_only_for_counter(case, run):
    result = run("-C", case, "record", "web", "--witness", "X")
    assert result.exit_code == 2 and "counter" in result.stderr


def test_future_and_malformed_dates_are_refused(case, run):
    before = journal_lines(case)
    for at in ("2099-01-01 10:00", "hier", "2026-11-26"):
        result = run("-C", case, "record", "web", "--at", at)
        assert result.exit_code == 2, at
        assert "--at" in result.stderr
    assert journal_lines(case) == before


def test_missing_proof_file_is_refused_before_writing(case, run, tmp_path):
    before = journal_lines(case)
    result = run("-C", case, "record", "web", "--proof", tmp_path / "absent.png")
    assert result.exit_code == 2 and "absent.png" in result.stderr
    assert journal_lines(case) == before


def test_sent_letter_with_tracking_number(case, run):
    run("-C", case, "letter")
    n = journal_lines(case)[-1]["n"]
    bad = run("-C", case, "sent", str(n), "--tracking", "ABC")
    assert bad.exit_code == 2 and "suivi" in bad.stderr
    early = run("-C", case, "sent", str(n), "--at", "2026-11-26 10:30")
    assert early.exit_code == 2 and "il ne peut pas être parti avant" in early.stderr
    ok = run("-C", case, "sent", str(n), "--tracking", "1A 123 456 7890 1")
    assert ok.exit_code == 0, ok.output
    entry = journal_lines(case)[-1]
    assert entry["type"] == "envoi" and entry["document_n"] == n and entry["canal"] == "letter"
    assert entry["suivi"] == "1A12345678901" and entry["suivi_saisi"] == "1A 123 456 7890 1"
    twice = run("-C", case, "sent", str(n))
    assert twice.exit_code == 2 and "déjà" in twice.stderr


def test_sent_refuses_an_attempt_number(case, run):
    result = run("-C", case, "sent", "1")
    assert result.exit_code == 2 and "document préparé" in result.stderr


def test_impossible_dates_are_told_in_the_interface_language(case, run):
    for text in ("2026-02-30 10:00", "2026-11-20 24:00", "31/04/2026 09:15"):
        result = run("-C", case, "record", "web", "--at", text)
        assert result.exit_code == 2
        assert "n'existe pas" in result.stderr and text in result.stderr
        assert "out of range" not in result.stderr and "must be" not in result.stderr
    english = run("--lang", "en", "-C", case, "record", "web", "--at", "2026-02-30 10:00")
    assert english.exit_code == 2 and "does not exist" in english.stderr


def test_log_and_verify_refuse_a_folder_that_is_no_case(tmp_path, run):
    missing = tmp_path / "faute-de-frappe"
    for command in ("log", "verify"):
        result = run("-C", missing, command)
        assert result.exit_code == 3, command
        assert "Aucun profil" in result.stderr and "intact" not in result.output


def test_recours_json_goes_with_check(case, run):
    result = run("-C", case, "recours", "--json")
    assert result.exit_code == 2 and "--check" in result.stderr
    assert not list((case / "documents").glob("*requete*"))  # nothing was prepared
