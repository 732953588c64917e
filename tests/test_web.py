"""The web app through Flask's test client: access, CSRF, uploads, paths, and that each
form writes what the CLI writes."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from rdvletters.case import Case
from rdvletters.profile_load import load_profile
from rdvletters.web import uploads
from rdvletters.web.app import create_app
from rdvletters.web.cases import Registry

from .conftest import EXAMPLE, journal_lines

TOKEN = "jeton-de-test"


def when(iso: str, time: str, field: str = "f-date") -> dict[str, str]:
    """A date and time as the forms post them: day, month and year fields, and the time."""
    year, month, day = iso.split("-")
    return {f"{field}-day": day, f"{field}-month": month, f"{field}-year": year, "time": time}


PNG = sorted((EXAMPLE / "pieces").glob("*.png"))[0].read_bytes()
# An attempt on the booking site, as the record form posts it.
ATTEMPT = {**when("2026-11-26", "08:00"), "channel": "web"}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EML = (
    b"From: Aminata <aminata@example.org>\r\nTo: pref@example.gouv.fr\r\n"
    b"Subject: Demande de rendez-vous\r\nDate: Tue, 24 Nov 2026 09:10:00 +0100\r\n\r\nBonjour\r\n"
)


def make_client(root: Path, many: bool = False, lang: str | None = None):
    app = create_app(Registry(root, many), token=TOKEN, lang=lang)
    app.config["TESTING"] = True
    client = app.test_client()
    assert client.get(f"/?token={TOKEN}").status_code == 200
    return app, client


@pytest.fixture
def web(case):
    """(app, client with the access cookie) on a copy of the example case."""
    return make_client(case)


def csrf(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)


# --- access -------------------------------------------------------------------------------


def test_every_page_needs_the_token_or_its_cookie(case):
    app = create_app(Registry(case, False), token=TOKEN)
    client = app.test_client()
    for url in ("/", "/c/cas/status", "/c/cas/record", "/static/app.css", "/c/cas/profile/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/?token=faux").status_code == 403
    assert client.post("/c/cas/record", data={"channel": "web"}).status_code == 403
    first = client.get(f"/?token={TOKEN}")
    assert first.status_code == 200
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN in cookie
    assert TOKEN not in first.get_data(as_text=True)  # the page moves on without the token
    assert client.get("/c/cas/status").status_code == 200
    other = app.test_client()
    other.set_cookie("rdvletters_acces", "pas-le-bon")
    assert other.get("/c/cas/status").status_code == 403


def test_wrong_host_is_refused_on_loopback(case):
    app = create_app(Registry(case, False), token=TOKEN, hosts={"127.0.0.1:8000"})
    client = app.test_client()
    assert client.get(f"/?token={TOKEN}", headers={"Host": "evil.example:8000"}).status_code == 403
    ok = client.get(f"/?token={TOKEN}", headers={"Host": "127.0.0.1:8000"})
    assert ok.status_code == 200


def test_security_headers_forbid_external_resources(web):
    _, client = web
    response = client.get("/c/cas/status")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_and_assets_name_no_external_resource():
    web_dir = Path(__file__).resolve().parent.parent / "rdvletters" / "web"
    for path in [*web_dir.glob("templates/*.html"), *web_dir.glob("static/*")]:
        text = path.read_text(encoding="utf-8")
        urls = re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text)
        assert urls == [] or set(urls) == {"http://www.w3.org"}, (path.name, urls)
        assert "style=" not in text and "onclick" not in text, path.name  # CSP: no inline


# --- CSRF ----------------------------------------------------------------------------------


def test_forms_without_the_csrf_token_are_refused(web, case):
    _, client = web
    before = journal_lines(case)
    data = {**ATTEMPT, "message": "x"}
    refused = client.post("/c/cas/record", data=data)
    assert refused.status_code == 403 and "rien n'a été enregistré" in refused.get_data(True)
    assert client.post("/c/cas/record", data={**data, "csrf": "0" * 64}).status_code == 403
    token = csrf(client, "/c/cas/record")
    cross = client.post(
        "/c/cas/record",
        data={**data, "csrf": token},
        headers={"Origin": "http://evil.example"},
    )
    assert cross.status_code == 403
    for url in ("/c/cas/documents/prepare", "/c/cas/bundle", "/c/cas/profile/demandeur"):
        assert client.post(url, data={"kind": "lettre", "format": "text"}).status_code == 403
    assert journal_lines(case) == before
    ok = client.post("/c/cas/record", data={**data, "csrf": token})
    assert ok.status_code == 303
    assert len(journal_lines(case)) == len(before) + 1


# --- uploads -------------------------------------------------------------------------------


def test_upload_type_is_read_from_the_content():
    assert uploads.sniff(PNG) == "png"
    assert uploads.sniff(JPEG) == "jpeg"
    assert uploads.sniff(PDF) == "pdf"
    assert uploads.sniff(EML) == "eml"
    for other in (b"GIF89a....", b"<html><script>", b"PK\x03\x04zip", b"Subject only\n", b""):
        assert uploads.sniff(other) is None, other


def test_mistyped_upload_is_refused_and_nothing_recorded(web, case):
    _, client = web
    before = journal_lines(case)
    pieces_before = sorted((case / "pieces").iterdir())
    token = csrf(client, "/c/cas/record")
    response = client.post(
        "/c/cas/record",
        data={
            **ATTEMPT,
            "csrf": token,
            "message": "Aucun créneau",
            "proofs": [upload(PNG, "bonne.png"), upload(b"<html>hello</html>", "capture.png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "capture.png" in page and "PNG ou JPEG" in page
    assert "Aucun créneau" in page  # what was typed is kept
    assert journal_lines(case) == before
    assert sorted((case / "pieces").iterdir()) == pieces_before


def test_oversized_upload_is_refused(web, case, monkeypatch):
    app, client = web
    monkeypatch.setattr(uploads, "MAX_FILE_BYTES", 1000)
    before = journal_lines(case)
    token = csrf(client, "/c/cas/record")
    base = {**ATTEMPT, "csrf": token}
    big = client.post(
        "/c/cas/record",
        data={**base, "proofs": [upload(PNG + b"\0" * 2000, "grande.png")]},
        content_type="multipart/form-data",
    )
    assert big.status_code == 400 and "grande.png" in big.get_data(as_text=True)
    many = client.post(
        "/c/cas/record",
        data={**base, "proofs": [upload(PNG[:900], f"c{i}.png") for i in range(11)]},
        content_type="multipart/form-data",
    )
    assert many.status_code == 400 and "11 fichiers" in many.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 5000
    huge = client.post(
        "/c/cas/record",
        data={**base, "proofs": [upload(b"\0" * 10000, "enorme.png")]},
        content_type="multipart/form-data",
    )
    assert huge.status_code == 413 and "trop gros" in huge.get_data(as_text=True)
    assert journal_lines(case) == before


def test_each_accepted_type_is_stored_with_its_own_extension(web, case):
    _, client = web
    token = csrf(client, "/c/cas/record")
    files = [
        upload(PNG, "a.png"),
        upload(JPEG, "photo.JPG"),
        upload(PDF, "scan.pdf"),
        upload(EML, "mail.eml"),
        upload(JPEG, "mal-nommee.png"),  # a JPEG named .png is stored as what it is
    ]
    response = client.post(
        "/c/cas/record",
        data={
            **ATTEMPT,
            "csrf": token,
            "proofs": files,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    pieces = journal_lines(case)[-1]["pieces"]
    assert [Path(p["fichier"]).suffix for p in pieces] == [".png", ".jpg", ".pdf", ".eml", ".jpg"]
    assert [p["original"] for p in pieces][-1] == "mal-nommee.png"


# --- no request value as a path ----------------------------------------------------------


def test_a_path_in_a_form_field_never_reaches_the_filesystem(web, case, tmp_path):
    _, client = web
    outside = tmp_path / "dehors"
    outside.mkdir()
    token = csrf(client, "/c/cas/record")
    response = client.post(
        "/c/cas/record",
        data={
            **ATTEMPT,
            "csrf": token,
            "message": f"{outside}/x",
            "proofs": [upload(PNG, f"../../../{outside.name}/evil.png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    entry = journal_lines(case)[-1]
    assert entry["pieces"][0]["original"] == "evil.png"
    assert entry["pieces"][0]["fichier"].startswith("pieces/2026-11-26_0800_web_evil")
    assert list(outside.iterdir()) == []
    assert not (case.parent / "evil.png").exists()
    # identifiers in URLs are looked up, not joined
    for url in (
        "/c/..%2F..%2Fetc/status",
        "/c/../status",
        "/c/cas/piece/1/5",
        "/c/cas/documents/1/file",
        "/profile/../../etc/passwd",
    ):
        assert client.get(url).status_code == 404, url


def test_a_journal_naming_a_file_outside_the_case_serves_nothing(web, case, tmp_path):
    _, client = web
    secret = case.parent / "secret.txt"
    secret.write_text("ne pas servir", encoding="utf-8")
    Case(case).journal.append(
        {
            "type": "document",
            "document": "lettre",
            "format": "text",
            "date": "2026-11-26T08:00:00+01:00",
            "fichier": "../secret.txt",
            "sha256": "0",
        }
    )
    n = journal_lines(case)[-1]["n"]
    assert client.get(f"/c/cas/documents/{n}/file").status_code == 404
    Case(case).journal.append(
        {
            "type": "tentative",
            "canal": "web",
            "date": "2026-11-26T08:00:00+01:00",
            "description": "",
            "pieces": [{"fichier": "pieces/../../secret.txt", "sha256": "0"}],
        }
    )
    n = journal_lines(case)[-1]["n"]
    assert client.get(f"/c/cas/piece/{n}/0").status_code == 404


def test_new_case_folder_stays_inside_the_volunteers_folder(tmp_path):
    root = tmp_path / "permanence"
    root.mkdir()
    _, client = make_client(root, many=True)
    token = csrf(client, "/")
    response = client.post(
        "/nouveau", data={"csrf": token, "nom": "../../Koné", "prenom": "Fatou/.."}
    )
    assert response.status_code == 303
    (folder,) = list(root.iterdir())
    assert folder.name == "KONE_Fatou"
    assert list(tmp_path.iterdir()) == [root]
    text = (folder / "profil.yaml").read_text(encoding="utf-8")
    assert "nom: ../../Koné" in text and "prenom: Fatou/.." in text  # text, not a path
    assert "# nom de famille, comme sur le passeport" in text  # the comments stay
    listed = client.get("/").get_data(as_text=True)
    assert "KONE_Fatou" in listed


# --- each form writes what the CLI writes ------------------------------------------------


def _copy_of(case: Path, name: str) -> Path:
    other = case.parent / name
    shutil.copytree(case, other)
    return other


def _same_entries(web_entry: dict, cli_entry: dict) -> None:
    """Field by field, but for the moment of writing and the chain link (the hash of the
    line before, which holds its own moment of writing)."""
    assert web_entry.keys() == cli_entry.keys()
    for key in web_entry:
        if key not in ("enregistre_le", "precedent"):
            assert web_entry[key] == cli_entry[key], key


def test_record_form_writes_what_the_cli_writes(web, case, run, tmp_path):
    cli_case = _copy_of(case, "par_la_cli")
    proof = tmp_path / "Capture écran (1).png"
    proof.write_bytes(PNG)
    result = run(
        "-C",
        cli_case,
        "record",
        "counter",
        "--at",
        "2026-11-26 08:30",
        "-m",
        "Refus au guichet",
        "--witness",
        "Fatou KONÉ",
        "--reference",
        "T-42",
        "--proof",
        proof,
    )
    assert result.exit_code == 0, result.output
    _, client = web
    response = client.post(
        "/c/cas/record",
        data={
            "csrf": csrf(client, "/c/cas/record"),
            **when("2026-11-26", "08:30"),
            "channel": "counter",
            "message": "Refus au guichet",
            "witness": "Fatou KONÉ",
            "reference": "T-42",
            "proofs": [upload(PNG, "Capture écran (1).png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    web_entry = journal_lines(case)[-1]
    arrived = web_entry["pieces"][0].pop("conditions")  # only the web knows how it came
    assert arrived["voie"] == "web" and arrived["nom_donne"] == "Capture écran (1).png"
    _same_entries(web_entry, journal_lines(cli_case)[-1])
    stored = journal_lines(case)[-1]["pieces"][0]["fichier"]
    assert (case / stored).read_bytes() == (cli_case / stored).read_bytes()


def test_prepare_and_mark_sent_write_what_the_cli_writes(web, case, run):
    cli_case = _copy_of(case, "par_la_cli")
    assert run("-C", cli_case, "letter", "--format", "text").exit_code == 0
    cli_doc = journal_lines(cli_case)[-1]
    _, client = web
    token = csrf(client, "/c/cas/documents")
    response = client.post(
        "/c/cas/documents/prepare", data={"csrf": token, "kind": "lettre", "format": "text"}
    )
    assert response.status_code == 302
    web_doc = journal_lines(case)[-1]
    assert {k: v for k, v in web_doc.items() if k not in ("date", "enregistre_le", "sha256")} == {
        k: v for k, v in cli_doc.items() if k not in ("date", "enregistre_le", "sha256")
    }
    download = client.get(f"/c/cas/documents/{web_doc['n']}/file")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert download.data == (case / web_doc["fichier"]).read_bytes()

    n = cli_doc["n"]
    # sent at the later of the two preparations, to the minute: never before either
    at = max(datetime.fromisoformat(cli_doc["date"]), datetime.fromisoformat(web_doc["date"]))
    day, time = f"{at:%Y-%m-%d}", f"{at:%H:%M}"
    sent = run(
        "-C",
        cli_case,
        "sent",
        str(n),
        "--at",
        f"{day} {time}",
        "--tracking",
        "1A 123 456 7890 1",
    )
    assert sent.exit_code == 0, sent.output
    response = client.post(
        f"/c/cas/documents/{n}/sent",
        data={
            "csrf": token,
            **when(day, time, f"sd-{n}"),
            "tracking": "1A 123 456 7890 1",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    _same_entries(journal_lines(case)[-1], journal_lines(cli_case)[-1])
    again = client.post(
        f"/c/cas/documents/{n}/sent",
        data={"csrf": token, **when(day, time, f"sd-{n}")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "déjà noté comme envoyé" in again.get_data(as_text=True)


def test_record_refuses_what_the_cli_refuses(web, case):
    _, client = web
    before = journal_lines(case)
    token = csrf(client, "/c/cas/record")
    future = client.post(
        "/c/cas/record",
        data={"csrf": token, **when("2099-01-01", "10:00"), "channel": "web"},
    )
    assert future.status_code == 400 and "futur" in future.get_data(as_text=True)
    witness = client.post(
        "/c/cas/record",
        data={
            "csrf": token,
            **when("2026-11-26", "10:00"),
            "channel": "web",
            "witness": "X",
        },
    )
    assert witness.status_code == 400 and "guichet" in witness.get_data(as_text=True)
    assert journal_lines(case) == before


def test_bundle_is_the_cli_dossier_as_a_zip(web, case):
    _, client = web
    token = csrf(client, "/c/cas/documents")
    response = client.post("/c/cas/bundle", data={"csrf": token})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    folder = next(p for p in case.iterdir() if p.name.startswith("dossier_"))
    on_disk = [p.relative_to(case).as_posix() for p in folder.rglob("*") if p.is_file()]
    assert sorted(names) == sorted(on_disk)
    assert any(n.endswith("00_Inventaire.docx") for n in names)


# --- profile form ---------------------------------------------------------------------------

ANSWERS = {
    "situation": {"situation": "rdv"},
    "demandeur": {
        "demandeur.civilite": "Madame",
        "demandeur.nom": "DIALLO",
        "demandeur.prenom": "Aminata",
        **when("1990-04-12", "", "f-demandeur.date_naissance"),
        "demandeur.lieu_naissance": "Bamako (Mali)",
        "demandeur.nationalite": "malienne",
        "demandeur.adresse": "12 rue des Lilas\r\n93000 Bobigny\r\n",
        "demandeur.courriel": "aminata.diallo@example.org",
        "demandeur.telephone": "06 12 34 56 78",
        "demandeur.numero_etranger": "",
    },
    "demande": {
        "demande.nature": "premiere_demande",
        "demande.titre": "carte de séjour temporaire « vie privée et familiale »",
        "f-demande.titre_actuel_expire_le-day": "",
        "demande.dossier_complet": "oui",
        "demande.pieces_dossier": "Passeport en cours de validité\nJustificatif de domicile",
        "urgence-rows": "3",
        "urgence-0-fait": "Promesse d'embauche comme aide-soignante, subordonnée à la "
        "délivrance d'un titre de séjour",
        "urgence-1-fait": "Mère d'un enfant de nationalité française, né le 3 mars 2021",
        "urgence-2-fait": "",
        "demande.oqtf": "non",
        "demande.identifiant_anef": "",
    },
    "prefecture": {
        "prefecture.nom": "Préfecture de la Seine-Saint-Denis",
        "prefecture.service": "Service immigration et intégration",
        "prefecture.adresse": "1 esplanade Jean Moulin\n93007 Bobigny Cedex",
        "prefecture.courriel": "pref-etrangers@example.gouv.fr",
        "prefecture.site_rdv": "https://rdv.example.gouv.fr/seine-saint-denis",
        "prefecture.departement": "93",
        "prefecture.prefet": "Monsieur",
        "prefecture.titre_autorite": "",
    },
    "defenseur": {
        "defenseur.delegue": "Permanence de Bobigny",
        "defenseur.civilite": "Madame",
        "defenseur.adresse": "Maison de la justice et du droit\n10 avenue Exemple\n93000 Bobigny",
    },
    "lettre": {
        "lieu_signature": "Bobigny",
        "delai_convocation_jours": "",
        "recours_en_cours": "non",
        "mise_en_page.decalage_horizontal_mm": "0",
        "mise_en_page.decalage_vertical_mm": "0",
        "seuils.tentatives_par_semaine": "2",
        "seuils.semaines_premiere_demande": "8",
        "seuils.semaines_renouvellement": "4",
    },
}


# The same answers, typed by hand: what the form must have written.
EXPECTED_YAML = """\
situation: rdv
demandeur:
  civilite: Madame
  nom: DIALLO
  prenom: Aminata
  date_naissance: 1990-04-12
  lieu_naissance: Bamako (Mali)
  nationalite: malienne
  adresse: [12 rue des Lilas, 93000 Bobigny]
  courriel: aminata.diallo@example.org
  telephone: "06 12 34 56 78"
