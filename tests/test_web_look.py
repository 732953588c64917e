"""What a person reads in the web pages: the form's own words in its errors, names with
their capitals, a way out of an error inside a case (Flask's test client)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from rdvletters.case import Case
from rdvletters.errors import RdvError
from rdvletters.profile_load import load_profile
from rdvletters.validation import InvalidData

from .conftest import journal_lines
from .test_web import csrf, make_client, upload, when


@pytest.fixture
def client(case):
    """A client with the access cookie, on a copy of the example case."""
    return make_client(case)[1]


def test_a_date_a_year_back_asks_for_the_box_not_for_a_cli_option(client, case):
    before = journal_lines(case)
    form = {**when("2016-01-05", "10:00"), "channel": "web", "message": "Ancien essai"}
    refused = client.post("/c/cas/record", data={**form, "csrf": csrf(client, "/c/cas/record")})
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400
    assert "Date et heure « 2016-01-05 10:00 » : plus d'un an avant" in page
    assert "--at" not in page and "--confirm-date" not in page
    assert "cochez la case « Je confirme cette date »" in page
    assert 'name="confirm"' in page
    assert journal_lines(case) == before
    token = csrf(client, "/c/cas/record")
    accepted = client.post("/c/cas/record", data={**form, "csrf": token, "confirm": "1"})
    assert accepted.status_code == 303
    assert journal_lines(case)[-1]["date"].startswith("2016-01-05T10:00")


def test_the_date_box_is_not_offered_for_another_error(client):
    data = {
        "csrf": csrf(client, "/c/cas/record"),
        **when("2026-11-26", "10:00"),
        "channel": "web",
        "proofs": [upload(b"pas une image", "notes.png")],
    }
    page = client.post("/c/cas/record", data=data, content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "notes.png" in text
    assert 'name="confirm"' not in text


def test_channel_and_document_names_keep_their_capitals(tmp_path):
    Case(tmp_path / "kofi").init(example="anef")
    _, client = make_client(tmp_path, many=True)
    status = client.get("/c/kofi/status").get_data(as_text=True)
    assert "Téléservice ANEF" in status and "Téléservice anef" not in status
    record = client.get("/c/kofi/record").get_data(as_text=True)
    assert "Centre de contact citoyens (CCC)" in record and "(ccc)" not in record
    token = csrf(client, "/c/kofi/documents")
    for kind, fmt in (("saisine", "docx"), ("courriel", "text")):
        client.post("/c/kofi/documents/prepare", data={"csrf": token, "kind": kind, "format": fmt})
    documents = client.get("/c/kofi/documents").get_data(as_text=True)
    assert "<strong>Saisine du Défenseur des droits</strong>" in documents
    assert '<span class="fmt">Word</span>' in documents
    assert '<span class="fmt">texte</span>' in documents and ">TEXT<" not in documents


def test_an_incomplete_profile_leads_to_the_profile_check(tmp_path):
    Case(tmp_path / "nouveau").init()
    _, client = make_client(tmp_path, many=True)
    for page in ("status", "record", "documents"):
        response = client.get(f"/c/nouveau/{page}")
        text = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 400
        assert "Le profil n'est pas complet : 13 points à revoir." in text
        assert 'href="/c/nouveau/profile/verifier"' in text  # the way out
        assert 'aria-label="Dossier"' in text  # the case's tabs stay
    english = client.get("/c/nouveau/status", headers={"Accept-Language": "en"})
    assert "The profile is not complete: 13 points to check." in html.unescape(
        english.get_data(True)
    )


def test_an_error_outside_a_case_has_no_case_tabs(tmp_path):
    Case(tmp_path / "aminata").init(example="rdv")
    _, client = make_client(tmp_path, many=True)
    missing = client.get("/c/personne/status")
    assert missing.status_code == 404
    assert 'aria-label="Dossier"' not in missing.get_data(as_text=True)


def test_an_empty_birth_date_is_an_empty_field_not_a_bad_date(tmp_path: Path):
    Case(tmp_path / "n").init()
    try:
        load_profile(tmp_path / "n" / "profil.yaml")
    except InvalidData as error:
        problems = {p.field: p.message for p in error.problems}
    else:
        raise AssertionError("a fresh profile is incomplete")
    assert problems["demandeur.date_naissance"] == "champ obligatoire vide : à remplir"
    (tmp_path / "n" / "profil.yaml").write_text(
        (tmp_path / "n" / "profil.yaml")
        .read_text(encoding="utf-8")
        .replace("date_naissance:", "date_naissance: 12/04/1990", 1),
        encoding="utf-8",
    )
    try:
        load_profile(tmp_path / "n" / "profil.yaml")
    except RdvError as error:
        bad = {p.field: p.message for p in error.problems}
    assert bad["demandeur.date_naissance"].startswith("date invalide : écrivez AAAA-MM-JJ")


def test_on_the_anef_route_the_form_starts_with_anef_not_an_appointment(tmp_path):
    Case(tmp_path / "kofi").init(example="anef")
    Case(tmp_path / "aminata").init(example="rdv")
    _, client = make_client(tmp_path, many=True)
    anef = html.unescape(client.get("/c/kofi/record").get_data(as_text=True))
    assert "Tentatives de dépôt sur l'ANEF et demandes d'aide" in anef
    assert "obtenir un rendez-vous" not in anef
    assert '<option value="anef" selected>' in anef
    rdv = html.unescape(client.get("/c/aminata/record").get_data(as_text=True))
    assert "Tentatives pour obtenir un rendez-vous" in rdv
    assert '<option value="web" selected>' in rdv
