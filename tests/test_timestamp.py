"""Trusted timestamps of the journal, against a real local TSA built with ``openssl ts``."""

from __future__ import annotations

import hashlib
import shlex
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from rdvletters.evidence.proofs import timestamp as ts
from rdvletters.evidence.proofs import tokens

from .conftest import chronology_of, journal_lines, run_installed
from .tsa_server import LocalTSA, clock_follows_suite, closed_port_url, make_pki

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki_other"), "Other")


def _last_line_hash(folder: Path) -> str:
    lines = [ln for ln in (folder / "journal.jsonl").read_bytes().split(b"\n") if ln.strip()]
    return hashlib.sha256(lines[-1]).hexdigest()


def _stamp(run, case, tsa, ca, *extra):
    return run("-C", case, "timestamp", "--tsa", tsa.url, "--tsa-cert", ca, *extra)


@pytest.mark.parametrize("with_ca", [False, True], ids=["signer-only", "signer+CA"])
def test_token_over_chain_head_is_stored_journaled_and_verified(case, run, pki, with_ca):
    head = _last_line_hash(case)
    before = len(journal_lines(case))
    with LocalTSA(pki, with_ca_in_token=with_ca) as tsa:
        result = _stamp(run, case, tsa, pki.ca)
    assert result.exit_code == 0, result.output
    entries = journal_lines(case)
    assert len(entries) == before + 1
    entry = entries[-1]
    assert entry["type"] == "horodatage" and entry["verification"] == "valide"
    assert entry["empreinte"] == head and entry["entree"] == before
    assert entry["precedent"] == head  # the token covers exactly the line before it
    tsr = case / entry["fichier"]
    assert tsr.stat().st_mode & 0o777 == 0o600
    assert hashlib.sha256(tsr.read_bytes()).hexdigest() == entry["sha256"]
    token = tokens.read_token(tsr.read_bytes())
    assert token.parser == ("openssl" if with_ca else "rfc3161-client")
    assert token.imprint == head
    assert token.gen_time == datetime.fromisoformat(entry["heure_tsa"])
    kinds = {p["original"] for p in entry["pieces"]}
    assert "certificat racine" in kinds
    verified = run("-C", case, "verify")
    assert verified.exit_code == 0, verified.output
    assert "horodatage n° " in verified.output and ": valide, entrées 1 à" in verified.output
    assert "n° 1, démarche du 14/09/2026 à 9 h 05 : existait au plus tard le" in verified.output


def test_tampered_token_is_refused_at_request_and_nothing_is_stored(case, run, pki):
    before = (case / "journal.jsonl").read_bytes()
    with LocalTSA(pki) as tsa:
        tsa.mode = "tamper"
        result = _stamp(run, case, tsa, pki.ca)
    assert result.exit_code == 6
    assert "jeton refusé, signature invalide" in result.stderr
    assert (case / "journal.jsonl").read_bytes() == before
    assert not list((case / "horodatage").glob("*.tsr"))
    assert (case / "horodatage" / "en_attente.json").exists()


def test_token_over_another_imprint_is_refused(case, run, pki):
    before = (case / "journal.jsonl").read_bytes()
    with LocalTSA(pki) as tsa:
        tsa.mode = "other"
        result = _stamp(run, case, tsa, pki.ca)
    assert result.exit_code == 6
    assert "empreinte différente" in result.stderr
    assert (case / "journal.jsonl").read_bytes() == before


def test_untrusted_certificate_is_refused(case, run, pki, other_pki):
    with LocalTSA(pki) as tsa:
        result = _stamp(run, case, tsa, other_pki.ca)
    assert result.exit_code == 6
    assert "n'est pas signé par une autorité issue du certificat donné" in result.stderr
    assert not list((case / "horodatage").glob("*.tsr"))


def test_not_a_token_is_refused(case, run, pki):
    with LocalTSA(pki) as tsa:
        tsa.mode = "garbage"
        result = _stamp(run, case, tsa, pki.ca)
    assert result.exit_code == 6 and "réponse qui n'est pas un jeton" in result.stderr


def test_stored_token_altered_later_is_reported(case, run, pki):
    with LocalTSA(pki) as tsa:
        assert _stamp(run, case, tsa, pki.ca).exit_code == 0
    entry = journal_lines(case)[-1]
    tsr = case / entry["fichier"]
    from .tsa_server import _tamper

    tsr.write_bytes(_tamper(tsr.read_bytes()))
    result = run("-C", case, "verify")
    assert result.exit_code == 1
    assert f"horodatage n° {entry['n']} (127.0.0.1) : signature invalide" in result.output
    assert "existait au plus tard" not in result.output


