"""Dated captures of a local three-page booking flow, in Debian's Chromium."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from rdvletters.evidence.proofs import capture as cap
from rdvletters.evidence.proofs.capture_banner import render_banner
from rdvletters.evidence.proofs.proofdates import proof_date
from rdvletters.frdates import PARIS, now_paris

from .booking_site import NO_SLOT, STEPS_YAML, BookingSite
from .conftest import journal_lines

pytestmark = pytest.mark.skipif(
    not any(shutil.which(n) for n in cap.CHROMIUM_NAMES), reason="Chromium absent"
)


@pytest.fixture
def steps(tmp_path):
    path = tmp_path / "etapes.yaml"
    path.write_text(STEPS_YAML, encoding="utf-8")
    return path


def _expected_banner(url: str, taken: datetime) -> list[str]:
    """The banner the issue asks for, written out here independently of the code."""
    local = taken.astimezone(PARIS)
    days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    months = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
        "septembre", "octobre", "novembre", "décembre",
    ]  # fmt: skip
    day = "1er" if local.day == 1 else str(local.day)
    return [
        f"Adresse de la page : {url}",
        f"Capture du {days[local.weekday()]} {day} {months[local.month - 1]} {local.year} à "
        f"{local:%H} h {local:%M} min {local:%S} s (heure de Paris)",
        "capture réalisée par rdvletters 0.1.0",
    ]


def test_capture_goes_through_the_flow_once_and_records_a_dated_attempt(case, run, steps):
    before = len(journal_lines(case))
    with BookingSite() as site:
        result = run("-C", case, "capture", site.url, "--steps", steps)
        requests = dict(site.requests)
        agents = list(site.agents)
    assert result.exit_code == 0, result.output
    assert requests[("GET", "/")] == 1 and requests[("GET", "/demande")] == 1
    assert requests[("POST", "/creneaux")] == 1  # the listed button, once, nothing else
    assert all(a.endswith("rdvletters/0.1.0") for a in agents)
    entries = journal_lines(case)
    assert len(entries) == before + 1
    entry = entries[-1]
    assert entry["type"] == "tentative" and entry["canal"] == "web"
    assert entry["description"] == NO_SLOT
    assert entry["capture"]["url"] == site.url + "creneaux"
    assert len(entry["capture"]["etapes"]) == 4
    html = case / entry["fichier"]
    assert hashlib.sha256(html.read_bytes()).hexdigest() == entry["sha256"]
    assert entry["capture"]["sha256_html"] == entry["sha256"]
    assert NO_SLOT in html.read_text(encoding="utf-8")
    png, text, _har, _warc = (case / p["fichier"] for p in entry["pieces"])
    assert NO_SLOT in text.read_text(encoding="utf-8")
    assert png.stat().st_mode & 0o777 == 0o600
    taken = datetime.fromisoformat(entry["date"])
    assert abs(now_paris() - taken) < timedelta(minutes=5)
    from PIL import Image, ImageChops

    with Image.open(png) as image:
        shot = image.convert("RGB")
    expected = render_banner(_expected_banner(site.url + "creneaux", taken), shot.width)
    area = shot.crop((0, 0, expected.width, expected.height))
    assert ImageChops.difference(area, expected).getbbox() is None  # banner pixel for pixel
    below = shot.crop((0, expected.height, shot.width, expected.height + 40))
    assert below.getpixel((5, 20)) == (255, 255, 255)  # the page follows the banner
    found = proof_date(png)
    assert found is not None and found.when == taken and found.origin == "png"
    assert run("-C", case, "verify").exit_code == 0
    out = case / "dossier_test"
    assert run("-C", case, "bundle", "-o", out).exit_code == 0
    inventory = (out / "Ne_pas_deposer" / "00_Inventaire.txt").read_text(encoding="utf-8")
    assert "Texte de la page capturée" in inventory
    assert "Capture d'écran du site de rendez-vous de la préfecture" in inventory


def test_banner_differs_when_the_text_differs():
    lines = _expected_banner("https://example.org/", now_paris())
    a = render_banner(lines, 800)
    b = render_banner([lines[0].replace("example", "exemple"), *lines[1:]], 800)
    from PIL import ImageChops

    assert ImageChops.difference(a, b).getbbox() is not None


def test_unrecognised_message_is_asked(case, run):
    with BookingSite() as site:
        result = run_input(run, "Message recopié\n", "-C", case, "capture", site.url)
    assert result.exit_code == 0, result.output
    assert "Quel message la page affiche-t-elle ?" in result.output
    assert journal_lines(case)[-1]["description"] == "Message recopié"


def run_input(run, text, *args):
    from click.testing import CliRunner

    from rdvletters.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], input=text, catch_exceptions=False)


def test_more_than_a_few_loads_per_hour_are_refused(case, run):
    now = now_paris()
    loads = [
        {"site": "127.0.0.1", "date": (now - timedelta(minutes=m)).isoformat()}
        for m in (5, 15, 25, 35)
    ]
    (case / "captures.json").write_text(json.dumps({"chargements": loads}), encoding="utf-8")
    before = (case / "journal.jsonl").read_bytes()
    with BookingSite() as site:
        result = run("-C", case, "capture", site.url, "-m", "x")
        assert sum(site.requests.values()) == 0  # not even one load
    assert result.exit_code == 2
    assert "pas plus de 4 par heure et par site" in result.stderr
    assert (case / "journal.jsonl").read_bytes() == before


def test_each_load_is_counted_even_when_it_fails(case, run, tmp_path):
    bad = tmp_path / "etapes.yaml"
    bad.write_text("- cliquer: Réserver ce créneau\n", encoding="utf-8")
    before = (case / "journal.jsonl").read_bytes()
    pieces = sorted((case / "pieces").iterdir())
    with BookingSite() as site:
        result = run("-C", case, "capture", site.url, "--steps", bad)
    assert result.exit_code == 6
    assert "étape 1 (cliquer « Réserver ce créneau ») : rien de tel" in result.stderr
    assert (case / "journal.jsonl").read_bytes() == before
    assert sorted((case / "pieces").iterdir()) == pieces
    loads = json.loads((case / "captures.json").read_text(encoding="utf-8"))["chargements"]
    assert len(loads) == 1 and loads[0]["site"] == "127.0.0.1"


def test_bad_steps_file_names_line_and_field(case, run, tmp_path):
    bad = tmp_path / "etapes.yaml"
    bad.write_text("- cliquer: Accepter\n- clicker: Valider\n", encoding="utf-8")
    result = run("-C", case, "capture", "http://127.0.0.1:9/", "--steps", bad)
    assert result.exit_code == 2
    assert "etapes.yaml, ligne 2, champ « 1.clicker » : champ inconnu" in result.stderr


def test_missing_chromium_is_a_clear_message(case, run, monkeypatch):
    monkeypatch.setenv("RDVLETTERS_CHROMIUM", "/nulle/part/chromium")
    result = run("-C", case, "capture", "http://127.0.0.1:9/", "-m", "x")
    assert result.exit_code == 7
    assert "Chromium introuvable à l'emplacement donné" in result.stderr
    monkeypatch.delenv("RDVLETTERS_CHROMIUM")
    monkeypatch.setenv("PATH", "/nonexistent")
    result = run("-C", case, "capture", "http://127.0.0.1:9/", "-m", "x")
    assert result.exit_code == 7
    assert "sudo apt-get install chromium" in result.stderr


def test_unreachable_page_records_nothing(case, run):
    from .tsa_server import closed_port_url

    before = (case / "journal.jsonl").read_bytes()
    result = run("-C", case, "capture", closed_port_url(), "-m", "x")
    assert result.exit_code == 6
    assert "n'a pas pu être chargée (ERR_CONNECTION_REFUSED)" in result.stderr
    assert (case / "journal.jsonl").read_bytes() == before


def test_interactive_mode_captures_the_page_the_person_reached():
    """The person's clicks are played here by the wait callback (no screen in CI)."""

    def person(page) -> None:
        page.get_by_text("Accepter les cookies").click()
        page.get_by_text("Prendre rendez-vous").click()
        page.get_by_label("Veuillez cocher la case").check()
        page.get_by_role("button", name="Effectuer une demande de rendez-vous").click()

    with BookingSite() as site:
        shot = cap.take(site.url, interactive=True, headless=True, wait=person)
    assert shot.final_url == site.url + "creneaux" and shot.mode == "interactive"
    assert cap.no_slot_message(shot.text) == NO_SLOT
    path = shot.conditions["parcours"]  # the sheet says which pages the person reached
    assert not path[0].get("a_la_main")
    assert [urlsplit(s["url"]).path for s in path if s.get("a_la_main")] == [
        "/demande",
        "/creneaux",
    ]
    assert shot.conditions["a_la_main"]["debut"] <= shot.conditions["a_la_main"]["fin"]
    from rdvletters.evidence.proofs.provenance import capture_rows

    rows = dict(capture_rows(shot.conditions, {}))
    assert "par la personne, dans la fenêtre du navigateur" in rows["Étapes faites à la main"]
    assert "atteinte à la main par la personne" in rows["Étape 3"]
    from PIL import Image

    assert Image.open(io.BytesIO(shot.png)).height > 100


