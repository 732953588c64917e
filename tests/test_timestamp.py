"""Trusted timestamps of the journal, against real local authorities built with ``openssl ts``.

Two authorities under two different local CAs stand for the public ones; a test trust store
(``RDVLETTERS_TRUST_STORE``) stands for the system's. A third, self-signed authority (as
FreeTSA is) must be refused.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
import ssl
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from rdvletters.case import Case
from rdvletters.evidence.proofs import timestamp as ts
from rdvletters.evidence.proofs import tokens, tsa_settings
from rdvletters.facts import Facts
from rdvletters.steps import THIRD_PARTY

from .conftest import chronology_of, journal_lines, run_installed
from .tsa_server import (
    LocalTSA,
    clock_follows_suite,
    closed_port_url,
    make_pki,
    make_self_signed,
    settings_for,
    trust_store,
)

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki_other"), "Other")


@pytest.fixture(scope="session")
def lone(tmp_path_factory):
    return make_self_signed(tmp_path_factory.mktemp("pki_lone"))


@pytest.fixture
def store(pki, other_pki, tmp_path, monkeypatch):
    """The machine's trust store, for the test: the two local CAs, nothing else."""
    path = trust_store(tmp_path / "magasin", pki, other_pki)
    monkeypatch.setenv(tsa_settings.TRUST_STORE_ENV, str(path))
    return path


@pytest.fixture
def patient(monkeypatch):
    """Commands wait longer for the local authorities than the real budget: each answer is
    an ``openssl`` process, slow on a loaded machine, and these tests want the answers."""
    from rdvletters.evidence.proofs import autostamp

    monkeypatch.setattr(autostamp, "BUDGET", 20.0)


def _last_line_hash(folder: Path) -> str:
    lines = [ln for ln in (folder / "journal.jsonl").read_bytes().split(b"\n") if ln.strip()]
    return hashlib.sha256(lines[-1]).hexdigest()


def _stamp(run, case, tsa, *extra):
    return run("-C", case, "timestamp", "--tsa", tsa.url, *extra)


def _tokens(case) -> list[dict]:
    return [e for e in journal_lines(case) if e["type"] == "horodatage"]


@pytest.mark.parametrize("with_ca", [False, True], ids=["signer-only", "signer+CA"])
def test_token_over_chain_head_is_stored_journaled_and_verified(case, run, pki, store, with_ca):
    head = _last_line_hash(case)
    before = len(journal_lines(case))
    with LocalTSA(pki, with_ca_in_token=with_ca) as tsa:
        result = _stamp(run, case, tsa)
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
    assert (
        entry["racine_sha256"]
        == hashlib.sha256(ssl.PEM_cert_to_DER_cert(pki.ca.read_text())).hexdigest()
    )
    verified = run("-C", case, "verify")
    assert verified.exit_code == 0, verified.output
    assert ": valide, entrées 1 à" in verified.output
    assert f"magasin de certificats {store}" in verified.output  # where trust came from
    assert "n° 1, démarche du 14/09/2026 à 9 h 05 : existait au plus tard le" in verified.output


def test_a_pinned_certificate_is_kept_for_verify(case, run, pki):
    """No trust store holds the CA: ``--tsa-cert`` names it, and verify trusts it later."""
    with LocalTSA(pki) as tsa:
        result = _stamp(run, case, tsa, "--tsa-cert", pki.ca)
    assert result.exit_code == 0, result.output
    assert list((case / "horodatage" / "racines").glob("*.pem"))
    verified = run("-C", case, "verify")
    assert verified.exit_code == 0 and ": valide, entrées 1 à" in verified.output
    assert "racine désignée par la personne" in verified.output


def test_tampered_token_is_refused_at_request_and_nothing_is_stored(case, run, pki, store):
    before = (case / "journal.jsonl").read_bytes()
    with LocalTSA(pki) as tsa:
        tsa.mode = "tamper"
        result = _stamp(run, case, tsa)
    assert result.exit_code == 6
    assert "jeton refusé, signature invalide" in result.stderr
    assert (case / "journal.jsonl").read_bytes() == before
    assert not list((case / "horodatage").glob("*.tsr"))
    assert (case / "horodatage" / "en_attente.json").exists()


def test_token_over_another_imprint_is_refused(case, run, pki, store):
    before = (case / "journal.jsonl").read_bytes()
    with LocalTSA(pki) as tsa:
        tsa.mode = "other"
        result = _stamp(run, case, tsa)
    assert result.exit_code == 6
    assert "empreinte différente" in result.stderr
    assert (case / "journal.jsonl").read_bytes() == before


