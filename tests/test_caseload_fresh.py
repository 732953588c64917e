"""The caseload page keeps rows in memory between requests (``caseload._Memo``) on top of
its cache file: every figure it shows must still be the one computed from the journals
now. Each step changes a case the way a volunteer would (the CLI, the app's own pages, a
text editor, the next day, another language) and compares the page the running app
shows with the page computed from scratch (memory and cache file dropped)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from rdvletters import caseload
from rdvletters.frdates import now_paris
from rdvletters.overview import summarize
from rdvletters.profile_edit import update_profile

from .test_caseload import permanence  # noqa: F401 - the three-case fixture
from .test_web import csrf, make_client


def _shown(client, url: str = "/") -> str:
    """The list as the person reads it: the count line and the table, without tags."""
    page = client.get(url).get_data(as_text=True)
    start = page.index('<p role="status">')
    end = page.index("</table>", start) if "</table>" in page[start:] else len(page)
    text = re.sub(r"<[^>]+>", " ", page[start:end])
    return " ".join(html.unescape(text).split())


def _from_scratch(client, root, url: str = "/") -> str:
    """The same page with nothing kept: every row summarised from the journals again."""
    caseload._MEMOS.clear()
    caseload.cache_file(root).unlink(missing_ok=True)
    return _shown(client, url)


def _row(text: str, folder: str) -> str:
    """The words of one case's row (from its folder's name to the next folder)."""
    found = re.search(rf"dossier {folder} (.*?)(?= dossier [A-Z_0-9]+ |$)", text)
    assert found, (folder, text)
    return found.group(1)


def test_each_change_shows_at_once_and_the_same_as_from_scratch(permanence, run):  # noqa: F811
    _, client = make_client(permanence, many=True)
    before = _shown(client)
    assert before == _from_scratch(client, permanence)
    _shown(client)  # rows now kept in memory

    # an attempt recorded through the CLI
    assert run("-C", permanence / "KOFI", "record", "anef", "-m", "erreur").exit_code == 0
    after = _shown(client)
    assert _row(after, "KOFI") != _row(before, "KOFI")
    assert "il y a 0 jour" in _row(after, "KOFI")
    assert after == _from_scratch(client, permanence)

    # the profile edited in a text editor (same size: only the time and inode may say so)
    profile = permanence / "DIALLO_Aminata" / "profil.yaml"
    text = profile.read_text(encoding="utf-8")
    assert "Aminata" in text
    profile.write_text(text.replace("Aminata", "Aminatu"), encoding="utf-8")
    edited = _shown(client)
    assert "DIALLO Aminatu" in edited
    assert edited == _from_scratch(client, permanence)

    # the profile changed through the app's own form code
    update_profile(profile, {("demandeur", "prenom"): "Awa"})
    renamed = _shown(client)
    assert "DIALLO Awa" in renamed and "Aminatu" not in renamed
    assert renamed == _from_scratch(client, permanence)


def test_archiving_through_the_page_leaves_the_list_at_once(permanence):  # noqa: F811
    _, client = make_client(permanence, many=True)
    assert "KOFI" in _shown(client)
    _shown(client)
    page = client.get("/c/KOFI/dossier").get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]*/archive)"', page)
    assert form, "the case's page offers to archive it"
    answer = client.post(form.group(1), data={"csrf": csrf(client, "/c/KOFI/dossier")})
    assert answer.status_code in (200, 303)
    listed = _shown(client)
    assert "dossier KOFI" not in listed and "Voir le dossier archivé" in listed
    assert "dossier KOFI" in _shown(client, "/?archived=1")
    assert listed == _from_scratch(client, permanence)


def test_the_next_day_in_the_same_process_shows_that_days_figures(permanence, monkeypatch):  # noqa: F811
    _, client = make_client(permanence, many=True)
    today = _shown(client)
    _shown(client)
    later = now_paris() + timedelta(days=3)
    monkeypatch.setenv("RDVLETTERS_NOW", later.isoformat())
    shown = _shown(client)
    assert shown != today  # « il y a N jours » moved on
    from rdvletters.case import Case

    days = summarize(Case(permanence / "KOFI"), now_paris()).days_since_last_attempt
    assert f"il y a {days} jours" in _row(shown, "KOFI")
    assert shown == _from_scratch(client, permanence)


def test_another_language_is_not_served_from_the_first_ones_rows(permanence):  # noqa: F811
    _, client = make_client(permanence, many=True)
    french = _shown(client)
    assert "il y a" in french
    client.get("/langue/en?next=/")
    english = _shown(client)
    assert "il y a" not in english and "days ago" in english
    assert english == _from_scratch(client, permanence)


@pytest.mark.parametrize("drop", ["file", "folder"])
def test_a_cache_removed_by_someone_else_is_read_again(permanence, drop):  # noqa: F811
    """Another process (a second app on the same folder) may replace or remove the cache
    file: the rows kept in memory follow the file, not the other way round."""
    _, client = make_client(permanence, many=True)
    first = _shown(client)
    path = caseload.cache_file(permanence)
    if drop == "file":
        path.unlink()
    else:
        path.write_text(f'{{"schema": {caseload.SCHEMA}, "cases": {{}}}}', encoding="utf-8")
    assert _shown(client) == first
    assert path.exists() and "Aminata" in path.read_text(encoding="utf-8")


def test_a_new_run_serves_the_pages_compiled_by_the_last_one(
    permanence,  # noqa: F811
    isolated_home,
    monkeypatch,
):
    """The pages' templates are compiled once and kept (``documents.compiled``: here in the
    user's cache, 0700, files 0600, as Python is told not to write ``.pyc`` files); the next
    run's first page is the same page, with nothing compiled."""
    import stat
    import sys

    import jinja2

    from rdvletters import __version__

    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    _, client = make_client(permanence, many=True)
    first = _shown(client)
    cache = isolated_home / ".cache" / "rdvletters" / f"modeles-compiles-{__version__}"
    kept = sorted(cache.iterdir())
    assert len(kept) >= 3  # cases.html, base.html and the macros they import
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept)

    def refuse(*args, **kwargs):
        raise RuntimeError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", refuse)
    _, again = make_client(permanence, many=True)
    assert _shown(again) == first
