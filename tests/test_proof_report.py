"""What a judge reads about dates and proofs: the verification report, the weekly e-mail's
references to anonymous captures, the sheet of a file sent through the web app, and the
« dated by a third party » figures in the référé check, the requête and the fiche."""

from __future__ import annotations

import hashlib
import shlex
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from docx import Document as open_docx

from rdvletters.case import Case
from rdvletters.evidence.proofs import report as rep
from rdvletters.evidence.proofs import tsa_settings

from .conftest import journal_lines, needs_pdf_tools, pdf_text
from .test_web import ATTEMPT, PNG, csrf, make_client, upload
from .tsa_server import LocalTSA, make_pki, settings_for, trust_store

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler absent")


@pytest.fixture(scope="module")
def pkis(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl absent")
    return make_pki(tmp_path_factory.mktemp("a"), "Alpha"), make_pki(
        tmp_path_factory.mktemp("b"), "Beta"
    )


@pytest.fixture
def stamped(case, run, pkis, tmp_path, monkeypatch):
    """The example case with automatic timestamps by two local authorities, and one capture
    recorded now (its proof dated by them within the hour)."""
    from rdvletters.evidence.proofs import autostamp

    monkeypatch.setattr(autostamp, "BUDGET", 20.0)  # the local authorities are slow to start
    monkeypatch.setenv(tsa_settings.TRUST_STORE_ENV, str(trust_store(tmp_path / "s", *pkis)))
    png = sorted((case / "pieces").glob("*.png"))[0]
    with LocalTSA(pkis[0]) as a, LocalTSA(pkis[1]) as b:
        (case / "horodatage.yaml").write_text(settings_for(a, b), encoding="utf-8")
        result = run("-C", case, "record", "web", "-m", "Aucun créneau", "--proof", png)
        assert result.exit_code == 0 and "par Autorite A, Autorite B" in result.output
    return case


def _text(sections) -> str:
    out = []
    for s in sections:
        out += [s.title, *(f"{a} : {b}" for a, b in s.rows), *s.paragraphs, *s.commands]
    return "\n".join(out)


@needs_openssl
def test_report_names_every_item_and_how_to_check_it(stamped, run):
    case = Case(stamped)
    sections = rep.build(case)
    text = _text(sections)
    lines = (stamped / "journal.jsonl").read_bytes().split(b"\n")[:-1]
    assert (
        f"Empreinte SHA-256 de la dernière ligne : {hashlib.sha256(lines[-1]).hexdigest()}" in text
    )
    assert "Constat : intact" in text
    assert "Le journal est ancré jusqu'à sa dernière entrée." not in text  # tokens come after
    assert "les entrées n° 32 à 33 sont ses horodatages, dont le retrait se verrait" in text
    tokens = [e for e in journal_lines(stamped) if e["type"] == "horodatage"]
    for token in tokens:
        assert f"Horodatage, entrée n° {token['n']} ({token['autorite']})" in text
        assert f"{token['fichier']} (SHA-256 {token['sha256']})" in text
    assert "CN=Alpha TSA" in text and "CN=Beta TSA" in text
    for piece in journal_lines(stamped)[30]["pieces"]:
        assert f"{piece['fichier']} – SHA-256 {piece['sha256']} – conforme" in text
    assert "Date du justificatif : datée par un tiers dans l'heure" in text
    assert "Existait au plus tard : 30/11/2026" in text
    commands = [c for s in sections for c in s.commands]
    assert len(commands) == 2
    for command in commands:  # each runs as printed, in the case folder, without rdvletters
        done = subprocess.run(shlex.split(command), cwd=stamped, capture_output=True, text=True)
        assert "Verification: OK" in done.stdout, done.stderr


@needs_openssl
@needs_poppler
def test_verify_report_writes_a_new_private_pdf(stamped, run, tmp_path):
    out = tmp_path / "rapport.pdf"
    result = run("-C", stamped, "verify", "--report", out)
    assert result.exit_code == 0 and f"Rapport écrit : {out}" in result.output
    assert out.stat().st_mode & 0o777 == 0o600
    text = pdf_text(out)
    assert "Rapport de vérification du journal des démarches" in text
    assert "Ancres" in text and "openssl ts -verify" in text
    again = run("-C", stamped, "verify", "--report", out)
    assert again.exit_code == 5 and "existe déjà" in again.stderr


@needs_pdf_tools
@needs_openssl
def test_bundle_keeps_the_report_aside_and_offers_it(stamped, run, tmp_path):
    out = tmp_path / "dossier"
    assert run("-C", stamped, "bundle", "-o", out).exit_code == 0
    report = out / "Ne_pas_deposer" / "Rapport_de_verification.pdf"
    assert "Horodatage, entrée n°" in pdf_text(report)
    checklist = (out / "Ne_pas_deposer" / "Liste_de_controle.txt").read_text(encoding="utf-8")
    assert "peut être versé comme pièce supplémentaire" in checklist
    fiche = open_docx(out / "Ne_pas_deposer" / "Fiche_de_synthese.docx")
    cells = [c.text for t in fiche.tables for r in t.rows for c in r.cells]
    said = [c.replace("\xa0", " ") for c in cells]
    assert any("datés par un tiers dans l'heure (horodatage) : 1 sur" in c for c in said)


@needs_openssl
def test_recours_check_and_requete_tell_third_party_dates(stamped, run):
    check = run("-C", stamped, "recours", "--check")
    assert "Dates des justificatifs garanties par un tiers (conseillé)" in check.output
    assert "CE, 10 mars 2025, n° 472387" in check.output
    assert "CAA Lyon, 12 déc. 2023, n° 21LY04307" in check.output
    requete = run("-C", stamped, "recours", "--format", "text")
    assert requete.exit_code == 0, requete.output
    path = stamped / requete.output.split("Projet de requête préparé : ")[1].split(" (entrée")[0]
    text = " ".join(path.read_text(encoding="utf-8").replace("\xa0", " ").split())
    week = text.split("semaine du lundi 30 novembre 2026")[1].split(" - ")[0]
    assert "1 justificatif daté par une autorité d'horodatage indépendante dans l'heure" in week


def test_weekly_email_cites_each_capture_by_time_and_hash(case, run):
    png = sorted((case / "pieces").glob("*.png"))[-1]
    digest = hashlib.sha256(png.read_bytes()).hexdigest()
    assert run("-C", case, "record", "web", "--at", "2026-11-30 09:12", "-m", "Aucun créneau",
               "--proof", png, "--confirm-date").exit_code == 0  # fmt: skip
    result = run("-C", case, "email")
    assert result.exit_code == 0, result.output
    assert "empreinte numérique (SHA-256)" in result.output
    own = [ln.replace("\xa0", " ") for ln in result.output.splitlines()
           if ln.startswith("- capture du ")]  # fmt: skip
    # the copy recorded on 30 November has the file's own date (its name): 25 November
    assert own.count(f"- capture du mercredi 25 novembre 2026 à 18 h 45 : {digest[:16]}") == 2
    assert len(own) == 5  # each capture reported since the last e-mail, once


def test_a_file_sent_through_the_web_app_carries_how_it_arrived(case):
    app, client = make_client(case)
    token = csrf(client, "/c/cas/record")
    data = {**ATTEMPT, "message": "Aucun créneau", "csrf": token,
            "proofs": [upload(PNG, "Capture du téléphone.png")]}  # fmt: skip
    with client.post("/c/cas/record", data=data, content_type="multipart/form-data") as page:
        assert page.status_code == 303
    piece = journal_lines(case)[-1]["pieces"][0]
    conditions = piece["conditions"]
    assert conditions["voie"] == "web" and conditions["reception"] == "televersement"
    assert conditions["nom_donne"] == "Capture du téléphone.png"
    assert conditions["taille"] == len(PNG) and conditions["type_lu"] == "png"
    assert conditions["recu_le"].startswith("2026-11-30T")
    assert hashlib.sha256(PNG).hexdigest() == piece["sha256"]
    from rdvletters.court.pieces import conditions_sheets
    from rdvletters.facts import Facts

    state = Case(case).journal.read()
    title, rows = conditions_sheets(state, Facts.from_journal(state))[piece["fichier"]]
    said = dict(rows)
    assert title == "Conditions de réception du fichier"
    assert said["SHA-256 du fichier reçu"] == piece["sha256"]
    assert "application web rdvletters" in said["Voie"]
    assert said["Horodatage"].startswith("aucun")


def test_der_fingerprint_matches_openssl(pkis):
    """The report's certificate fingerprints are the DER SHA-256 openssl prints."""
    from rdvletters.evidence.proofs.tokens import fingerprint, load_pem

    (cert,) = load_pem(pkis[0].ca)
    done = subprocess.run(["openssl", "x509", "-in", str(pkis[0].ca), "-noout", "-fingerprint",
                           "-sha256"], capture_output=True, text=True, check=True)  # fmt: skip
    assert done.stdout.split("=")[1].strip().replace(":", "").lower() == fingerprint(cert)
    assert fingerprint(cert) == hashlib.sha256(ssl.PEM_cert_to_DER_cert(
        Path(pkis[0].ca).read_text())).hexdigest()  # fmt: skip
