"""The whole story in Debian's Chromium, through Caddy (HTTPS, internal CA) in front of
the real server: an admin sets up, invites a volunteer, who opens a case and shows the
link's QR code; the person, on a 360 px phone, records two attempts (one shared from
the share sheet, one offline then sent when the network returns); the volunteer sees
them with their timestamps and prepares the e-mail; the person reads their status in
English. axe-core finds no violation on any page."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pyotp
import pytest

from rdvletters.frdates import now_paris
from rdvletters.server.config import load_config
from rdvletters.server.runner import start
from rdvletters.server.setup import set_up

from .caddy_proxy import CADDY, Caddy, free_port
from .conftest import EXAMPLE
from .server_helpers import PASSWORD
from .test_web_browser import PROFILE
from .tsa_server import LocalTSA, make_pki

CHROMIUM = "/usr/bin/chromium"
PNGS = sorted((EXAMPLE / "pieces").glob("*.png"))
pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and CADDY and shutil.which("openssl")),
    reason="Chromium, Caddy and openssl are installed by .ci/run",
)


class Checked:
    """Every page visited is checked by axe-core (0 violations)."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.seen: list[str] = []

    def __call__(self, page) -> None:
        page.wait_for_load_state("load")
        results = self.axe.run(page)
        found = [
            f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
        ]
        assert not found, f"{page.url}: {found}"
        self.seen.append(re.sub(r"/p/[^/]+/", "/p/…/", page.url.split("?")[0]))


@pytest.fixture
def story(tmp_path):
    pki = make_pki(tmp_path / "pki")
    with LocalTSA(pki) as tsa:
        backend = free_port()
        https_port = free_port()
        config_path = tmp_path / "rdvletters.toml"
        config_path.write_text(
            f"""
[server]
data_dir = "data"
public_url = "https://127.0.0.1:{https_port}"
port = {backend}
trusted_proxy = "127.0.0.1"

[security]
argon2_memory_kib = 8192
argon2_time_cost = 1

[timestamp]
authorities = [{{ url = "{tsa.url}", name = "TSA de test", certificate = "{pki.ca}" }}]
""",
            encoding="utf-8",
        )
        config = load_config(config_path)
        done = set_up(config, "Awa Responsable")
        running = start(config)
        threading.Thread(target=running.serve, daemon=True).start()
        try:
            with Caddy(tmp_path / "caddy", backend, https_port) as caddy:
                yield caddy, done.invitation_url(config.public_url), running
        finally:
            running.close()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        # --ignore-certificate-errors: Caddy's internal CA is not in Chromium's store, and
        # a context that only ignores HTTPS errors would refuse the service worker.
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--ignore-certificate-errors"]
        )
        yield chromium
        chromium.close()


def _totp(page) -> str:
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    return pyotp.TOTP(secret).at(now_paris())


def _fill_profile(page, check, base, case_id):
    for section, actions in PROFILE:
        page.wait_for_url(re.compile(rf".*/c/{case_id}/profile/{section}.*"))
        check(page)
        for action, label, *value in actions:
            if action == "date":  # day, month, year (as test_web_browser fills them)
                for part, typed in zip(("day", "month", "year"), value, strict=True):
                    page.locator(f'[id="{label}-{part}"]').fill(typed)
                continue
            field = page.get_by_label(label, exact=False).first
            field.check() if action == "check" else field.fill(value[0])
        page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(f"{base}/c/{case_id}/profile/verifier")


