"""The caseload's rows computed ahead: seven days and every language at once, from one
reading of each case, and before the first page asks (``caseprep.Preparation``, as
``rdvletters web --cases`` starts). Each row must be the one ``status`` computes for that
day, in that language; a page must never show rows of another day, language or state."""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from datetime import timedelta

import pytest

from rdvletters import caseload, caseprep, i18n
from rdvletters.case import Case
from rdvletters.court.status import compute_status
from rdvletters.documents.pipeline import prepare
from rdvletters.errors import RdvError
from rdvletters.facts import Facts
from rdvletters.frdates import now_paris
from rdvletters.overview import CaseSummary, next_kind, summarize_days
from rdvletters.profile_edit import update_profile

from .test_caseload import permanence  # noqa: F401 - the three-case fixture


def _from_status(case: Case, when) -> CaseSummary | None:
    """The row as the list first made it: ``compute_status`` in full for that day."""
    try:
        profile = case.load().profile
        facts = Facts.from_journal(case.journal.read())
    except RdvError:
        return None
    status = compute_status(profile, facts, when, case.root)
    return CaseSummary(
        name=profile.demandeur.nom_complet,
        route=profile.situation,
        first_attempt=status.first_attempt,
        weeks_with_proof=status.weeks_with_proof,
        days_since_last_attempt=status.days_since_last,
        next_step=status.next_step.text,
        days_until_expiry=status.days_until_expiry,
        birth_date=profile.demandeur.date_naissance,
        prefecture=profile.prefecture.nom,
        next_kind=next_kind(status.next_step.command),
    )


@pytest.fixture
def varied(tmp_path):
    """Cases whose next step moves with the date: both routes, a renewal about to
    expire, another long expired, letters and e-mails prepared, a case just opened."""
    root = tmp_path / "varied"
    Case(root / "rdv").init(example="rdv")
    Case(root / "anef").init(example="anef")
    for name, days in (("soon", 12), ("expired", -40)):
        case = Case(root / name)
        case.init(example="rdv")
        expiry = (now_paris() + timedelta(days=days)).date().isoformat()
        update_profile(
            case.profile_path,
            {
                ("demande", "nature"): "renouvellement",
                ("demande", "titre_actuel_expire_le"): expiry,
            },
        )
    letters = Case(root / "letters")
    letters.init(example="rdv")
    prepare(letters, "lettre", "text")
    prepare(letters, "courriel", "text")
    Case(root / "new").init()
    return root


@pytest.mark.parametrize("shift", [0, 45, 130])
def test_each_day_and_language_is_the_row_status_computes(varied, shift):
    start = now_paris() + timedelta(days=shift)
    steps = set()
    for folder in sorted(varied.iterdir()):
        case = Case(folder)
        rows = summarize_days(case, start, caseload.AHEAD, ["fr", "en"])
        assert set(rows) == {"fr", "en"}
        for lang in ("fr", "en"):
            for day, row in enumerate(rows[lang]):
                with i18n.using(lang):
                    expected = _from_status(case, start + timedelta(days=day))
                if expected is None:  # a profile to complete: said as an error, not figures
                    assert row.problem and row.next_kind == "profile", (folder.name, row)
                    continue
                assert row == expected, (folder.name, lang, day)
                steps.add(row.next_step)
    assert len(steps) >= 4  # at least two different steps, in each language


def test_another_language_reads_no_case_again(permanence, monkeypatch):  # noqa: F811
    calls = _counting(monkeypatch)
    cases = {p.name: p for p in sorted(permanence.iterdir())}
    now = now_paris()
    french = caseload.summaries(permanence, cases, now, "fr")
    assert len(calls) == 3
    calls.clear()
    english = caseload.summaries(permanence, cases, now, "en")
    assert calls == []  # the English rows were made with the French ones
    with i18n.using("en"):
        assert [(c, s) for c, s, _ in english] == [
            (c, summarize_days(Case(p), now, 1)["en"][0]) for c, p in cases.items()
        ]
    assert [s.next_step for _, s, _ in english] != [s.next_step for _, s, _ in french]
    later = now + timedelta(days=2)
    caseload._MEMOS.clear()  # a new process: from the file alone
    assert caseload.summaries(permanence, cases, later, "en") == [
        (c, summarize_days(Case(p), later, 1, ["en"])["en"][0], False) for c, p in cases.items()
    ]
    assert calls == []


