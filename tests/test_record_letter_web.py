"""A registered letter written by the person, recorded from the web form with its
tracking number (``record letter --tracking`` in the browser), and the record and
correction forms' messages naming the field as the page shows it, never a CLI option."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rdvletters.case import Case

from .conftest import run_installed
from .test_web import csrf, make_client, when
from .test_web_a11y import _axe, check
from .test_web_browser import CHROMIUM, PNG, browser, served  # noqa: F401 - fixtures

LRAR = "Lettre recommandée et avis de réception : "
SENT = LRAR + "envoyée le 16 novembre 2026, avis de réception non noté"
OPTIONS = ("--at", "--tracking", "--announced", "--message", "--witness", "--reference")
browser_only = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium is needed (apt-get install chromium)"
)


@pytest.fixture
def kofi(tmp_path) -> Path:
    """The ANEF example (no registered letter yet), alone in its folder."""
    folder = tmp_path / "kofi"
    Case(folder).init(example="anef")
    return folder


def _last(folder: Path) -> dict:
    return json.loads((folder / "journal.jsonl").read_text(encoding="utf-8").splitlines()[-1])


def _status(folder: Path) -> str:
    result = run_installed("-C", folder, "status")
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.split())


def _fill(page, day: str, time: str, channel: str, message: str) -> None:
    when_ = page.get_by_role("group", name="Date", exact=True)  # not the announced date's
    for part, value in zip(("Jour", "Mois", "Année"), day.split("/"), strict=True):
        when_.get_by_label(part).fill(value)
    page.get_by_label("Heure").fill(time)
    page.get_by_label("Ce que vous avez fait").select_option(channel)
    page.get_by_label("Ce qui s'est passé").fill(message)


def _no_option(page) -> None:
    text = page.locator("main").inner_text()
    assert not [o for o in OPTIONS if o in text], text
    assert "rdvletters" not in page.locator("[data-error-summary]").inner_text()


@browser_only
def test_a_registered_letter_recorded_in_the_page_is_the_lrar(browser, served, kofi):  # noqa: F811
    assert "[ ] " + LRAR + "pas encore envoyée" in _status(kofi)
    url, base = served(kofi)
    page = browser.new_context(locale="fr-FR").new_page()
    page.goto(url)
    page.wait_for_url(f"{base}/c/cas/status")  # the token link's own redirect, done first
    page.goto(f"{base}/c/cas/record")
    tracking = page.get_by_label("Numéro de suivi La Poste")
    page.get_by_label("Ce que vous avez fait").select_option("web")
    assert not tracking.is_visible()  # only a letter has one
    _fill(page, "16/11/2026", "11:00", "letter", "Lettre recommandée au préfet")
    assert tracking.is_visible()
    assert "Sur la preuve de dépôt" in page.locator("#f-tracking-help").inner_text()
    tracking.fill("1A 222 333 4444 5")
    page.get_by_label("Justificatifs").set_input_files(str(PNG))
    page.get_by_role("button", name="Noter au journal").click()
    page.wait_for_url(f"{base}/c/cas/status*")
    letter = _last(kofi)
    assert (letter["canal"], letter["suivi"], letter["suivi_saisi"]) == (
        "letter",
        "1A22233344445",
        "1A 222 333 4444 5",
    )
    assert SENT in _status(kofi)  # the installed command counts it as the registered letter
    shown = " ".join(page.locator("main").inner_text().split())  # and so does the page
    assert "Lettre recommandée et avis de réception — envoyée le 16 novembre 2026" in shown

    page.goto(f"{base}/c/cas/record")  # and its AR can now be noted, from the page too
    _fill(page, "18/11/2026", "10:00", "ar", "Avis de réception signé")
    page.get_by_role("button", name="Noter au journal").click()
    page.wait_for_url(f"{base}/c/cas/status*")
    assert _last(kofi)["canal"] == "ar"
    status = _status(kofi)
    assert "[x] " + LRAR + "envoyée le 16 novembre 2026" in status
    assert "Deux mois après la réception de votre lettre recommandée (avis du 18 novembre" in status


@browser_only
@pytest.mark.parametrize("width", [1280, 360])
def test_record_form_errors_name_the_field_label_not_the_option(browser, served, kofi, width):  # noqa: F811
    url, base = served(kofi)
    page = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900}).new_page()
    page.goto(url)
    page.wait_for_url(f"{base}/c/cas/status")  # the token link's own redirect, done first
    axe = _axe()
    before = (kofi / "journal.jsonl").read_bytes()

    # an AR with no registered letter noted: the hint says what to do, without a command
    page.goto(f"{base}/c/cas/record")
    _fill(page, "18/11/2026", "10:00", "ar", "Avis de réception")
    page.get_by_role("button", name="Noter au journal").click()
    summary = page.locator("[data-error-summary]")
    assert "Aucune lettre recommandée n'est notée comme envoyée" in summary.inner_text()
    assert "Notez d'abord l'envoi de la lettre, avec son numéro de suivi." in summary.inner_text()
    _no_option(page)
    check(page, axe, f"AR without a letter at {width}", errors=True)

    # a tracking number La Poste never gives: the field's label, the field marked
    page.goto(f"{base}/c/cas/record")
    _fill(page, "16/11/2026", "11:00", "letter", "Lettre au préfet")
    page.get_by_label("Numéro de suivi La Poste").fill("12345")
    page.get_by_role("button", name="Noter au journal").click()
    error = page.locator("#f-tracking-error")
    assert "Numéro de suivi La Poste « 12345 » : numéro de suivi non reconnu" in error.inner_text()
    assert page.locator("#f-tracking").get_attribute("aria-invalid") == "true"
    assert page.locator("#f-tracking").input_value() == "12345"  # kept as typed
    assert page.locator("[data-error-summary] a").first.get_attribute("href") == "#f-tracking"
    _no_option(page)
    check(page, axe, f"bad tracking number at {width}", errors=True)
    assert (kofi / "journal.jsonl").read_bytes() == before  # nothing written

    # the letter, then an AR dated before it: the date's fields are named, not --at
    page.get_by_label("Numéro de suivi La Poste").fill("1A 222 333 4444 5")
    page.get_by_role("button", name="Noter au journal").click()
    page.wait_for_url(f"{base}/c/cas/status*")
    page.goto(f"{base}/c/cas/record")
    _fill(page, "10/11/2026", "10:00", "ar", "Avis de réception")
    page.get_by_role("button", name="Noter au journal").click()
    error = page.locator("#f-date-day-error")
    assert re.search(
        r"Date et heure : l'avis de réception serait daté du 10/11/2026, avant l'envoi de la "
        r"lettre recommandée \(16/11/2026\)",
        error.inner_text(),
    )
    assert page.locator("[data-error-summary] a").first.get_attribute("href") == "#f-date-day"
    _no_option(page)
    check(page, axe, f"AR before its letter at {width}", errors=True)

    # a date in the future
    _fill(page, "10/12/2026", "10:00", "web", "Aucun créneau")
    page.get_by_role("button", name="Noter au journal").click()
    assert "Date et heure « 2026-12-10 10:00 » : cette date est dans le futur" in (
        page.locator("#f-date-day-error").inner_text()
    )
    _no_option(page)
    check(page, axe, f"future date at {width}", errors=True)


def test_tracking_on_another_channel_names_the_field(kofi):
    """Without JavaScript the tracking field shows for every channel: the library's
    refusal names it as the page does."""
    _app, client = make_client(kofi)
    token = csrf(client, "/c/cas/record")
    before = (kofi / "journal.jsonl").read_bytes()
    data = {"csrf": token, **when("2026-11-27", "10:00"), "channel": "web", "message": "x"}
    response = client.post("/c/cas/record", data={**data, "tracking": "1A 222 333 4444 5"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Numéro de suivi La Poste ne vaut que pour une lettre recommandée" in page
    assert 'id="f-tracking-error"' in page and "--tracking" not in page
    assert (kofi / "journal.jsonl").read_bytes() == before


def test_correction_form_names_its_fields_and_corrects_a_letters_tracking(kofi):
    """The correction page: a letter recorded with its number shows the number to correct;
    an AR moved before its letter, or a bad number, names the page's field."""
    case = Case(kofi)
    letter = case.record(
        "letter", case.when("2026-11-16 11:00"), "Lettre", tracking="1A 222 333 4444 5"
    )
    ar = case.record("ar", case.when("2026-11-18 10:00"), "AR")
    _app, client = make_client(kofi)
    url = f"/c/cas/entry/{letter.n}/correct"
    form = client.get(url).get_data(as_text=True)
    assert 'id="c-tracking"' in form and 'value="1A 222 333 4444 5"' in form
    token = csrf(client, url)
    base = {"csrf": token, **when("2026-11-16", "11:00", "c-date"), "channel": "letter"}
    bad = client.post(url, data={**base, "message": "Lettre", "tracking": "99"})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "Numéro de suivi La Poste « 99 » : numéro de suivi non reconnu" in page
    assert 'id="c-tracking-error"' in page and "--tracking" not in page
    good = client.post(url, data={**base, "message": "Lettre", "tracking": "1A 222 333 4444 6"})
    assert good.status_code == 303
    assert _last(kofi)["valeurs"]["suivi"] == "1A22233344446"

    url = f"/c/cas/entry/{ar.n}/correct"
    token = csrf(client, url)
    moved = {"csrf": token, **when("2026-11-10", "10:00", "c-date"), "channel": "ar"}
    early = client.post(url, data={**moved, "message": "AR"})
    assert early.status_code == 400
    page = early.get_data(as_text=True)
    assert "Date et heure : l&#39;avis de réception serait daté du 10/11/2026" in page
    assert 'id="c-date-day-error"' in page and "--at" not in page