def test_the_whole_story_through_caddy(story, browser, tmp_path):
    caddy, invitation, running = story
    base = caddy.url
    check = Checked()

    # 1. The admin accepts the set-up invitation, enrols the second factor, invites Marie.
    admin = browser.new_context(locale="fr-FR").new_page()
    admin.goto(invitation)
    check(admin)
    admin.get_by_label("Identifiant").fill("awa")
    admin.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    admin.get_by_label("Le même mot de passe, encore").fill(PASSWORD)
    admin.get_by_role("button", name="Créer mon compte").click()
    admin.wait_for_url(f"{base}/connexion/second-facteur")
    check(admin)
    assert admin.locator("svg.qr").is_visible()
    admin.get_by_label("Code affiché par l'application").fill(_totp(admin))
    admin.get_by_role("button", name="Activer").click()
    admin.wait_for_url(f"{base}/")
    check(admin)
    admin.get_by_role("link", name="Administration").click()
    check(admin)
    admin.get_by_label("Nom affiché").fill("Marie Bénévole")
    admin.get_by_role("button", name="Créer l'invitation").click()
    marie_invitation = admin.locator("#invitation-url").input_value()
    check(admin)

    # 2. Marie creates her account, opens a case, fills the profile, shows the link's QR.
    marie = browser.new_context(locale="fr-FR").new_page()
    marie.goto(marie_invitation)
    marie.get_by_label("Identifiant").fill("marie")
    marie.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    marie.get_by_label("Le même mot de passe, encore").fill(PASSWORD)
    marie.get_by_role("button", name="Créer mon compte").click()
    marie.wait_for_url(f"{base}/")
    check(marie)
    marie.get_by_label("Nom de famille").fill("Diallo")
    marie.get_by_label("Prénom(s)").fill("Aminata")
    marie.get_by_role("button", name="Créer le dossier").click()
    case_id = re.search(r"/c/([0-9a-f]+)/", marie.url).group(1)
    _fill_profile(marie, check, base, case_id)
    check(marie)
    marie.get_by_role("link", name="Le dossier").click()
    check(marie)
    marie.get_by_role("button", name="Créer un lien et son code QR").click()
    assert marie.locator(".new-link svg.qr").is_visible()
    check(marie)
    link = marie.locator("#new-link-url").input_value()
    assert link.startswith(f"{base}/p/") and len(link.rsplit("/", 2)[1]) >= 22  # ≥ 128 bits

    # 3. The person, on a 360 px phone: the app installs its worker.
    phone_context = browser.new_context(
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    phone_context.clock.install(time=now_paris())  # the phone's clock is the suite's « now »
    phone = phone_context.new_page()
    phone.goto(link)
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # now controlled by the worker
    assert phone.evaluate("!!navigator.serviceWorker.controller")
    check(phone)
    assert phone.locator("#proofs").get_attribute("accept") == "image/*"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # 3a. A screenshot shared from the share sheet: a multipart POST to the share target,
    #     as Android sends it, taken by the worker and put into the form.
    phone.evaluate(
        """(action) => {
            const form = document.createElement("form");
            form.method = "post"; form.enctype = "multipart/form-data"; form.action = action;
            const input = document.createElement("input");
            input.type = "file"; input.name = "proofs"; input.id = "share-sheet";
            form.appendChild(input); document.body.appendChild(form);
        }""",
        f"{link}partage",
    )
    phone.locator("#share-sheet").set_input_files(str(PNGS[0]))
    phone.evaluate("document.getElementById('share-sheet').form.submit()")
    phone.wait_for_url(f"{link}?partage=1")
    phone.locator("#shared-note").wait_for(state="visible")
    assert PNGS[0].name in phone.locator("#chosen").inner_text()
    check(phone)
    phone.get_by_role("button", name="J'ai essayé, pas de rendez-vous").click()
    phone.wait_for_url(re.compile(r".*\?ok=\d+#done"))
    first = int(re.search(r"\?ok=(\d+)", phone.url).group(1))
    assert "C'est noté" in phone.locator("#done").inner_text()
    check(phone)

    # 3b. Offline: the attempt is kept on the phone with its time, sent when back online.
    phone_context.set_offline(True)
    phone.locator("#proofs").set_input_files(str(PNGS[1]))
    phone.get_by_label("Appel téléphonique").check()
    phone.get_by_role("button", name="J'ai essayé, pas de rendez-vous").click()
    phone.locator("#queued").wait_for(state="visible")
    assert phone.locator("#outbox").inner_text().startswith("Un essai attend")
    check(phone)
    phone_context.set_offline(False)
    phone.wait_for_url(
        lambda url: (m := re.search(r"\?ok=(\d+)", url)) is not None and int(m.group(1)) > first,
        timeout=30000,
    )
    assert phone.locator("#outbox").is_hidden()

    # 4. Marie sees both with their three times, and prepares the e-mail.
    assert running.jobs.wait(60)
    marie.goto(f"{base}/c/{case_id}/recu")
    check(marie)
    rows = marie.locator("table.receipts tbody tr")
    assert rows.count() == 2
    offline_row, shared_row = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "gardé hors ligne sur le téléphone depuis" in offline_row
    assert "Appel téléphonique" in offline_row and "Site de rendez-vous" in shared_row
    for row in (offline_row, shared_row):
        assert "TSA de test" in row and "pas encore" not in row
    marie.get_by_role("link", name="Documents").first.click()
    check(marie)
    marie.get_by_role("button", name=re.compile("courriel", re.I)).first.click()
    marie.wait_for_url(re.compile(rf".*/c/{case_id}/documents.*"))
    assert "pref-etrangers@example.gouv.fr" in marie.content()
    check(marie)
    marie.get_by_role("link", name="Où en suis-je ?").first.click()
    check(marie)

    # 5. The person reads their status in English, and sees who opened their case.
    phone.get_by_role("link", name="English").click()
    phone.wait_for_url(link)
    assert phone.get_by_role("heading", name="Where I stand").is_visible()
    assert "You have recorded 2 tries" in phone.locator("main").inner_text()
    assert "Marie Bénévole" in phone.locator("ul.who").inner_text()
    check(phone)

    # 6. The admin's audit log shows it all, chain intact.
    admin.goto(f"{base}/admin/journal")
    assert "Chaîne d'empreintes intacte." in admin.content()
    check(admin)
    assert len(set(check.seen)) >= 15