def _counting(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = caseload.summarize_days

    def counting(case, *args):
        calls.append(case.root.name)
        return real(case, *args)

    monkeypatch.setattr(caseload, "summarize_days", counting)
    return calls


def _from_scratch(root, cases, now, lang):
    caseload._MEMOS.clear()
    caseload.cache_file(root).unlink(missing_ok=True)
    return caseload.summaries(root, cases, now, lang)


@pytest.mark.parametrize("pool", [False, True])
def test_the_preparation_makes_what_the_page_would(varied, monkeypatch, pool):
    """In the thread, or in worker processes (``spawn``), today's rows first, then the
    week's: the pages then read no case, and show what a page computed from scratch
    shows, in both languages, today and the next days."""
    monkeypatch.setattr(caseprep, "SMALL", 2)  # six cases: two passes
    week = threading.Event()
    if pool:
        monkeypatch.setattr(caseprep, "POOL_FROM", 2)
        monkeypatch.setattr(caseprep, "CHUNK", 2)
    else:  # the week's pass held until today's list is checked
        real = caseload.entry_for

        def held(*args):
            if args[-1] == caseload.AHEAD:
                week.wait(60)
            return real(*args)

        monkeypatch.setattr(caseload, "entry_for", held)
    cases = {p.name: str(p) for p in sorted(varied.iterdir())}
    preparation = caseprep.Preparation(varied, lambda: cases, "fr", workers=2 if pool else 1)
    calls = _counting(monkeypatch)
    preparation.start()
    while not preparation.listed:  # the pool's start is long enough to be waited for
        preparation._listed.wait(1)
    assert preparation.settle() and preparation.total == preparation.done == len(cases) == 6
    assert (calls == []) is pool  # in worker processes, not in this one
    calls.clear()
    now = now_paris()
    shown = {lang: caseload.summaries(varied, cases, now, lang) for lang in ("fr", "en")}
    assert calls == []  # the first page reads no case, in either language
    week.set()
    preparation._finished.wait(60)
    assert preparation.finished
    calls.clear()  # the week's pass, in this thread when there is no pool
    later = now + timedelta(days=3)
    shown_later = caseload.summaries(varied, cases, later, "en")
    assert calls == []  # the week's rows were stored too
    for lang in ("fr", "en"):
        assert shown[lang] == _from_scratch(varied, cases, now, lang)
    assert shown_later == _from_scratch(varied, cases, later, "en")
    assert caseload.cache_file(varied).stat().st_mode & 0o777 == 0o600
    for child in multiprocessing.active_children():  # the pool's processes end with it
        child.join(30)
        assert not child.is_alive()


def test_a_case_changed_during_the_preparation_is_read_again(varied, monkeypatch):
    """The fingerprint is taken before the case is read: a case changed meanwhile is not
    kept under its new state's fingerprint with its old rows."""
    cases = {p.name: str(p) for p in sorted(varied.iterdir())}
    real = caseload.entry_for

    def changing(folder, mark, now, *rest):
        if folder.endswith("anef"):  # changed after its fingerprint was taken
            Case(varied / "anef").record("anef", now, "Erreur technique", [])
        return real(folder, mark, now, *rest)

    monkeypatch.setattr(caseload, "entry_for", changing)
    preparation = caseprep.Preparation(varied, lambda: cases, "fr", workers=1).start()
    assert preparation.settle()
    monkeypatch.setattr(caseload, "entry_for", real)
    calls = _counting(monkeypatch)
    now = now_paris()
    rows = caseload.summaries(varied, cases, now, "fr")
    assert calls == ["anef"]
    assert rows == _from_scratch(varied, cases, now, "fr")
    assert dict((c, s) for c, s, _ in rows)["anef"].days_since_last_attempt == 0


def held_after(monkeypatch, read: int) -> threading.Event:
    """Hold the preparation after ``read`` cases until the returned event is set."""
    gate = threading.Event()
    real = caseload.entry_for
    seen = []

    def held(*args):
        seen.append(args[0])
        if len(seen) > read:
            gate.wait(60)
        return real(*args)

    monkeypatch.setattr(caseload, "entry_for", held)
    return gate


def test_a_long_preparation_is_not_waited_for_and_a_short_one_is(varied, monkeypatch):
    gate = held_after(monkeypatch, 2)
    monkeypatch.setattr(caseprep, "SMALL", 3)  # six cases to read: « long »
    cases = {p.name: str(p) for p in sorted(varied.iterdir())}
    preparation = caseprep.Preparation(varied, lambda: cases, "fr", workers=1).start()
    assert preparation.settle() is False
    assert (preparation.total, preparation.work) == (6, 6)
    assert preparation.done <= 2
    gate.set()
    preparation._finished.wait(30)
    assert preparation.settle() is True and preparation.done == 6
    again = caseprep.Preparation(varied, lambda: cases, "fr", workers=1).start()
    assert again.settle() is True and again.work == 0  # all current: nothing to wait for


def test_a_stopped_preparation_writes_nothing(varied, monkeypatch):
    cases = {p.name: str(p) for p in sorted(varied.iterdir())}
    preparation = caseprep.Preparation(varied, lambda: cases, "fr", workers=1)
    real = caseload.entry_for

    def stop_at_once(*args):
        preparation.close()
        return real(*args)

    monkeypatch.setattr(caseload, "entry_for", stop_at_once)
    preparation.start()._finished.wait(30)
    assert preparation.finished and preparation.done < 6
    assert not caseload.cache_file(varied).exists()


def _threads_reading(monkeypatch) -> list[str]:
    """The name of the thread that reads each case summarised from now on."""
    threads: list[str] = []
    real = caseload.summarize_days

    def noted(*args):
        threads.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(caseload, "summarize_days", noted)
    return threads


def test_the_first_page_of_each_new_day_renews_the_preparation(varied, monkeypatch):
    """``rdvletters web`` left running for weeks: the first page of each later day starts
    a new preparation. While the week's rows last it has nothing to read; the day they
    run out, every case is read by the preparation, in the background, not by the page."""
    from .test_web import make_client

    cases = {p.name: str(p) for p in sorted(varied.iterdir())}
    app, client = make_client(varied, many=True)
    first = caseprep.Preparation(varied, lambda: cases, "fr", workers=1).start()
    first._finished.wait(30)
    app.config["RDV_PREPARATION"] = first
    threads = _threads_reading(monkeypatch)
    assert client.get("/").status_code == 200
    assert app.config["RDV_PREPARATION"] is first and threads == []  # the same day
    started = now_paris()
    monkeypatch.setenv("RDVLETTERS_NOW", (started + timedelta(days=1)).isoformat())
    page = client.get("/").get_data(as_text=True)
    next_day = app.config["RDV_PREPARATION"]
    assert next_day is not first and next_day.work == 0 and threads == []  # made ahead
    assert "DIALLO" in page
    later = started + timedelta(days=caseload.AHEAD)
    monkeypatch.setenv("RDVLETTERS_NOW", later.isoformat())
    page = client.get("/").get_data(as_text=True)
    renewed = app.config["RDV_PREPARATION"]
    assert renewed is not next_day and renewed.work == len(cases) == 6
    assert "DIALLO" in page  # six cases: a short reading, waited for, then the list
    renewed._finished.wait(30)
    assert threads and set(threads) == {"caseload-preparation"}  # never the page's own
    assert caseload.summaries(varied, cases, now_paris(), "fr") == _from_scratch(
        varied, cases, now_paris(), "fr"
    )


def test_a_page_answered_while_the_app_stops_leaves_no_preparation_running(varied, monkeypatch):
    """Ctrl+C as the first page of a new day is being answered: that page may renew the
    preparation, and the one it leaves is stopped with the app, never left reading."""
    import http.cookiejar
    import urllib.request

    from rdvletters.web import pages, server
    from rdvletters.web.cases import Registry

    running = server.start(Registry(varied, True))
    threading.Thread(target=running.serve, daemon=True).start()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    assert opener.open(running.url, timeout=60).status == 200
    running.app.config["RDV_PREPARATION"]._finished.wait(30)
    later = now_paris() + timedelta(days=caseload.AHEAD)
    monkeypatch.setenv("RDVLETTERS_NOW", later.isoformat())
    real_registry, entered, stopping = pages.registry, threading.Event(), threading.Event()

    def registry_once_stopping():  # the page goes on once the app has begun to stop
        entered.set()
        stopping.wait(30)
        return real_registry()

    def ask() -> None:
        with contextlib.suppress(OSError):  # the answer may be cut by the stop
            opener.open(running.url.split("?")[0], timeout=60).read()

    monkeypatch.setattr(pages, "registry", registry_once_stopping)
    page = threading.Thread(target=ask)
    page.start()
    assert entered.wait(30)  # the page is being answered
    close_all = running.loop._close_all

    def stopping_now() -> None:  # the server is told to stop: the page goes on
        stopping.set()
        close_all()

    monkeypatch.setattr(running.loop, "_close_all", stopping_now)
    running.close()
    page.join(60)
    left = running.app.config["RDV_PREPARATION"]
    assert left.finished and left._stopping
    assert not [t for t in threading.enumerate() if t.name == "caseload-preparation"]


def test_a_preparation_still_reading_is_not_renewed(varied, monkeypatch):
    """A reading that runs past midnight is not doubled by the first page of the new day:
    that page waits for it; the page after it ends starts the new day's."""
    cases = {p.name: str(p) for p in sorted(varied.iterdir())}
    release = threading.Event()

    def folders():
        release.wait(30)
        return cases

    reading = caseprep.Preparation(varied, folders, "fr", workers=1).start()
    tomorrow = now_paris() + timedelta(days=1)
    monkeypatch.setenv("RDVLETTERS_NOW", tomorrow.isoformat())
    assert reading.renewed(tomorrow) is reading  # still reading: the same one
    release.set()
    reading._finished.wait(30)
    renewed = reading.renewed(tomorrow)
    assert renewed is not reading and renewed.day == tomorrow.date()
    renewed.close()