# --- provenance (NF Z67-147 pattern) --------------------------------------------------------


@pytest.fixture(scope="module")
def site_cert(tmp_path_factory):
    from .https_site import make_site_cert, needs_certutil

    if not needs_certutil:
        pytest.skip("certutil (libnss3-tools) and openssl are needed for the HTTPS site")
    return make_site_cert(tmp_path_factory.mktemp("site_ca"))


def _der_sha256(pem: Path) -> str:
    import ssl

    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem.read_text())).hexdigest()


def test_https_capture_records_its_conditions(case, run, steps, site_cert):
    from .https_site import trust_in_chromium

    trust_in_chromium(site_cert.ca)
    with BookingSite(tls=site_cert.tls) as site:
        site.skew = timedelta(seconds=-3)  # the server's clock three seconds behind
        result = run("-C", case, "capture", site.url + "ancien", "--steps", steps)
    assert result.exit_code == 0, result.output
    entry = journal_lines(case)[-1]
    png, text, har, warc = (p for p in entry["pieces"])
    sheet = png["conditions"]
    statuses = [(urlsplit(s["url"]).path, s["statut"]) for s in sheet["parcours"]]
    assert statuses == [("/ancien", 301), ("/rdv", 302), ("/", 200), ("/demande", 200),
                        ("/creneaux", 200)]  # fmt: skip
    port = urlsplit(site.url).port
    assert all(s["adresse"] == f"127.0.0.1:{port}" for s in sheet["parcours"])
    assert sheet["dns"] == {"hote": "127.0.0.1", "adresses": ["127.0.0.1"]}
    assert sheet["mandataire"] == "" and sheet["profil"] == "neuf" and sheet["cookies_avant"] == 0
    tls = sheet["tls"]
    assert tls["certificat_sha256"] == _der_sha256(site_cert.cert)  # the certificate itself
    assert tls["sujet"] == "127.0.0.1" and tls["emetteur"] == "Prefecture de test Root CA"
    assert tls["protocole"].startswith("TLS")
    assert "CN=Prefecture de test Root CA" in tls["chaine"][-1]
    server = sheet["date_serveur"]
    assert server["entete"] and 2 <= server["ecart_secondes"] <= 5  # the computer is ahead
    assert sheet["navigateur"].startswith("Chromium ") and sheet["agent"].endswith("0.1.0")
    hashes = sheet["empreintes"]
    for piece, key in ((png, "png"), (text, "texte"), (har, "har"), (warc, "warc")):
        assert hashlib.sha256((case / piece["fichier"]).read_bytes()).hexdigest() == hashes[key]
        assert piece["sha256"] == hashes[key]
    assert hashes["html"] == entry["sha256"]
    archive = json.loads((case / har["fichier"]).read_text(encoding="utf-8"))
    exchanges = [(urlsplit(e["request"]["url"]).path, e["response"]["status"])
                 for e in archive["log"]["entries"]]  # fmt: skip
    assert ("/ancien", 301) in exchanges and ("/creneaux", 200) in exchanges
    from warcio.archiveiterator import ArchiveIterator

    with (case / warc["fichier"]).open("rb") as stream:
        records = [(r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode(),
                    r.content_stream().read()) for r in ArchiveIterator(stream)
                   if r.rec_type == "response"]  # fmt: skip
    assert [(urlsplit(u).path, int(c)) for u, c, _ in records] == exchanges
    assert NO_SLOT.encode() in records[-1][2]  # the page as served, in the archive
    assert datetime.fromisoformat(sheet["debut_commande"]) <= datetime.fromisoformat(entry["date"])
    assert datetime.fromisoformat(entry["date"]) <= datetime.fromisoformat(sheet["fin"])
    assert run("-C", case, "verify").exit_code == 0


