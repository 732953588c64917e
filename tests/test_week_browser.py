"""« Cette semaine », the calendar page and the reminders' consent screen in Debian's
Chromium (Playwright), at 1280 and 360 px, in French and English: axe-core finds no
violation, nothing scrolls sideways, and the words the person reads are there."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from rdvletters.case import Case
from rdvletters.server.app import create_server_app
from rdvletters.server.config import load_config
from rdvletters.server.runner import start as start_server
from rdvletters.server.setup import set_up

from .conftest import EXAMPLE
from .server_helpers import Server, admin_client, make_link, new_case, seed_example, write_config
from .test_web_a11y import _axe, check
from .test_web_browser import CHROMIUM, browser, served  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium is needed (apt-get install chromium)"
)
WORDS = {
    "fr": ("Cette semaine", "Ensuite", "Des rappels sur ce téléphone ?", "Pour arrêter"),
    "en": ("This week", "What follows", "Reminders on this phone?", "To stop"),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def association(tmp_path):
    """A running association server on 127.0.0.1 with one case and its link."""
    port = free_port()
    config = load_config(write_config(tmp_path, public_url=f"http://127.0.0.1:{port}", port=port))
    done = set_up(config, "Awa Responsable")
    app = create_server_app(config)
    app.config["TESTING"] = True
    server = Server(config, app, done.invitation_token, done.recovery_text)
    admin, _secret = admin_client(server)
    case_id = new_case(admin)
    seed_example(server, case_id, EXAMPLE)
    link = make_link(admin, case_id)
    running = start_server(config, port=port)
    threading.Thread(target=running.serve, daemon=True).start()
    yield f"http://127.0.0.1:{port}", link
    running.close()


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_week_block_and_calendar_page(browser, served, tmp_path, width, lang):  # noqa: F811
    Case(tmp_path / "aminata").init(example="rdv")
    url, base = served(tmp_path / "aminata")
    context = browser.new_context(locale=lang, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_url(f"{base}/c/cas/status")
    page.goto(f"{base}/langue/{lang}?next=/c/cas/status")
    page.wait_for_url(f"{base}/c/cas/status")  # back on the page, under the run's path
    axe = _axe()
    week = page.locator("#cette-semaine")
    assert week.get_by_role("heading", name=WORDS[lang][0]).count() == 1
    assert week.locator(".slots li").count() == 2
    assert WORDS[lang][1] in week.inner_text()
    check(page, axe, f"status {lang} {width}")
    page.screenshot(path=str(tmp_path / f"status-{lang}-{width}.png"), full_page=True)
    page.goto(f"{base}/c/cas/agenda")
    check(page, axe, f"agenda {lang} {width}")
    page.locator("button[name=action][value=new]").click()
    address = page.locator("#address").input_value()
    assert address.startswith(f"{base}/agenda/cas/") and address.endswith(".ics")
    check(page, axe, f"agenda address {lang} {width}")
    feed = context.request.get(address)
    assert feed.status == 200 and feed.body().startswith(b"BEGIN:VCALENDAR")
    context.close()


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_person_page_and_consent_screen(browser, association, tmp_path, width, lang):  # noqa: F811
    base, link = association
    context = browser.new_context(locale=lang, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/langue/{lang}?next={link}")
    page.goto(base + link)
    axe = _axe()
    heading, _after, consent_title, stop = WORDS[lang]
    assert page.locator("#cette-semaine").get_by_role("heading", name=heading).count() == 1
    check(page, axe, f"person {lang} {width}")
    page.screenshot(path=str(tmp_path / f"person-{lang}-{width}.png"), full_page=True)
    page.goto(f"{base}{link}rappels")
    assert page.get_by_role("heading", name=consent_title).count() == 1
    text = page.locator("#push-card").inner_text()
    assert stop in text
    # the button is usable once the page knows the browser can subscribe
    assert page.locator("#push-button").is_enabled()
    check(page, axe, f"consent {lang} {width}")
    page.screenshot(path=str(tmp_path / f"consent-{lang}-{width}.png"), full_page=True)
    page.locator("button[name=action][value=new]").click()
    assert page.locator("#calendar-address").input_value().startswith(f"{base}/agenda/")
    check(page, axe, f"consent with address {lang} {width}")
    context.close()