def test_authority_under_an_untrusted_ca_is_refused(
    case, run, pki, other_pki, tmp_path, monkeypatch
):
    monkeypatch.setenv(tsa_settings.TRUST_STORE_ENV, str(trust_store(tmp_path / "s", pki)))
    with LocalTSA(other_pki) as tsa:
        result = _stamp(run, case, tsa)
    assert result.exit_code == 6
    assert "jeton refusé, son certificat ne remonte à aucune racine de confiance" in result.stderr
    assert "Other TSA" in result.stderr
    assert not list((case / "horodatage").glob("*.tsr"))
    assert _tokens(case) == []


def test_self_signed_authority_is_refused(case, run, lone, store):
    with LocalTSA(lone) as tsa:
        result = _stamp(run, case, tsa)
    assert result.exit_code == 6
    assert "ne remonte à aucune racine de confiance (Lone TSA)" in result.stderr
    assert _tokens(case) == []


def test_pinned_certificate_of_another_authority_is_refused(case, run, pki, other_pki, store):
    with LocalTSA(pki) as tsa:  # trusted by the store, but not by the certificate pinned
        result = _stamp(run, case, tsa, "--tsa-cert", other_pki.ca)
    assert result.exit_code == 6
    assert "n'est pas signé par une autorité issue du certificat donné" in result.stderr
    assert not list((case / "horodatage").glob("*.tsr"))


def test_not_a_token_is_refused(case, run, pki, store):
    with LocalTSA(pki) as tsa:
        tsa.mode = "garbage"
        result = _stamp(run, case, tsa)
    assert result.exit_code == 6 and "réponse qui n'est pas un jeton" in result.stderr


def test_stored_token_altered_later_is_reported(case, run, pki, store):
    with LocalTSA(pki) as tsa:
        assert _stamp(run, case, tsa).exit_code == 0
    entry = journal_lines(case)[-1]
    tsr = case / entry["fichier"]
    from .tsa_server import _tamper

    tsr.write_bytes(_tamper(tsr.read_bytes()))
    result = run("-C", case, "verify")
    assert result.exit_code == 1
    assert f"horodatage n° {entry['n']} (127.0.0.1) : signature invalide" in result.output
    assert "existait au plus tard" not in result.output


def test_entry_edited_after_its_timestamp_is_reported(case, run, pki, store):
    with LocalTSA(pki) as tsa:
        assert _stamp(run, case, tsa).exit_code == 0
    path = case / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    covered = journal_lines(case)[-1]["entree"]
    lines[covered - 1] = lines[covered - 1].replace("18:45", "18:46", 1)
    path.write_text("".join(lines), encoding="utf-8")
    result = run("-C", case, "verify")
    assert result.exit_code == 1
    assert "empreinte différente" in result.output
    assert "ne correspond plus à l'empreinte horodatée" in result.output


def test_root_no_longer_trusted_is_neither_a_date_nor_an_anchor(
    case, run, pki, store, tmp_path, monkeypatch
):
    """The root kept beside the token in the case folder is never trusted for being there."""
    with LocalTSA(pki) as tsa:
        assert _stamp(run, case, tsa).exit_code == 0
    assert any(p.name.endswith("_racine.pem") for p in (case / "horodatage").iterdir())
    empty = tmp_path / "vide.pem"
    empty.write_bytes(b"")
    monkeypatch.setenv(tsa_settings.TRUST_STORE_ENV, str(empty))
    verified = run("-C", case, "verify")
    assert verified.exit_code == 0
    assert "autorité non reconnue" in verified.output and "non pris en compte" in verified.output
    assert "racine gardée avec le jeton, empreinte" in verified.output
    assert "il ne compte pas comme ancre" in verified.output
    assert "pas encore couverte par un horodatage" in verified.output
    assert (
        "aucune ancre ne concorde" in verified.output or "n'est ancré nulle part" in verified.output
    )


def test_tsa_down_queues_and_keeps_what_was_stored(case, run, pki, store):
    with LocalTSA(pki) as tsa:
        assert _stamp(run, case, tsa).exit_code == 0
    stored = {p: p.read_bytes() for p in (case / "horodatage").iterdir() if p.is_file()}
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
        assert _stamp(run, case, tsa).exit_code == 0
    assert not (case / "horodatage" / "en_attente.json").exists()
    assert "journal horodaté : dernier jeton du" in run("-C", case, "status").output


