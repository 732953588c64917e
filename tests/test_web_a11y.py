"""Every page of the new work in a real browser (Debian's Chromium, Playwright), at 1280
and 360 px, in French and English: axe-core finds no violation, error states included;
the error summary takes the focus; nothing scrolls sideways; print and phone details."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from rdvletters.case import Case
from rdvletters.documents.pipeline import prepare

from .test_web_browser import CHROMIUM, PNG, browser, served  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium is needed (apt-get install chromium)"
)
WIDE = """() => [...document.querySelectorAll('html, .scroll, textarea, .card, figure, form')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName}.${e.className} ${e.scrollWidth}>${e.clientWidth}`)"""
WORDS = {
    "fr": {
        "record": "Noter au journal",
        "save": "Enregistrer et continuer",
        "sent": "Noter l'envoi au journal",
        "create": "Créer le dossier",
        "fix": "Noter la correction",
        "erase": "Effacer définitivement",
    },
    "en": {
        "record": "Record in the journal",
        "save": "Save and continue",
        "sent": "Record the sending in the journal",
        "create": "Create the case",
        "fix": "Record the correction",
        "erase": "Erase the case",
    },
}


def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def permanence(tmp_path):
    """Two example cases (one with a letter in two forms and an e-mail waiting), a new one,
    and enough homonyms to page through."""
    root = tmp_path / "permanence"
    Case(root / "aminata").init(example="rdv")
    Case(root / "kofi").init(example="anef")
    Case(root / "nouveau").init()
    aminata = Case(root / "aminata")
    prepare(aminata, "courriel", "text")
    aminata.record("web", aminata.when("2026-11-30 09:00"), "Aucun créneau", [])
    prepare(aminata, "lettre", "text")
    prepare(aminata, "lettre", "docx")
    prepare(aminata, "courriel", "text")
    return root


def check(page, axe, where: str, errors: bool = False) -> None:
    """axe-core on the page as shown, no sideways scroll, and on an error page the title
    and the focus of the error summary."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    result = axe.run(page)
    assert result.violations_count == 0, (where, result.generate_report())
    assert not page.evaluate(WIDE), (where, page.evaluate(WIDE))
    if errors:
        title = page.title()
        assert re.match(r"^(Erreur :|Error:) ", title), (where, title)
        focused = page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        assert focused, where
        first = page.locator("[data-error-summary] a").first
        target = first.get_attribute("href")
        if target and target.startswith("#"):
            assert page.locator(f'[id="{target[1:]}"]').count() == 1, (where, target)


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_and_error_state_passes_axe(browser, served, permanence, width, lang):  # noqa: F811
    url, base = served(permanence, many=True)
    words = WORDS[lang]
    context = browser.new_context(locale=lang, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/langue/{lang}?next=/")
    axe = _axe()

    # §5 the caseload: list, search, filter, archives
    for path in ("/", "/?q=diallo", "/?route=anef&next=record", "/?soon=1", "/?archived=1"):
        page.goto(base + path)
        check(page, axe, path)
    page.goto(base + "/")
    page.get_by_role("button", name=words["create"]).click()  # no name: the error state
    check(page, axe, "new case error", errors=True)

    # §2 the record form: its error state keeps the text and the file
    page.goto(f"{base}/c/aminata/record")
    check(page, axe, "record")
    page.locator('[id="f-date-day"]').fill("31")
    page.locator('[id="f-date-month"]').fill("2")
    page.locator("#f-message").fill("Aucune plage horaire")
    page.locator("#f-proofs").set_input_files(str(PNG))
    page.get_by_role("button", name=words["record"]).click()
    check(page, axe, "record error", errors=True)
    assert page.locator("#f-message").input_value() == "Aucune plage horaire"
    assert page.locator('input[name="keep"]').count() == 1
    page.locator('[id="f-date-day"]').fill("27")
    page.locator('[id="f-date-month"]').fill("11")
    page.get_by_role("button", name=words["record"]).click()
    page.wait_for_url(f"{base}/c/aminata/status")
    check(page, axe, "status after record")

    # §2 the profile: steps, an error, check-your-answers
    for section in (
        "situation",
        "demandeur",
        "demande",
        "prefecture",
        "defenseur",
        "lettre",
        "verifier",
    ):
        page.goto(f"{base}/c/nouveau/profile/{section}")
        check(page, axe, section)
    page.goto(f"{base}/c/nouveau/profile/demandeur")
    page.locator('[id="f-demandeur.date_naissance-day"]').fill("31")
    page.locator('[id="f-demandeur.date_naissance-month"]').fill("2")
    page.locator('[id="f-demandeur.date_naissance-year"]').fill("1990")
    page.get_by_role("button", name=words["save"]).click()
    check(page, axe, "profile date error", errors=True)
    page.goto(f"{base}/c/nouveau/profile/demandeur?checked=1")
    check(page, axe, "profile checked", errors=True)
    page.goto(f"{base}/c/aminata/profile/verifier")
    check(page, axe, "check your answers")

    # §4 documents: one letter in two forms, an e-mail waiting; the sent form's error
    page.goto(f"{base}/c/aminata/documents")
    check(page, axe, "documents")
    letter = page.locator(".doc", has_text="Word").first
    letter.locator('input[name="tracking"]').fill("1A 12")
    letter.get_by_role("button", name=words["sent"]).click()
    check(page, axe, "sent error", errors=True)
    assert page.locator('input[name="tracking"][value="1A 12"]').count() == 1

    # §3 corrections and the end of a case
    page.goto(f"{base}/c/aminata/entry/3/correct")
    check(page, axe, "correct")
    page.locator('[id="c-date-year"]').fill("2099")
    page.get_by_role("button", name=words["fix"]).click()
    check(page, axe, "correct error", errors=True)
    page.goto(f"{base}/c/aminata/dossier")
    check(page, axe, "manage")
    page.goto(f"{base}/c/aminata/erase")
    check(page, axe, "erase")
    page.get_by_role("button", name=re.compile(words["erase"])).click()
    check(page, axe, "erase error", errors=True)
    context.close()


def test_print_leaves_the_app_out_and_a_phone_hint_has_no_ctrl_v(browser, served, permanence):  # noqa: F811
    url, base = served(permanence, many=True)
    context = browser.new_context(locale="fr", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/c/aminata/status")
    assert page.locator("link[rel=icon]").count() == 1
    icon = page.locator("link[rel=icon]").get_attribute("href")  # the app's own path included
    assert context.request.get(urljoin(page.url, icon)).ok
    page.emulate_media(media="print")
    assert (
        not page.locator("header.top").is_visible()
        and not page.locator(".buttons").first.is_visible()
    )
    assert page.locator("h1").is_visible() and page.locator(".chart svg").is_visible()
    context.close()
    phone = browser.new_context(
        locale="fr", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.goto(url)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/c/aminata/record")
    assert page.locator(".touch-hint").is_visible() and not page.locator(".paste-hint").is_visible()
    assert "Ctrl" not in page.locator(".dropzone").inner_text()
    page.locator("#f-channel").select_option("web")
    assert not page.locator("#f-witness").is_visible()  # the witness is for the counter only
    page.locator("#f-channel").select_option("counter")
    assert page.locator("#f-witness").is_visible()
    phone.close()
