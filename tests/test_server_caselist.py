"""The server's list of cases at 1,000 cases: search by name or case reference (case,
accents and apostrophes indifferent), 50 cases a page with « page N sur M » and links
that keep the search, the same order as before (current cases by name, archived ones
last). Through Flask's test client, then in Debian's Chromium at 1280 and 360 px with
axe-core, in French and in English."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from rdvletters.server import accounts, caseindex
from rdvletters.server.caselist import fold, matches, page_of
from rdvletters.server.config import load_config
from rdvletters.server.runner import start
from rdvletters.server.setup import set_up

from .caddy_proxy import free_port
from .server_helpers import PASSWORD, make_server
from .test_web_browser import CHROMIUM, browser  # noqa: F401 - the module's Chromium

FIRST = ("Zoé", "Amadou", "Fatoumata", "Hélène")
SPECIAL = ("N'DIAYE Éloïse", "DIALLO Aminata", "LÉGER Zoé")
ARCHIVED = (5, 6, 7)  # indexes of PERSONNE005..007: archived, so listed last
NAMES = [f"PERSONNE{i:03d} {FIRST[i % 4]}" for i in range(1000 - len(SPECIAL))] + list(SPECIAL)
ROW = re.compile(r'<th scope="row"><a href="/c/([0-9a-f]+)/">([^<]*)</a>')


def test_fold_and_match_ignore_case_accents_apostrophes_and_word_order():
    assert fold("Éloïse N'DIAYE-SOW") == "eloise ndiaye sow"
    assert matches("ndiaye ELOISE", "N’DIAYE Éloïse")
    assert matches("n'diaye", "N'DIAYE Éloïse") and not matches("diaye sow", "N'DIAYE Éloïse")
    assert matches("3f2a", "DIALLO Aminata", "00ab3f2a99")
    shown = page_of(list(range(101)), 9)
    assert (shown.rows, shown.number, shown.pages, shown.total) == ([100], 3, 3, 101)
    assert page_of([], 2).pages == 1 and page_of(list(range(50)), 1).pages == 1


def _volunteer(store, cost, login: str = "marie") -> accounts.User:
    token = accounts.invite(store, "Marie Bénévole", "volunteer", False, None)
    user = accounts.accept_invitation(store, token, login, PASSWORD, cost)
    assert user is not None
    return user


def _seed(store, user, names=NAMES) -> dict[str, str]:
    """name -> case id, each case opened by ``user`` as « Ouvrir un nouveau dossier »
    does in the database (the list reads no case folder)."""
    ids = {name: caseindex.create_case(store, user, name)[0] for name in names}
    for index in ARCHIVED:
        if index < len(names):
            caseindex.set_archived(store, ids[names[index]], True)
    return ids


def _expected(names) -> list[str]:
    """The list's order: current cases by name, then archived ones by name."""
    archived = {names[i] for i in ARCHIVED if i < len(names)}
    return sorted(names, key=lambda n: (n in archived, n.lower()))


def _client_of(server, login: str = "marie"):
    from .server_helpers import login as sign_in

    client = server.client()
    assert sign_in(client, login).status_code == 303
    return client


def test_search_and_pages_through_the_test_client(tmp_path):
    server = make_server(tmp_path)
    names = NAMES[:120] + list(SPECIAL)
    user = _volunteer(server.store, server.config.argon2)
    ids = _seed(server.store, user, names)
    client = _client_of(server)
    expected = _expected(names)

    def listed(url: str) -> tuple[list[str], str]:
        html = client.get(url).get_data(as_text=True)
        status = re.search(r'<p role="status">(.*?)</p>', html, re.S).group(1)
        return [m.group(2).replace("&#39;", "'") for m in ROW.finditer(html)], status

    first, status = listed("/")
    assert status == "123 dossiers — page 1 sur 3." and first == expected[:50]
    third, status = listed("/?page=3")
    assert status == "123 dossiers — page 3 sur 3." and third == expected[100:]
    assert third[-3:] == ["PERSONNE005 Amadou", "PERSONNE006 Fatoumata", "PERSONNE007 Hélène"]
    assert listed("/?page=99")[1] == "123 dossiers — page 3 sur 3."  # the nearest page
    assert listed("/?page=abc")[0] == first

    found, status = listed("/?q=ndiaye+ELOISE")
    assert found == ["N'DIAYE Éloïse"] and status == "1 dossier trouvé."
    found, status = listed("/?q=helene")
    assert status == "30 dossiers trouvés." and all(n.endswith("Hélène") for n in found)
    assert len(found) == 30 == sum(1 for n in names if n.endswith("Hélène"))
    case_id = ids["LÉGER Zoé"]
    assert listed(f"/?q={case_id[:10]}")[0] == ["LÉGER Zoé"]  # the case's reference
    nothing, status = listed("/?q=Dupont")
    assert nothing == [] and status == "0 dossier trouvé."
    assert "Aucun dossier ne correspond à cette recherche." in client.get("/?q=Dupont").text

    others = _volunteer(server.store, server.config.argon2, "paul")  # sees only their own
    _seed(server.store, others, ["DIALLO Oumar"])
    assert listed("/?q=diallo")[0] == ["DIALLO Aminata"]


