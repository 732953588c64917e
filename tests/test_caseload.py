"""A volunteer's caseload (``web --cases DIR``): search by name, birth date, préfecture
or folder; filters; paging; homonyms told apart; the summary cache reused while a case
does not change and refreshed when it does; « new case » before the list."""

from __future__ import annotations

import html
import re

import pytest

from rdvletters import caseload
from rdvletters.case import Case
from rdvletters.profile_edit import update_profile

from .conftest import ROOT, installed_cli
from .test_web import make_client


def _person(root, folder, nom, prenom, born, prefecture="Préfecture de la Seine-Saint-Denis"):
    case = Case(root / folder)
    case.init(example="rdv")
    update_profile(
        case.profile_path,
        {
            ("demandeur", "nom"): nom,
            ("demandeur", "prenom"): prenom,
            ("demandeur", "date_naissance"): born,
            ("prefecture", "nom"): prefecture,
        },
    )
    return case


@pytest.fixture
def permanence(tmp_path):
    root = tmp_path / "permanence"
    root.mkdir()
    _person(root, "DIALLO_Aminata", "DIALLO", "Aminata", "1990-04-12")
    _person(root, "DIALLO_Aminata_2", "DIALLO", "Aminata", "1985-07-01", "Préfecture du Nord")
    Case(root / "KOFI").init(example="anef")
    return root


def _names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/c/([^/]+)/"', page)


def test_search_filters_and_homonyms(permanence):
    _, client = make_client(permanence, many=True)
    page = html.unescape(client.get("/").get_data(as_text=True))
    assert _names(page) == ["DIALLO_Aminata", "DIALLO_Aminata_2", "KOFI"]
    assert "né(e) le 12 avr. 1990 · dossier DIALLO_Aminata" in page
    assert "né(e) le 1 juil. 1985 · dossier DIALLO_Aminata_2" in page
    by_birth = client.get("/?q=12/04/1990").get_data(as_text=True)
    assert _names(by_birth) == ["DIALLO_Aminata"]
    assert _names(client.get("/?q=1985-07-01").get_data(as_text=True)) == ["DIALLO_Aminata_2"]
    assert _names(client.get("/?q=nord").get_data(as_text=True)) == ["DIALLO_Aminata_2"]
    assert _names(client.get("/?q=diallo+aminata").get_data(as_text=True))[:2] == [
        "DIALLO_Aminata",
        "DIALLO_Aminata_2",
    ]
    assert _names(client.get("/?route=anef").get_data(as_text=True)) == ["KOFI"]
    assert _names(client.get("/?soon=1").get_data(as_text=True)) == []  # Kofi's expiry is further
    none = html.unescape(client.get("/?q=personne").get_data(as_text=True))
    assert "Aucun dossier ne correspond à cette recherche." in none


def test_next_step_filter_uses_the_status_next_step(permanence, run):
    _, client = make_client(permanence, many=True)
    rows = caseload.summaries(
        permanence,
        {p.name: Case(p) for p in permanence.iterdir()},
        __import__("rdvletters.frdates", fromlist=["now_paris"]).now_paris(),
        "fr",
    )
    kinds = {cid: s.next_kind for cid, s, _a in rows}
    for kind in set(kinds.values()):
        listed = _names(client.get(f"/?next={kind}").get_data(as_text=True))
        assert listed == sorted(c for c, k in kinds.items() if k == kind), kind


def test_paging(tmp_path, monkeypatch):
    from rdvletters.web import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    root = tmp_path / "p"
    for i in range(5):
        Case(root / f"C{i}").init()
    _, client = make_client(root, many=True)
    first = client.get("/").get_data(as_text=True)
    assert _names(first) == ["C0", "C1"] and "page 1 sur 3" in first
    assert 'href="/?page=2" rel="next"' in first
    assert _names(client.get("/?page=3").get_data(as_text=True)) == ["C4"]
    assert _names(client.get("/?page=99").get_data(as_text=True)) == ["C4"]


def test_the_summary_cache_is_reused_until_the_case_changes(permanence, monkeypatch, run):
    calls = []
    real = caseload.summarize_days

    def counting(case, *args):
        calls.append(case.root.name)
        return real(case, *args)

    monkeypatch.setattr(caseload, "summarize_days", counting)
    _, client = make_client(permanence, many=True)
    client.get("/")
    assert sorted(calls) == ["DIALLO_Aminata", "DIALLO_Aminata_2", "KOFI"]
    calls.clear()
    client.get("/?q=diallo")
    assert calls == []  # nothing changed: nothing summarised again
    assert run("-C", permanence / "KOFI", "record", "anef", "-m", "erreur").exit_code == 0
    client.get("/")
    assert calls == ["KOFI"]
    cache = caseload.cache_file(permanence)
    assert cache.stat().st_mode & 0o777 == 0o600
    assert "Aminata" in cache.read_text(encoding="utf-8")  # what the list shows, no more
    assert "journal" not in cache.read_text(encoding="utf-8")


def test_new_case_comes_before_the_list_for_the_keyboard(permanence):
    _, client = make_client(permanence, many=True)
    page = client.get("/").get_data(as_text=True)
    assert page.index('id="nom"') < page.index('<table class="cases')


def test_web_cases_creates_the_folder_and_says_so(tmp_path):
    import signal
    import subprocess

    folder = tmp_path / "permanence"
    process = subprocess.Popen(
        [*installed_cli(), "web", "--cases", str(folder), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "token=" in line:
            break
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert any(f"Dossier de la permanence créé : {folder}" in line for line in lines), lines
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700


def test_the_readme_association_example_is_what_the_command_accepts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "rdvletters web --cases permanence/" in readme


def test_a_new_day_is_read_from_the_cache_with_that_days_figures(permanence, monkeypatch):
    from datetime import timedelta

    from rdvletters.frdates import now_paris
    from rdvletters.overview import summarize

    cases = {p.name: Case(p) for p in permanence.iterdir()}
    now = now_paris()
    calls = []
    real = caseload.summarize_days

    def counting(case, *args):
        calls.append(case.root.name)
        return real(case, *args)

    monkeypatch.setattr(caseload, "summarize_days", counting)
    caseload.summaries(permanence, cases, now, "fr")
    assert sorted(calls) == sorted(cases)
    seen = set()
    for day in range(1, caseload.AHEAD):
        calls.clear()
        later = now + timedelta(days=day)
        rows = caseload.summaries(permanence, cases, later, "fr")
        assert calls == []  # the first page of a new day reads no case again
        for case_id, summary, _archived in rows:
            assert summary == summarize(cases[case_id], later)  # the figures of that day
            seen.add(summary.days_since_last_attempt)
    assert len(seen) > 1  # the day counts did move from one day to the next
    calls.clear()
    caseload.summaries(permanence, cases, now + timedelta(days=caseload.AHEAD), "fr")
    assert sorted(calls) == sorted(cases)  # a week later, each case is read again