def test_entry_edited_after_its_timestamp_is_reported(case, run, pki):
    with LocalTSA(pki) as tsa:
        assert _stamp(run, case, tsa, pki.ca).exit_code == 0
    path = case / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    covered = journal_lines(case)[-1]["entree"]
    lines[covered - 1] = lines[covered - 1].replace("18:45", "18:46", 1)
    path.write_text("".join(lines), encoding="utf-8")
    result = run("-C", case, "verify")
    assert result.exit_code == 1
    assert "empreinte différente" in result.output
    assert "ne correspond plus à l'empreinte horodatée" in result.output


def test_unrecognised_authority_is_kept_but_not_counted(case, run, pki):
    with LocalTSA(pki) as tsa:
        (case / "horodatage.yaml").write_text(
            f"autorites:\n  - url: {tsa.url}\n    nom: Inconnue\n", encoding="utf-8"
        )
        result = run("-C", case, "timestamp")
    assert result.exit_code == 0, result.output
    assert "jeton gardé, mais autorité non reconnue" in result.stderr
    assert journal_lines(case)[-1]["verification"] == "autorité non reconnue"
    verified = run("-C", case, "verify")
    assert verified.exit_code == 0
    assert "autorité non reconnue" in verified.output and "non pris en compte" in verified.output
    assert "pas encore couverte par un horodatage" in verified.output


def test_tsa_down_queues_and_keeps_what_was_stored(case, run, pki):
    with LocalTSA(pki) as tsa:
        assert _stamp(run, case, tsa, pki.ca).exit_code == 0
    stored = {p: p.read_bytes() for p in (case / "horodatage").iterdir()}
    run("-C", case, "record", "web", "--at", "2026-11-26 08:00", "-m", "Aucun créneau")
    result = run("-C", case, "timestamp", "--tsa", closed_port_url())
    assert result.exit_code == 6
    assert "injoignable" in result.stderr and "mise en attente" in result.stderr
    assert all(p.read_bytes() == data for p, data in stored.items())
    assert (case / "horodatage" / "en_attente.json").exists()
    status = run("-C", case, "status")
    assert "journal non horodaté depuis le" in status.output
    assert "demande en attente depuis le" in status.output
    assert run("-C", case, "verify").exit_code == 0
    with LocalTSA(pki) as tsa:  # the network is back: the queue is cleared
        assert _stamp(run, case, tsa, pki.ca).exit_code == 0
    assert not (case / "horodatage" / "en_attente.json").exists()
    assert "journal horodaté : dernier jeton du" in run("-C", case, "status").output


def test_slow_tsa_times_out(case, run, pki):
    with LocalTSA(pki) as tsa:
        tsa.mode, tsa.delay = "slow", 3
        result = _stamp(run, case, tsa, pki.ca, "--timeout", "1")
    assert result.exit_code == 6
    assert "ne répond pas (délai de 1 s dépassé)" in result.stderr


def test_automatic_timestamp_after_sent(case, run, pki):
    with LocalTSA(pki) as tsa:
        (case / "horodatage.yaml").write_text(
            "horodatage: auto\nautorites:\n"
            f"  - url: {tsa.url}\n    nom: Association\n    certificat: {pki.ca}\n",
            encoding="utf-8",
        )
        n = run("-C", case, "letter", "--format", "text").output.split("entrée n° ")[1]
        result = run("-C", case, "sent", n.split(")")[0], "--tracking", "1A 123 456 7890 1")
    assert result.exit_code == 0, result.output
    assert "journal horodaté (entrées 1 à" in result.output
    last = journal_lines(case)[-2:]
    assert last[0]["type"] == "envoi" and last[1]["type"] == "horodatage"
    assert last[1]["entree"] == last[0]["n"] and last[1]["autorite"] == "Association"


