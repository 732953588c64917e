"""The web app in a real browser (Debian's Chromium driven by Playwright), served by the
real server (waitress) on a free 127.0.0.1 port."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest

from rdvletters.case import Case
from rdvletters.evidence.proofs.verify import verify
from rdvletters.web.cases import Registry
from rdvletters.web.server import start

from .conftest import EXAMPLE, journal_lines

CHROMIUM = "/usr/bin/chromium"
PNG = sorted((EXAMPLE / "pieces").glob("*.png"))[0]
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium is needed (apt-get install chromium)"
)


@pytest.fixture
def served():
    """Start the real server on a case folder; yields (url with token, base url)."""
    runs = []

    def serve(folder: Path, many: bool = False):
        running = start(Registry(folder, many))
        threading.Thread(target=running.serve, daemon=True).start()
        runs.append(running)
        return running.url, running.url.split("/?")[0]

    yield serve
    for running in runs:
        running.close()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


PROFILE = [
    ("situation", [("check", "À la préfecture, et aucun rendez-vous")]),
    (
        "demandeur",
        [
            ("check", "Madame"),
            ("fill", "Nom de famille", "Diallo"),
            ("fill", "Prénom(s)", "Aminata"),
            ("date", "f-demandeur.date_naissance", "12", "4", "1990"),
            ("fill", "Lieu de naissance", "Bamako (Mali)"),
            ("fill", "Nationalité", "malienne"),
            ("fill", "Adresse", "12 rue des Lilas\n93000 Bobigny"),
            ("fill", "Adresse électronique", "aminata.diallo@example.org"),
        ],
    ),
    (
        "demande",
        [
            ("check", "Première demande"),
            ("fill", "Titre demandé", "carte de séjour temporaire « vie privée et familiale »"),
            ("check", "Oui"),
        ],
    ),
    (
        "prefecture",
        [
            ("fill", "Nom de la préfecture", "Préfecture de la Seine-Saint-Denis"),
            ("fill", "Adresse postale", "1 esplanade Jean Moulin\n93007 Bobigny Cedex"),
            ("fill", "Adresse électronique du service", "pref-etrangers@example.gouv.fr"),
        ],
    ),
    ("defenseur", []),
    ("lettre", [("fill", "Ville où vous signez", "Bobigny")]),
]


def test_a_person_fills_records_sees_downloads_and_sends(browser, served, tmp_path):
    folder = tmp_path / "cas"
    Case(folder).init()
    url, base = served(folder)
    context = browser.new_context(accept_downloads=True, locale="fr-FR")
    page = context.new_page()

    page.goto(url)  # the token URL, as printed by rdvletters web
    page.wait_for_url(f"{base}/c/cas/profile/situation")
    for section, actions in PROFILE:
        assert page.url.startswith(f"{base}/c/cas/profile/{section}")
        for action, label, *value in actions:
            if action == "date":  # day, month, year: three fields, never the browser's widget
                for part, typed in zip(("day", "month", "year"), value, strict=True):
                    page.locator(f'[id="{label}-{part}"]').fill(typed)
                continue
            field = page.get_by_label(label, exact=False).first
            field.check() if action == "check" else field.fill(value[0])
        page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(f"{base}/c/cas/profile/verifier")
    assert page.get_by_text("Le profil est complet et valide.").is_visible()

    page.get_by_role("link", name="Noter une démarche").first.click()
    when = page.get_by_role("group", name="Date", exact=True)  # not the announced date's
    when.get_by_label("Jour").fill("20")
    when.get_by_label("Mois").fill("11")
    when.get_by_label("Année").fill("2026")
    page.get_by_label("Heure").fill("9h15")
    page.get_by_label("Ce que vous avez fait").select_option("web")
    page.get_by_label("Ce qui s'est passé").fill("Aucune plage horaire libre pour le moment.")
    page.get_by_label("Justificatifs").set_input_files(str(PNG))
    page.get_by_role("button", name="Noter au journal").click()

    page.wait_for_url(f"{base}/c/cas/status")
    assert page.get_by_text("1 justificatif copié").is_visible()
    row = page.locator("#entry-1")
    assert "Aucune plage horaire libre" in row.inner_text()
    assert "20 nov. 2026, 09:15" in row.inner_text()
    bar = page.locator('svg g.bar[data-week="2026-11-16"]')
    assert bar.get_attribute("data-count") == "1"
    assert float(bar.locator("rect").get_attribute("height")) > 0
    href = row.get_by_role("link", name="pièce 1").get_attribute("href")
    proof = context.request.get(urljoin(page.url, href))  # the app's own path included
    assert proof.status == 200 and proof.body() == PNG.read_bytes()

    page.get_by_role("link", name="Documents").first.click()
    page.get_by_role("button", name="Préparer la lettre (PDF)").click()
    page.wait_for_url(f"{base}/c/cas/documents#doc-2")
    with page.expect_download() as info:
        page.locator("#doc-2").get_by_role("link", name="Télécharger").click()
    pdf = tmp_path / "lettre.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "DIALLO" in text and "Bobigny" in text

    document = page.locator("#doc-2")
    document.get_by_text("Noter l'envoi", exact=True).click()
    document.get_by_label("Numéro de suivi La Poste").fill("1A 123 456 7890 1")
    document.get_by_role("button", name="Noter l'envoi au journal").click()
    page.wait_for_url(f"{base}/c/cas/documents#doc-2")
    assert "Suivi : 1A12345678901" in page.locator("#doc-2").inner_text()
    context.close()

    entries = journal_lines(folder)
    assert [e["type"] for e in entries] == ["tentative", "document", "envoi"]
    attempt, letter, sent = entries
    assert attempt["date"] == "2026-11-20T09:15:00+01:00" and attempt["canal"] == "web"
    assert attempt["pieces"][0]["original"] == PNG.name
    assert (folder / attempt["pieces"][0]["fichier"]).read_bytes() == PNG.read_bytes()
    assert letter["document"] == "lettre" and letter["format"] == "pdf"
    assert (folder / letter["fichier"]).read_bytes() == pdf.read_bytes()
    assert sent["document_n"] == 2 and sent["suivi"] == "1A12345678901"
    report = verify(Case(folder))
    assert report.ok and report.entries == 3 and report.files_checked == 2


def test_a_pasted_screenshot_becomes_a_proof(browser, served, case):
    url, base = served(case)
    page = browser.new_page(locale="fr-FR")
    page.goto(url)
    page.wait_for_url(f"{base}/c/cas/status")
    page.goto(f"{base}/c/cas/record")
    data = list(PNG.read_bytes())
    page.evaluate(
        """(bytes) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], "image.png", {type: "image/png"}));
            const event = new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true,
                                                       cancelable: true});
            document.querySelector("main h1").dispatchEvent(event);
        }""",
        data,
    )
    chosen = page.locator("[data-chosen] li")
    assert chosen.count() == 1 and chosen.inner_text().startswith("capture_")
    page.get_by_role("button", name="Noter au journal").click()
    page.wait_for_url(f"{base}/c/cas/status")
    piece = journal_lines(case)[-1]["pieces"][0]
    assert piece["original"].startswith("capture_") and piece["fichier"].endswith(".png")
    assert (case / piece["fichier"]).read_bytes() == PNG.read_bytes()
    page.close()


def test_core_flow_works_without_javascript(browser, served, case):
    url, base = served(case)
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(url)
    page.wait_for_url(f"{base}/c/cas/status")
    assert page.get_by_role("button", name="Copier").count() == 0  # JS-only buttons stay hidden
    page.goto(f"{base}/c/cas/record")
    page.get_by_label("Ce qui s'est passé").fill("Sans JavaScript")
    page.get_by_label("Justificatifs").set_input_files(str(PNG))
    page.get_by_role("button", name="Noter au journal").click()
    page.wait_for_url(f"{base}/c/cas/status")
    assert journal_lines(case)[-1]["description"] == "Sans JavaScript"
    assert len(journal_lines(case)[-1]["pieces"]) == 1
    context.close()


def test_the_app_speaks_the_browsers_language_and_narrow_screens_fit(browser, served, case):
    url, base = served(case)
    context = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(url)
    page.wait_for_url(f"{base}/c/cas/status")
    assert page.get_by_role("heading", name="Where do I stand?").is_visible()
    for path in ("/c/cas/status", "/c/cas/record", "/c/cas/documents", "/c/cas/profile/demandeur"):
        page.goto(base + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    context.close()