def test_a_page_that_changes_keeps_the_version_loaded(case, run, site_cert):
    from .https_site import trust_in_chromium

    trust_in_chromium(site_cert.ca)
    with BookingSite(tls=site_cert.tls) as site:
        for _ in range(2):
            assert run("-C", case, "capture", site.url + "etat").exit_code == 0
        assert site.loads == 2  # one load per capture, nothing more (no second fetch)
    first, second = journal_lines(case)[-2:]
    assert first["sha256"] != second["sha256"]
    for entry, n in ((first, 1), (second, 2)):
        html = (case / entry["fichier"]).read_text(encoding="utf-8")
        assert f"chargement n° {n}" in html
        har = next(p for p in entry["pieces"] if p["fichier"].endswith(".har"))
        archive = json.loads((case / har["fichier"]).read_text(encoding="utf-8"))
        body = next(e["response"]["content"] for e in archive["log"]["entries"]
                    if e["request"]["url"].endswith("/etat"))  # fmt: skip
        assert f"chargement n° {n}" in body.get("text", "")
        assert entry["pieces"][0]["conditions"]["empreintes"]["html"] == entry["sha256"]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils absent")
def test_the_dossier_prints_the_conditions_as_the_pieces_second_page(case, run, steps, tmp_path):
    from .conftest import pdf_text

    with BookingSite() as site:
        assert run("-C", case, "capture", site.url, "--steps", steps).exit_code == 0
    entry = journal_lines(case)[-1]
    out = tmp_path / "dossier"
    assert run("-C", case, "bundle", "-o", out).exit_code == 0
    day = entry["date"][:10].replace("-", "_")
    piece = next(p for p in out.glob(f"*_Capture_site_{day}_*.pdf"))
    text = pdf_text(piece)
    assert "page 2/2" in text and "Conditions de la capture" in text
    assert "Profil du navigateur" in text and "1 cookie" not in text
    assert "réponse HTTP 200" in text and "Mandataire (proxy)" in text
    assert entry["pieces"][0]["conditions"]["empreintes"]["png"] in text.replace("\n", "")
    assert not list(out.glob("*.har"))  # the archive is kept in the case, not filed
    chronology = pdf_text(next(out.glob("01_Chronologie*.pdf")))
    assert "Dates de chaque justificatif" in chronology
