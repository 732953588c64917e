"""A root removed from the system's store after it signed: one figure in every output.

A token was valid when received (its root was in the system's trust store); then the
root is taken out of the store (a distribution withdraws a CA). ``verify`` re-checks the
token against the store as it is now and no longer counts it: ``status``, the dossier
and ``verify`` must then say the same thing, in the same process too (the web app runs
for days; the store is read once per process and state of its file).

The system's store is stood for by a PEM bundle named by ``RDVLETTERS_TRUST_STORE`` (as
in every test), or by ``SSL_CERT_FILE``, where Python's ``ssl`` and ``openssl`` look first.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from docx import Document as open_docx

from rdvletters.evidence.proofs import tsa_settings

from .conftest import journal_lines, needs_pdf_tools, run_installed
from .tsa_server import LocalTSA, make_pki, settings_for, trust_store

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")

DATED = "Justificatifs datés par un tiers dans l'heure (horodatage) : {n} sur"


@pytest.fixture(scope="module")
def pkis(tmp_path_factory):
    """The authority's root, and an unrelated one the store keeps once the first is gone."""
    return make_pki(tmp_path_factory.mktemp("gone"), "Withdrawn"), make_pki(
        tmp_path_factory.mktemp("kept"), "Kept"
    )


@pytest.fixture(params=["override", "ssl_cert_file"])
def store(request, pkis, tmp_path, monkeypatch):
    """The machine's store holding both roots, named as the code finds the system's."""
    path = trust_store(tmp_path / "magasin", *pkis)
    if request.param == "override":
        monkeypatch.setenv(tsa_settings.TRUST_STORE_ENV, str(path))
    else:
        monkeypatch.delenv(tsa_settings.TRUST_STORE_ENV, raising=False)
        monkeypatch.setenv("SSL_CERT_FILE", str(path))
    return path


def _withdraw(store, kept) -> None:
    """The store rewritten without the authority's root, as a system update does."""
    fresh = store.with_name("nouveau.pem")
    fresh.write_bytes(kept.ca.read_bytes())
    os.replace(fresh, store)


def _said(run, case, tmp_path, name: str) -> dict:
    """What status (text and JSON), the dossier's fiche and verify say of the dates."""
    text = run("-C", case, "status").output
    figures = json.loads(run("-C", case, "status", "--json").stdout)
    out = tmp_path / name
    assert run("-C", case, "bundle", "-o", out).exit_code == 0
    fiche = open_docx(out / "Ne_pas_deposer" / "Fiche_de_synthese.docx")
    cells = [c.text.replace("\xa0", " ") for t in fiche.tables for r in t.rows for c in r.cells]
    verified = run("-C", case, "verify")
    assert verified.exit_code == 0, verified.output  # the journal itself is intact
    return {
        "status": text,
        "weeks": sum(w["datees_par_un_tiers"] for w in figures["weeks"]),
        "fiche": " ".join(c for c in cells if "datés par un tiers" in c),
        "verify": verified.output,
    }


@needs_pdf_tools
def test_a_root_removed_from_the_store_proves_nothing_anywhere(
    case, run, pkis, store, tmp_path, monkeypatch
):
    from rdvletters.evidence.proofs import autostamp

    monkeypatch.setattr(autostamp, "BUDGET", 20.0)  # an openssl process per answer
    withdrawn, kept = pkis
    png = sorted((case / "pieces").glob("*.png"))[0]
    with LocalTSA(withdrawn) as tsa:
        (case / "horodatage.yaml").write_text(settings_for(tsa, minimum=1), encoding="utf-8")
        result = run("-C", case, "record", "web", "-m", "Aucun créneau", "--proof", png)
        assert result.exit_code == 0 and "journal horodaté (entrées 1 à" in result.output
    token = journal_lines(case)[-1]
    assert token["type"] == "horodatage" and token["verification"] == "valide"

    before = _said(run, case, tmp_path, "avant")
    assert DATED.format(n=1) in before["status"] and before["weeks"] == 1
    assert DATED.format(n=1) in before["fiche"]
    assert "journal horodaté : dernier jeton du" in before["status"]
    assert f"horodatage n° {token['n']} (Autorite A) : valide, entrées 1 à" in before["verify"]
    assert "existait au plus tard le" in before["verify"]

    _withdraw(store, kept)
    after = _said(run, case, tmp_path, "apres")
    assert DATED.format(n=0) in after["status"] and after["weeks"] == 0
    assert DATED.format(n=0) in after["fiche"]
    assert f"horodatage n° {token['n']} (Autorite A) : autorité non reconnue" in after["verify"]
    assert "non pris en compte" in after["verify"]
    assert "existait au plus tard" not in after["verify"]
    assert "journal horodaté :" not in after["status"]
    assert (
        "jeton valide à sa réception, mais sa racine n'est pas parmi les racines de confiance "
        "de cet ordinateur : rdvletters verify"
    ) in after["status"]
    assert journal_lines(case)[-1] == token  # nothing rewritten: the journal keeps its word
    installed = run_installed("-C", case, "status")  # a fresh process: the same figure
    assert installed.returncode == 0 and DATED.format(n=0) in installed.stdout

    _withdraw(store, withdrawn)  # the root back in the store: counted by all again
    again = _said(run, case, tmp_path, "de_nouveau")
    assert DATED.format(n=1) in again["status"] and again["weeks"] == 1
    assert DATED.format(n=1) in again["fiche"]
    assert "existait au plus tard le" in again["verify"]