def test_slow_tsa_times_out(case, run, pki, store):
    with LocalTSA(pki) as tsa:
        tsa.mode, tsa.delay = "slow", 3
        result = _stamp(run, case, tsa, "--timeout", "1")
    assert result.exit_code == 6
    assert "ne répond pas (délai de 1 s dépassé)" in result.stderr


def _auto(case: Path, *tsas: LocalTSA, **kwargs) -> None:
    (case / "horodatage.yaml").write_text(settings_for(*tsas, **kwargs), encoding="utf-8")


def test_every_entry_is_dated_by_two_independent_authorities(
    case, run, pki, other_pki, store, patient
):
    with LocalTSA(pki) as a, LocalTSA(other_pki) as b:
        _auto(case, a, b)
        result = run("-C", case, "record", "web", "-m", "Aucun créneau")
        assert result.exit_code == 0, result.output
        assert "journal horodaté (entrées 1 à 31) par Autorite A, Autorite B." in result.output
        assert a.requests == 1 and b.requests == 1
        again = run("-C", case, "status")  # nothing waits: nothing is asked
        assert a.requests == 1 and b.requests == 1
    stamps = _tokens(case)
    assert [s["entree"] for s in stamps] == [31, 31]
    assert {s["autorite"] for s in stamps} == {"Autorite A", "Autorite B"}
    assert len({s["racine_sha256"] for s in stamps}) == 2
    assert "journal horodaté : dernier jeton du" in again.output
    step = next(s for s in Facts.from_journal(Case(case).journal.read()).steps if s.n == 31)
    assert [who for who, _ in step.stamps] in (
        ["Autorite A", "Autorite B"],
        ["Autorite B", "Autorite A"],
    )
    assert step.dating is None  # no proof file: nothing to date
    verified = run("-C", case, "verify")
    assert verified.exit_code == 0
    assert "journal ancré jusqu'à sa dernière entrée" not in verified.output  # tokens after 31
    assert (
        "journal ancré jusqu'à l'entrée n° 31 (2 ancres concordantes) ; les entrées n° 32 à 33 "
        "sont ses horodatages" in verified.output
    )


def test_a_proof_recorded_now_is_dated_by_a_third_party(case, run, pki, other_pki, store, patient):
    png = sorted((case / "pieces").glob("*.png"))[0]
    with LocalTSA(pki) as a, LocalTSA(other_pki) as b:
        _auto(case, a, b)
        assert (
            run("-C", case, "record", "web", "-m", "Aucun créneau", "--proof", png).exit_code == 0
        )
        old = run(
            "-C", case, "record", "web", "--at", "2026-11-27 09:00", "-m", "x", "--proof", png
        )
        assert old.exit_code == 0
    facts = Facts.from_journal(Case(case).journal.read())
    new, late = (next(s for s in facts.steps if s.n == n) for n in (31, 34))
    assert new.dating == THIRD_PARTY and new.dated_by_third_party
    assert late.dating == "tiers_tardif"  # recorded three days after: existed by then, no more
    counts = facts.proofs_by_dating()
    # the example's earlier attempts are covered too, but weeks after: they existed by then
    assert counts["tiers"] == 1 and counts["tiers_tardif"] == len(facts.attempts_with_proof) - 1
    status = run("-C", case, "status")
    assert "Justificatifs datés par un tiers dans l'heure (horodatage) : 1 sur" in status.output
    week = next(w for w in facts.weeks if w.monday == new.monday)
    assert week.third_party == 1


def test_next_authority_is_asked_when_one_fails(case, run, pki, other_pki, store, patient):
    with LocalTSA(pki) as a, LocalTSA(other_pki) as b:
        down = closed_port_url()
        (case / "horodatage.yaml").write_text(
            f"horodatage: auto\nautorites:\n  - url: {down}\n    nom: En panne\n"
            f"  - url: {a.url}\n    nom: A\n  - url: {b.url}\n    nom: B\n",
            encoding="utf-8",
        )
        result = run("-C", case, "record", "web", "-m", "Aucun créneau")
    assert "par A, B." in result.output or "par B, A." in result.output
    assert {s["autorite"] for s in _tokens(case)} == {"A", "B"}
    assert not (case / "horodatage" / "en_attente.json").exists()


