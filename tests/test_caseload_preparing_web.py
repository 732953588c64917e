"""``rdvletters web --cases`` while it reads its cases for the first time, in a real
browser (Chromium, Playwright) against the real server: the page says how many cases are
read, never shows a partial list, passes axe at 1280 and 360 px in French and English,
and shows the complete list by itself once it is ready (not while the person types)."""

from __future__ import annotations

import re

import pytest

from rdvletters import caseprep
from rdvletters.case import Case

from .test_caseload_ahead import held_after
from .test_web_a11y import WIDE, _axe
from .test_web_browser import CHROMIUM, browser, served  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(
    not __import__("pathlib").Path(CHROMIUM).exists(), reason="Chromium is needed"
)
SAID = {"fr": "2 dossiers sur 5 lus…", "en": "2 of 5 cases read…"}


@pytest.fixture
def held(tmp_path, monkeypatch):
    """Five cases whose reading stops after the second until ``gate`` is set, counted
    as a long preparation (more than ``SMALL`` cases to read)."""
    root = tmp_path / "permanence"
    for i, example in enumerate(("rdv", "anef", "rdv", "anef", "rdv")):
        Case(root / f"C{i}").init(example=example)
    gate = held_after(monkeypatch, 2)
    monkeypatch.setattr(caseprep, "SMALL", 2)
    yield root, gate
    gate.set()


def _rows(page) -> list[str]:
    return page.locator("table.cases th[scope=row] a").all_inner_texts()


@pytest.mark.parametrize("lang,width", [("fr", 360), ("en", 1280), ("fr", 1280)])
def test_the_page_says_how_far_and_then_shows_the_list(browser, served, held, lang, width):  # noqa: F811
    root, gate = held
    url, base = served(root, many=True)
    context = browser.new_context(locale=lang, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(url)
    page.wait_for_url(f"{base}/")
    if lang != "fr":
        page.goto(f"{base}/langue/{lang}?next=/")
    status = page.get_by_role("status")
    for _ in range(300):  # the reading starts once the first page's templates are loaded
        if status.inner_text() == SAID[lang]:
            break
        page.wait_for_timeout(100)
        page.reload()
    assert status.inner_text() == SAID[lang]
    assert page.locator("table").count() == 0  # no list until it is complete
    assert page.locator("progress").get_attribute("value") == "2"
    result = _axe().run(page)
    assert result.violations_count == 0, result.generate_report()
    assert not page.evaluate(WIDE), page.evaluate(WIDE)
    gate.set()
    page.wait_for_selector("table.cases", timeout=30_000)  # the page's script reloads it
    assert len(_rows(page)) == 5
    assert page.get_by_role("status").inner_text().startswith(("5 dossiers", "5 cases"))
    context.close()


def test_the_list_does_not_replace_what_is_being_typed(browser, served, held):  # noqa: F811
    root, gate = held
    url, base = served(root, many=True)
    context = browser.new_context(locale="fr", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(url)
    page.wait_for_url(f"{base}/")
    page.locator("#nom").fill("Traoré")
    gate.set()
    expect = re.compile("La liste des dossiers est prête")
    page.get_by_role("status").filter(has_text=expect).wait_for(timeout=30_000)
    assert page.locator("#nom").input_value() == "Traoré"  # not reloaded under the person
    page.get_by_role("link", name="Actualiser").click()
    page.wait_for_selector("table.cases")
    assert len(_rows(page)) == 5
    context.close()


def test_without_a_preparation_there_is_nothing_to_ask(served, tmp_path):  # noqa: F811
    """One case (``rdvletters web`` in its folder): no caseload, no preparation."""
    import urllib.error
    import urllib.request

    Case(tmp_path / "cas").init(example="rdv")
    url, base = served(tmp_path / "cas")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    opener.open(url).read()
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(f"{base}/preparation")
    assert refused.value.code == 404


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux's /proc)."""
    from pathlib import Path

    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(not __import__("pathlib").Path("/proc/self/stat").exists(), reason="Linux")
def test_ctrl_c_while_workers_read_the_cases_ends_cleanly(tmp_path):
    """The installed command on enough cases to start worker processes: Ctrl+C (to the
    whole process group, as a terminal sends it) while they start and work ends the command as usual (« Arrêté. », no traceback from any process),
    leaves no worker behind and writes no cache."""
    import os
    import shutil
    import signal
    import subprocess
    import urllib.request
    from pathlib import Path

    from .conftest import installed_cli

    root = tmp_path / "permanence"
    Case(root / "C000").init(example="rdv")
    for i in range(1, caseprep.POOL_FROM + 50):
        shutil.copytree(root / "C000", root / f"C{i:03d}")
    process = subprocess.Popen(
        [*installed_cli(), "web", "--cases", str(root), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        url = next(line.strip() for line in process.stdout if "token=" in line)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        opener.open(url).read()
        page = opener.open(url.split("?")[0]).read().decode("utf-8")
        assert "data-preparing" in page and "<table" not in page
        workers = set()
        for _ in range(600):  # the workers start (a fresh interpreter each)
            workers = _children(process.pid)
            if len(workers) >= 2:
                break
            __import__("time").sleep(0.05)
        assert workers
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C: the terminal signals the whole group
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:  # a failure above: nothing of it left running
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "Arrêté." in out
    for pid in workers:
        for _ in range(600):
            if not Path(f"/proc/{pid}").exists():
                break
            __import__("time").sleep(0.05)
        assert not Path(f"/proc/{pid}").exists(), pid
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "rdvletters" / "caseload"
    assert not any(cache.glob("*.json"))