def test_automatic_timestamp_without_network_does_not_fail_the_sending(case, run):
    (case / "horodatage.yaml").write_text(
        f"horodatage: auto\nautorites:\n  - url: {closed_port_url()}\n", encoding="utf-8"
    )
    n = run("-C", case, "letter", "--format", "text").output.split("entrée n° ")[1]
    result = run("-C", case, "sent", n.split(")")[0], "--tracking", "1A 123 456 7890 1")
    assert result.exit_code == 0
    assert "demande mise en attente" in result.output
    assert journal_lines(case)[-1]["type"] == "envoi"
    assert "journal non horodaté depuis le" in run("-C", case, "status").output


def test_bad_settings_file_names_file_line_and_field(case, run):
    (case / "horodatage.yaml").write_text("horodatage: parfois\n", encoding="utf-8")
    result = run("-C", case, "timestamp")
    assert result.exit_code == 2
    assert "horodatage.yaml, ligne 1, champ « horodatage »" in result.stderr


def test_bundle_holds_tokens_and_the_commands_check_them(case, run, pki, tmp_path):
    with LocalTSA(pki, with_ca_in_token=True) as tsa:
        assert _stamp(run, case, tsa, pki.ca).exit_code == 0
    entry = journal_lines(case)[-1]
    out = tmp_path / "dossier"
    assert run("-C", case, "bundle", "-o", out).exit_code == 0
    inventory = (out / "Ne_pas_deposer" / "00_Inventaire.txt").read_text(encoding="utf-8")
    assert "Jeton d'horodatage RFC 3161 (127.0.0.1" in inventory
    assert "Horodatages\u00a0: explication et commandes de vérification" in inventory
    assert "Journal des démarches (fichier d'origine" in inventory
    explanation = next(out.glob("*_Horodatages_explication.txt")).read_text(encoding="utf-8")
    assert "il prouve seulement que le journal" in explanation
    command = next(ln.strip() for ln in explanation.splitlines() if "openssl ts -verify" in ln)
    checked = subprocess.run(shlex.split(command), cwd=out, capture_output=True, text=True)
    assert "Verification: OK" in checked.stdout, checked.stderr
    sed = next(ln.strip() for ln in explanation.splitlines() if ln.strip().startswith("sed -n"))
    digest = subprocess.run(["bash", "-c", sed], cwd=out, capture_output=True, text=True)
    assert digest.stdout.split()[0] == entry["empreinte"]
    tables = chronology_of(case).tables
    cells = [c for _, _, rows, _ in tables for row in rows for c in row]
    assert f"entrées n°\u00a01 à {entry['entree']} du journal" in cells
    journal_piece = next(out.glob("*_Journal_des_demarches.jsonl")).name[:2]
    steps = next(rows for _, columns, rows, _ in tables if columns[2] == "Canal")
    assert all(journal_piece not in row[-1] for row in steps)


def test_default_authorities_are_public_and_several():
    urls = [a.url for a in ts.DEFAULT_AUTHORITIES]
    assert urls == [
        "https://freetsa.org/tsr",
        "http://timestamp.digicert.com",
        "http://timestamp.sectigo.com",
    ]
    (root,) = tokens.bundled_anchors()
    assert tokens.fingerprint(root) == (
        "a6379e7cecc05faa3cbf076013d745e327bbbaa38c0b9af22469d4701d18aabc"
    )


def test_timestamp_through_installed_command(case, pki):
    with LocalTSA(pki) as tsa:
        result = run_installed("-C", case, "timestamp", "--tsa", tsa.url, "--tsa-cert", pki.ca)
    assert result.returncode == 0, result.stderr
    assert "horodaté par 127.0.0.1" in result.stdout
    verified = run_installed("-C", case, "verify")
    assert verified.returncode == 0 and "existait au plus tard" in verified.stdout


@pytest.mark.skipif(not clock_follows_suite, reason="the local authority keeps the suite's clock")
def test_clock_inconsistency_is_said(case, run, pki, monkeypatch):
    """An entry written by a computer whose clock ran two hours ahead of the authority's."""
    import rdvletters.journal as journal

    ahead = journal.now_paris() + timedelta(hours=2)
    with monkeypatch.context() as clock:
        clock.setattr(journal, "now_paris", lambda: ahead)
        run("-C", case, "record", "web", "--at", "2026-11-26 08:00", "-m", "Aucun créneau")
    with LocalTSA(pki) as tsa:
        assert _stamp(run, case, tsa, pki.ca).exit_code == 0
    result = run("-C", case, "verify")
    assert result.exit_code == 0
    assert "après l'heure de l'autorité : l'horloge de l'ordinateur avançait" in result.output