def test_two_authorities_under_one_root_are_not_independent(case, run, pki, store, patient):
    with LocalTSA(pki) as a, LocalTSA(pki) as a2:
        _auto(case, a, a2)
        result = run("-C", case, "record", "web", "-m", "Aucun créneau")
    assert "même racine de confiance qu'une autorité déjà obtenue" in result.output
    assert len(_tokens(case)) == 1
    assert "par une seule autorité pour l'instant" in run("-C", case, "status").output


def test_queue_fills_offline_and_drains_at_the_next_command(
    case, run, pki, other_pki, store, patient
):
    with LocalTSA(pki) as a, LocalTSA(other_pki) as b:
        ports = a.port, b.port
        _auto(case, a, b)
    # offline: both authorities are down; every command still works and keeps the queue
    for minutes in (0, 5):
        result = run("-C", case, "record", "web", "-m", f"Aucun créneau ({minutes})")
        assert result.exit_code == 0
        assert "horodatage en attente : aucune autorité n'a répondu à temps" in result.output
    assert _tokens(case) == []
    queue = case / "horodatage" / "en_attente.json"
    assert queue.exists() and queue.stat().st_mode & 0o777 == 0o600
    status = run("-C", case, "status")
    assert "journal non horodaté depuis le 14/09/2026" in status.output  # never stamped
    assert "demande en attente depuis le 30/11/2026" in status.output
    with LocalTSA(pki, port=ports[0]) as a, LocalTSA(other_pki, port=ports[1]) as b:
        drained = run("-C", case, "log")  # any command: the queue goes first thing after
        assert a.requests == 1 and b.requests == 1
    assert "journal horodaté (entrées 1 à 32)" in drained.output
    assert [s["entree"] for s in _tokens(case)] == [32, 32]
    assert not queue.exists()
    verified = run("-C", case, "verify")
    assert verified.exit_code == 0
    assert "n° 31, démarche du 30/11/2026" in verified.output
    assert "pas encore couverte" not in verified.output.split("Dates prouvées")[1].split("n° 33")[0]


def test_a_slow_authority_is_left_for_later_within_the_budget(
    case, run, pki, other_pki, store, monkeypatch
):
    """The command ends without the slow answer (its budget is about a second); the
    answer that came late is not used, and the next command asks again."""
    from rdvletters.evidence.proofs import autostamp

    monkeypatch.setattr(autostamp, "BUDGET", 3.0)  # room for A's answer on a loaded machine
    with LocalTSA(pki) as a, LocalTSA(other_pki) as b:
        _auto(case, a, b)
        b.mode, b.delay = "slow", 10
        result = run("-C", case, "record", "web", "-m", "Aucun créneau")
        late = next(ln for ln in result.output.splitlines() if "- Autorite B" in ln)
        # the budget's end, or B's own delay when it comes first (faketime slows the wait)
        assert "n'a pas répondu à temps" in late or "ne répond pas (délai de" in late
        assert [s["autorite"] for s in _tokens(case)] == ["Autorite A"]
        b.mode = "ok"
        result = run("-C", case, "status")
    assert "par Autorite B" in result.output
    assert [s["autorite"] for s in _tokens(case)] == ["Autorite A", "Autorite B"]
    assert not (case / "horodatage" / "en_attente.json").exists()


def test_manual_settings_never_ask_by_themselves(case, run, pki, other_pki, store, patient):
    with LocalTSA(pki) as a, LocalTSA(other_pki) as b:
        _auto(case, a, b, mode="manuel")
        assert run("-C", case, "record", "web", "-m", "Aucun créneau").exit_code == 0
        assert a.requests == b.requests == 0
        assert run("-C", case, "timestamp").exit_code == 0  # the person asks: both answer
        assert a.requests == b.requests == 1
    assert len(_tokens(case)) == 2


def test_init_asks_once_and_the_answer_is_kept(tmp_path, run, pki, other_pki, store):
    folder = tmp_path / "nouveau"
    result = run("init", folder, "--timestamps")
    assert result.exit_code == 0, result.output
    assert "Horodatage automatique activé" in result.output
    settings = tsa_settings.load_settings(Case(folder))
    assert settings.automatic and settings.needed == 2
    assert [a.name for a in settings.authorities] == ["DFN", "Lex Persona", "IdenTrust", "SSL.com"]
    quiet = run("init", tmp_path / "autre")
    assert "Horodatage automatique non activé" in quiet.output
    assert not (tmp_path / "autre" / "horodatage.yaml").exists()
    tsa_settings.set_automatic(Case(folder), False)  # the web profile and the server call this
    assert not tsa_settings.load_settings(Case(folder)).automatic