# --- in the browser -------------------------------------------------------------------------


browser_only = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium is installed by .ci/run"
)


@pytest.fixture(scope="module")
def thousand(tmp_path_factory):
    """A running server (waitress, as ``rdvletters serve``) holding 1,000 cases of Marie."""
    folder = tmp_path_factory.mktemp("caselist")
    port = free_port()
    path = folder / "rdvletters.toml"
    path.write_text(
        f"""
[server]
data_dir = "data"
public_url = "http://127.0.0.1:{port}"
port = {port}

[security]
argon2_memory_kib = 8192
argon2_time_cost = 1
""",
        encoding="utf-8",
    )
    config = load_config(path)
    set_up(config, "Awa Responsable")
    running = start(config)
    threading.Thread(target=running.serve, daemon=True).start()
    store = running.app.extensions["rdv_server"].store
    try:
        ids = _seed(store, _volunteer(store, config.argon2))
        yield config.public_url, ids
    finally:
        running.close()


def _check(page) -> None:
    """axe-core: no violation on the page as it is."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    found = [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
    ]
    assert not found, f"{page.url}: {found}"


def _signed_in(chromium, base: str, width: int):
    context = chromium.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/connexion")
    page.get_by_label("Identifiant").fill("marie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/")
    return context, page


def _names(page) -> list[str]:
    return page.locator("table.cases tbody th[scope=row] a").all_inner_texts()


def _status(page) -> str:
    return " ".join(page.get_by_role("status").inner_text().split())


@browser_only
@pytest.mark.parametrize("width", [1280, 360])
def test_a_thousand_cases_searched_and_paged_in_the_browser(thousand, browser, width):  # noqa: F811
    base, ids = thousand
    expected = _expected(NAMES)
    context, page = _signed_in(browser, base, width)
    try:
        assert _status(page) == "1000 dossiers — page 1 sur 20."
        assert _names(page) == expected[:50]
        _check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        page.get_by_role("link", name="Page suivante").first.click()
        page.wait_for_url(f"{base}/?page=2")
        assert _status(page) == "1000 dossiers — page 2 sur 20."
        assert _names(page) == expected[50:100]
        assert page.get_by_role("navigation", name="Pages").inner_text().count("page 2 sur 20")
        _check(page)

        page.get_by_role("searchbox", name="Chercher").fill("HELENE")
        page.get_by_role("button", name="Chercher").click()
        page.wait_for_url(f"{base}/?q=HELENE")
        helene = [n for n in expected if n.endswith("Hélène")]
        pages = -(-len(helene) // 50)
        assert len(helene) == 249 and pages == 5
        assert _status(page) == f"{len(helene)} dossiers trouvés — page 1 sur {pages}."
        page.get_by_role("link", name="Page suivante").first.click()
        page.wait_for_url(f"{base}/?q=HELENE&page=2")  # the search is kept
        assert _status(page) == f"{len(helene)} dossiers trouvés — page 2 sur {pages}."
        assert _names(page) == helene[50:100]
        assert page.get_by_role("searchbox", name="Chercher").input_value() == "HELENE"
        _check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        page.get_by_role("searchbox", name="Chercher").fill("ndiaye eloise")
        page.get_by_role("button", name="Chercher").click()
        assert _status(page) == "1 dossier trouvé."
        assert _names(page) == ["N'DIAYE Éloïse"]
        assert page.get_by_role("navigation", name="Pages").count() == 0
        page.get_by_role("link", name="N'DIAYE Éloïse").click()
        page.wait_for_url(re.compile(rf".*/c/{ids[SPECIAL[0]]}/.*"))
    finally:
        context.close()


@browser_only
def test_the_figures_in_english(thousand, browser):  # noqa: F811
    base, ids = thousand
    context, page = _signed_in(browser, base, 1280)
    try:
        page.get_by_role("link", name="English").click()
        page.wait_for_url(f"{base}/")
        assert _status(page) == "1000 cases — page 1 of 20."
        zoe = [n for n in NAMES if fold(n).endswith("zoe")]
        assert len(zoe) == 251  # « Zoé » 250 times, and LÉGER Zoé
        page.get_by_role("searchbox", name="Search").fill("zoe")
        page.get_by_role("button", name="Search").click()
        assert _status(page) == "251 cases found — page 1 of 6."
        page.get_by_role("link", name="Next page").first.click()
        assert _status(page) == "251 cases found — page 2 of 6."
        assert page.get_by_text(f"reference {ids['LÉGER Zoé']}").count() == 0  # not on page 2
        _check(page)
    finally:
        context.close()