demande:
  nature: premiere_demande
  titre: carte de séjour temporaire « vie privée et familiale »
  dossier_complet: oui
  pieces_dossier: [Passeport en cours de validité, Justificatif de domicile]
  urgence:
    - "Promesse d'embauche comme aide-soignante, subordonnée à la délivrance d'un titre de séjour"
    - Mère d'un enfant de nationalité française, né le 3 mars 2021
  oqtf: non
prefecture:
  nom: Préfecture de la Seine-Saint-Denis
  service: Service immigration et intégration
  adresse: [1 esplanade Jean Moulin, 93007 Bobigny Cedex]
  courriel: pref-etrangers@example.gouv.fr
  site_rdv: https://rdv.example.gouv.fr/seine-saint-denis
  departement: "93"
  prefet: Monsieur
defenseur:
  delegue: Permanence de Bobigny
  civilite: Madame
  adresse: [Maison de la justice et du droit, 10 avenue Exemple, 93000 Bobigny]
lieu_signature: Bobigny
"""


def _version(page: str) -> str:
    return re.search(r'name="version" value="([0-9a-f]*)"', page).group(1)


def test_profile_form_writes_a_profile_check_accepts(tmp_path, run):
    folder = tmp_path / "nouvelle"
    Case(folder).init()
    _, client = make_client(folder)
    for section, answers in ANSWERS.items():
        page = client.get(f"/c/cas/profile/{section}").get_data(as_text=True)
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        response = client.post(
            f"/c/cas/profile/{section}", data={"csrf": token, "version": _version(page), **answers}
        )
        assert response.status_code == 303, section
        assert "checked" not in response.headers["Location"], section
    check = run("-C", folder, "check")
    assert check.exit_code == 0, check.output
    written = load_profile(folder / "profil.yaml").profile
    expected = tmp_path / "attendu.yaml"
    expected.write_text(EXPECTED_YAML, encoding="utf-8")
    assert written == load_profile(expected).profile
    text = (folder / "profil.yaml").read_text(encoding="utf-8")
    assert "# Profil rdvletters : remplissez chaque champ" in text
    assert "# delai_convocation_jours: 15" in text  # defaults left as commented examples
    assert "mise_en_page" not in text
    summary = client.get("/c/cas/profile/verifier").get_data(as_text=True)
    assert "Le profil est complet et valide." in summary


def test_profile_errors_are_those_of_check_next_to_their_field(tmp_path, run):
    folder = tmp_path / "nouvelle"
    Case(folder).init()
    _, client = make_client(folder)
    page = client.get("/c/cas/profile/demandeur").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    answers = {**ANSWERS["demandeur"], "demandeur.numero_etranger": "123"}
    response = client.post(
        "/c/cas/profile/demandeur", data={"csrf": token, "version": _version(page), **answers}
    )
    assert response.headers["Location"].endswith("/c/cas/profile/demandeur?checked=1")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    cli = run("-C", folder, "check").stderr
    assert "« demandeur.numero_etranger »" in cli and "10 chiffres" in cli
    box = re.search(r'id="f-demandeur\.numero_etranger-box">(.*?)</div>', shown, re.S).group(1)
    assert "10 chiffres" in box and 'aria-invalid="true"' in box
    assert "<title>Erreur : " in shown and 'href="#f-demandeur.numero_etranger"' in shown


def test_a_date_that_does_not_exist_is_shown_again_as_typed_and_nothing_is_written(tmp_path):
    folder = tmp_path / "nouvelle"
    Case(folder).init()
    _, client = make_client(folder)
    before = (folder / "profil.yaml").read_bytes()
    page = client.get("/c/cas/profile/demandeur").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    answers = {**ANSWERS["demandeur"], **when("1990-02-31", "", "f-demandeur.date_naissance")}
    response = client.post(
        "/c/cas/profile/demandeur", data={"csrf": token, "version": _version(page), **answers}
    )
    shown = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Date de naissance : ce jour n&#39;existe pas" in shown
    assert 'href="#f-demandeur.date_naissance-day"' in shown
    assert 'name="f-demandeur.date_naissance-day" value="31"' in shown
    assert 'value="Bamako (Mali)"' in shown  # the rest of what was typed is kept
    assert (folder / "profil.yaml").read_bytes() == before


def test_profile_changed_meanwhile_is_not_overwritten(tmp_path):
    folder = tmp_path / "nouvelle"
    Case(folder).init()
    _, client = make_client(folder)
    page = client.get("/c/cas/profile/situation").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    profile = folder / "profil.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "# note à la main\n", "utf-8")
    response = client.post(
        "/c/cas/profile/situation",
        data={"csrf": token, "version": _version(page), "situation": "anef"},
    )
    assert response.status_code == 400
    assert "modifié ailleurs" in response.get_data(as_text=True)
    assert "situation: anef" not in profile.read_text(encoding="utf-8")
    assert profile.read_text(encoding="utf-8").endswith("# note à la main\n")


def test_a_broken_profile_is_shown_not_overwritten(web, case):
    _, client = web
    (case / "profil.yaml").write_text("situation: rdv\nsituation: anef\n", encoding="utf-8")
    page = client.get("/c/cas/profile/situation").get_data(as_text=True)
    assert "ligne 2" in page and '<form method="post" class="card"' not in page


# --- languages ----------------------------------------------------------------------------


def test_language_from_browser_then_choice_then_fixed(case):
    _, client = make_client(case)
    french = client.get("/c/cas/status").get_data(as_text=True)
    assert "Où en suis-je ?" in french and '<html lang="fr">' in french
    english = client.get("/c/cas/status", headers={"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
    text = english.get_data(as_text=True)
    assert "Where do I stand?" in text and '<html lang="en">' in text
    assert "From 14 Sept 2026 to 25 Nov 2026:" in text
    assert "<dt>attempts recorded</dt><dd>29</dd>" in text
    assert client.get("/langue/en?next=/c/cas/record").headers["Location"] == "/c/cas/record"
    assert "Record an attempt" in client.get("/c/cas/record").get_data(as_text=True)
    assert client.get("/langue/en?next=//evil.example").headers["Location"] == "/"
    assert client.get("/langue/xx").status_code == 404
    _, fixed = make_client(case, lang="en")
    page = fixed.get("/c/cas/status", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Where do I stand?" in page


def test_documents_for_the_administration_stay_french_in_english(web, case):
    _, client = web
    client.get("/langue/en")
    token = csrf(client, "/c/cas/documents")
    client.post(
        "/c/cas/documents/prepare", data={"csrf": token, "kind": "courriel", "format": "text"}
    )
    page = client.get("/c/cas/documents").get_data(as_text=True)
    assert "This week's e-mail" in page.replace("&#39;", "'").replace("&#x27;", "'")
    assert "Madame, Monsieur," in page and "Je souhaite déposer" in page
    assert "Demande de rendez-vous" in page


def test_a_full_disk_is_a_page_that_says_what_to_do(web, case, monkeypatch):
    """The disk fills up as the journal line is written: a located message, not a 500."""
    import errno

    from rdvletters import journal_file

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(case / "journal.jsonl"))

    monkeypatch.setattr(journal_file, "write_all", full)
    _, client = web
    before = journal_lines(case)
    data = {**ATTEMPT, "message": "x"}
    page = client.post("/c/cas/record", data={**data, "csrf": csrf(client, "/c/cas/record")})
    text = page.get_data(True)
    assert page.status_code == 400, text[:300]
    assert "plus de place sur le disque" in text and "journal.jsonl" in text
    assert journal_lines(case) == before


def test_a_number_field_emptied_is_no_server_error(web, case):
    """« Délai de convocation » filled, then emptied: the blank was saved and every page of
    the profile answered HTTP 500 (pydantic's TypeError on a blank optional number)."""
    app, client = web
    app.config["TESTING"] = False  # an unhandled error is the 500 a person would see
    for value in ("15", ""):
        page = client.get("/c/cas/profile/lettre").get_data(as_text=True)
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        answers = {**ANSWERS["lettre"], "delai_convocation_jours": value}
        response = client.post(
            "/c/cas/profile/lettre", data={"csrf": token, "version": _version(page), **answers}
        )
        assert response.status_code == 303, value
        for url in ("/c/cas/profile/lettre", "/c/cas/profile/verifier", "/c/cas/status"):
            assert client.get(url).status_code == 200, (value, url)
    assert load_profile(case / "profil.yaml").profile.delai_convocation_jours is None


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        (
            "message",
            "a\x01b",
            "Ce qui s&#39;est passé, ou le message affiché : caractère de contrôle",
        ),
        ("message", "x" * 3000, "Ce qui s&#39;est passé, ou le message affiché : texte trop long"),
        ("reference", "a\x7fb", "Numéro de référence : caractère de contrôle"),
        ("witness", "Mme Témoin", "Témoin ne vaut que pour une présentation au guichet"),
    ],
)
def test_record_form_errors_name_the_form_field_not_the_cli_option(field, value, named, web, case):
    """The record page said « --message : … », an option a person in the browser never saw."""
    _, client = web
    token = csrf(client, "/c/cas/record")
    before = (case / "journal.jsonl").read_bytes()
    data = {"csrf": token, **when("2026-11-27", "10:00"), "channel": "web"}
    response = client.post("/c/cas/record", data={**data, "message": "x", field: value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert named in page
    assert "--message" not in page and "--witness" not in page and "--reference" not in page
    assert (case / "journal.jsonl").read_bytes() == before


def test_a_long_email_says_why_there_is_no_mailto_button_in_the_page_words(web, case):
    """The example's e-mail is too long for a mailto: link; the page says so without the
    command line's option name."""
    _, client = web
    token = csrf(client, "/c/cas/documents")
    client.post(
        "/c/cas/documents/prepare", data={"csrf": token, "kind": "courriel", "format": "text"}
    )
    page = client.get("/c/cas/documents").get_data(as_text=True)
    assert "Pas de bouton « Ouvrir dans ma messagerie » :" in page
    assert "le texte est trop long pour un lien vers la messagerie" in page
    assert "--mailto" not in page


def test_an_old_sent_date_asks_to_check_the_year_not_to_tick_a_box(web, case):
    """The « sent » form has no box to confirm an old date: its message must not ask
    for one (the record form, which has the box, is tested in test_web_look)."""
    _, client = web
    token = csrf(client, "/c/cas/documents")
    client.post(
        "/c/cas/documents/prepare", data={"csrf": token, "kind": "lettre", "format": "text"}
    )
    n = journal_lines(case)[-1]["n"]
    before = journal_lines(case)
    page = client.post(
        f"/c/cas/documents/{n}/sent",
        data={"csrf": token, **when("2016-01-05", "10:00", f"sd-{n}")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    page = page.replace("&#39;", "'").replace("&#x27;", "'")
    assert "plus d'un an avant la première démarche" in page
    assert "Vérifiez l'année de la date." in page and "cochez la case" not in page
    assert journal_lines(case) == before