def test_web_page_load_drains_the_queue(case, pki, other_pki, store, patient):
    from .test_web import ATTEMPT, csrf, make_client

    with LocalTSA(pki) as a, LocalTSA(other_pki) as b:
        _auto(case, a, b)
        app, client = make_client(case)
        url = "/c/cas/record"
        token = csrf(client, url)
        with client.post(url, data={**ATTEMPT, "message": "Aucun créneau", "csrf": token}) as page:
            assert page.status_code == 303
        # the request is answered first; the tokens are asked once the page is sent
        assert a.requests == 1 and b.requests == 1
    assert [s["entree"] for s in _tokens(case)] == [31, 31]


def test_drain_queue_is_one_library_call(case, pki, other_pki, store):
    with LocalTSA(pki) as a, LocalTSA(other_pki) as b:
        _auto(case, a, b)
        Case(case).record("web", datetime.fromisoformat("2026-11-30T09:00:00+01:00"), "Aucun")
        outcome = ts.drain_queue(Case(case), 20.0)
        assert len(outcome.entries) == 2 and not outcome.waiting
        assert ts.drain_queue(Case(case), 20.0).entries == []  # nothing waits any more
        assert a.requests == b.requests == 1


def test_bad_settings_file_names_file_line_and_field(case, run):
    (case / "horodatage.yaml").write_text("horodatage: parfois\n", encoding="utf-8")
    result = run("-C", case, "timestamp")
    assert result.exit_code == 2
    assert "horodatage.yaml, ligne 1, champ « horodatage »" in result.stderr


def test_bundle_holds_tokens_and_the_commands_check_them(case, run, pki, store, tmp_path):
    with LocalTSA(pki, with_ca_in_token=True) as tsa:
        assert _stamp(run, case, tsa).exit_code == 0
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


def test_default_authorities_are_ca_chained_and_freetsa_only_by_choice():
    assert [a.url for a in tsa_settings.DEFAULT_AUTHORITIES] == [
        "http://zeitstempel.dfn.de",
        "http://tsa.lex-persona.com/tsa",
        "http://timestamp.identrust.com",
        "http://ts.ssl.com",
    ]
    assert all(a.certificate is None for a in tsa_settings.DEFAULT_AUTHORITIES)
    chosen = tsa_settings.authority("https://freetsa.org/tsr")
    (root,) = tokens.load_pem(chosen.certificate)
    assert tokens.fingerprint(root) == (
        "a6379e7cecc05faa3cbf076013d745e327bbbaa38c0b9af22469d4701d18aabc"
    )
    assert root not in tokens.system_anchors()


def test_trust_store_is_the_systems_not_certifi(monkeypatch):
    monkeypatch.delenv(tsa_settings.TRUST_STORE_ENV, raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    bundle = Path(ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt")
    if not bundle.is_file():
        pytest.skip("no system bundle on this machine")
    found = tokens.system_anchors()
    assert len(found) == bundle.read_text(errors="replace").count("BEGIN CERTIFICATE")
    assert tokens.store_name() == "magasin de certificats du système"


def test_timestamp_through_installed_command(case, pki, store):
    with LocalTSA(pki) as tsa:
        result = run_installed("-C", case, "timestamp", "--tsa", tsa.url)
    assert result.returncode == 0, result.stderr
    assert "horodaté par 127.0.0.1" in result.stdout
    verified = run_installed("-C", case, "verify")
    assert verified.returncode == 0 and "existait au plus tard" in verified.stdout


@pytest.mark.skipif(not clock_follows_suite, reason="the local authority keeps the suite's clock")
def test_clock_inconsistency_is_said(case, run, pki, store, monkeypatch):
    """An entry written by a computer whose clock ran two hours ahead of the authority's."""
    import rdvletters.journal as journal

    ahead = journal.now_paris() + timedelta(hours=2)
    with monkeypatch.context() as clock:
        clock.setattr(journal, "now_paris", lambda: ahead)
        run("-C", case, "record", "web", "--at", "2026-11-26 08:00", "-m", "Aucun créneau")
    with LocalTSA(pki) as tsa:
        assert _stamp(run, case, tsa).exit_code == 0
    result = run("-C", case, "verify")
    assert result.exit_code == 0
    assert "après l'heure de l'autorité : l'horloge de l'ordinateur avançait" in result.output
