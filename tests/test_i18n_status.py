"""« Where do I stand » in the person's language; documents in French whatever it is.

The same case is read in French and in English: every sentence of ``status`` (text and
JSON), of the référé check and of the web page is in the active language, with the same
figures; the documents for the administration and the court come out byte for byte the
same whichever language the interface speaks.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from rdvletters import i18n
from rdvletters.case import Case
from rdvletters.court import readiness
from rdvletters.court.dossier.bundle import write_bundle
from rdvletters.court.requete import prepare_requete
from rdvletters.court.status import compute_status
from rdvletters.court.status_text import render_status
from rdvletters.documents.pipeline import prepare
from rdvletters.errors import RdvError
from rdvletters.evidence.proofs.verify import verify
from rdvletters.facts import Facts
from rdvletters.frdates import PARIS, date_courte, heure, jour, jour_complet
from rdvletters.localdates import day, day_month, short, time, weekday_day
from rdvletters.web.app import create_app
from rdvletters.web.cases import Registry

from .conftest import edit_profile, needs_pdf_tools

# Words of the French sentences of each rung, criterion, alert, next step and heading: none
# may be left in English output (the person's own notes are taken out before looking).
FRENCH = re.compile(
    r"démarche|semaine|justificatif|envoyé|avis de réception|courriel|Lettre recommandée"
    r"|Guichet|témoin|Site de rendez-vous|Dépôt sur|Centre de contact|Point d'accueil|essai"
    r"|capture|Difficulté|Urgence|renouvellement|Dossier de demande|facultatif|pas encore"
    r"|saisi\b|Saisissez|Cette semaine|Envoyez|Votre|votre|Échéance|ÉTAPES|À FAIRE|MANQUE"
    r"|SAVOIR|ATTENTION|repère|conseil des|Empreinte|jours?\b|lundi|mardi|mercredi|jeudi"
    r"|vendredi|samedi|dimanche|janvier|février|mars|avril|mai\b|juin|juillet|août"
    r"|septembre|octobre|novembre|décembre|\bdu\b|\bdont\b|\baucune?\b|\ble\b|\bla\b|\bau\b"
    r"|Ce n'est pas|permanence"
)
NOW = datetime(2026, 11, 27, 18, 0, tzinfo=PARIS)  # the Friday after the example's last step
DATES = [
    datetime(2026, 9, 20, 20, 0, tzinfo=PARIS),
    NOW,
    datetime(2026, 12, 20, 9, 0, tzinfo=PARIS),
    datetime(2027, 3, 1, 9, 0, tzinfo=PARIS),
]


def numbers(text: str) -> Counter:
    """Every figure of a text, wherever the language puts it."""
    return Counter(re.findall(r"\d+", text))


def values(data) -> list[str]:
    """The sentences of JSON data: its string values, not its keys nor its codes."""
    if isinstance(data, dict):
        codes = ("key", "canal", "type", "cle")  # identifiers, the same in every language
        return [v for k, d in data.items() if k not in codes for v in values(d)]
    if isinstance(data, list):
        return [v for d in data for v in values(d)]
    return [data] if isinstance(data, str) else []


def in_language(lang: str, function, *args):
    with i18n.using(lang):
        return function(*args)


def without_notes(text: str, case: Case) -> str:
    """The text without what the person wrote (urgency facts and what they change for the
    person), which stays as written."""
    for fact in case.load().profile.demande.urgence:
        text = text.replace(fact.fait, "").replace(fact.consequence or "\0", "")
    return text


def _more_steps(case: Case) -> Case:
    """Every rung and every missing piece has something to say."""
    case.record(
        "counter", datetime(2026, 11, 26, 10, 0, tzinfo=PARIS), "refus", witness="Jean MARTIN"
    )
    case.record("counter", datetime(2026, 11, 26, 11, 0, tzinfo=PARIS), "refus")
    case.record("ccc", datetime(2026, 11, 26, 12, 0, tzinfo=PARIS), "appel sans numéro")
    letter = prepare(case, "lettre", "text", now=datetime(2026, 11, 26, 13, 0, tzinfo=PARIS))
    case.record_sent(
        letter.entry.n, datetime(2026, 11, 26, 14, 0, tzinfo=PARIS), "1A 123 456 7890 1"
    )
    referral = prepare(case, "saisine", "text", now=datetime(2026, 11, 26, 15, 0, tzinfo=PARIS))
    case.record_sent(referral.entry.n, datetime(2026, 11, 26, 16, 0, tzinfo=PARIS))
    return case


@pytest.fixture(params=["rdv", "rdv_more", "rdv_oqtf", "anef", "anef_more"])
def any_case(request, case, anef_case):
    folder = anef_case if request.param.startswith("anef") else case
    if request.param == "rdv_oqtf":
        edit_profile(folder, ("oqtf: non", "oqtf: oui"))
    if request.param == "rdv_more":
        edit_profile(
            folder,
            ("dossier_complet: oui", "dossier_complet: non"),
            ("      justificatif: pieces/promesse_embauche.pdf\n", ""),
        )
    result = Case(folder)
    return _more_steps(result) if request.param.endswith("more") else result


def _status(case: Case, now: datetime):
    facts = Facts.from_journal(case.journal.read())
    return compute_status(case.load().profile, facts, now, case.root, verify(case))


def _status_text(case: Case, now: datetime) -> str:
    return render_status(_status(case, now), now.date())


def _check_text(case: Case, now: datetime) -> str:
    facts = Facts.from_journal(case.journal.read())
    return readiness.render(readiness.check(case.load().profile, facts, now.date(), case.root))


def test_status_text_speaks_english_with_the_figures_of_french(any_case):
    for now in DATES:
        french = in_language("fr", _status_text, any_case, now)
        english = in_language("en", _status_text, any_case, now)
        assert "OÙ EN ÊTES-VOUS ?" in french and "LES ÉTAPES" in french
        assert "WHERE DO YOU STAND?" in english and "THE STEPS" in english
        left = FRENCH.findall(without_notes(english, any_case))
        assert not left, (left, english)
        assert numbers(english) == numbers(french)
        assert len(english.splitlines()) == len(french.splitlines())


def test_status_json_sentences_in_english_facts_unchanged(any_case):
    french = in_language("fr", lambda: _status(any_case, NOW).to_dict())
    english = in_language("en", lambda: _status(any_case, NOW).to_dict())
    sentences = (
        "ladder", "next_step", "alerts", "missing", "notes", "recours", "channels", "verdict",
        "deadlines",
    )  # fmt: skip
    for key in french:
        if key not in sentences:
            assert english[key] == french[key], key
    for key in sentences:
        text_fr, text_en = " | ".join(values(french[key])), " | ".join(values(english[key]))
        assert numbers(text_en) == numbers(text_fr), key
        left = FRENCH.findall(without_notes(text_en, any_case))
        assert not left, (key, left)
    assert [r["done"] for r in english["ladder"]] == [r["done"] for r in french["ladder"]]
    assert english["next_step"]["command"].split()[:2] == french["next_step"]["command"].split()[:2]
    criteria = english["recours"]["criteres"]
    assert [c["met"] for c in criteria] == [c["met"] for c in french["recours"]["criteres"]]
    assert [c["key"] for c in criteria] == [c["key"] for c in french["recours"]["criteres"]]


def test_status_command_in_english_in_process(case, run, monkeypatch):
    """The real ``status`` command in English: the language active in the process, and the
    environment's (for a CLI that chooses it itself)."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    french_text = run("-C", case, "status").output
    french_json = run("-C", case, "status", "--json").output
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    with i18n.using("en"):
        english_text = run("-C", case, "status").output
        english_json = run("-C", case, "status", "--json").output
    assert "Site de rendez-vous, avec captures" in french_text
    assert "Appointment website, with screenshots" in english_text
    assert "Attempts with proof in several different weeks" in english_text
    assert not FRENCH.findall(without_notes(english_text, Case(case)))
    assert numbers(english_text) == numbers(french_text)
    data = json.loads(english_json)
    assert data["ladder"][0]["name"] == "Appointment website, with screenshots"
    assert data["attempts"] == json.loads(french_json)["attempts"] == 29


def test_readiness_check_speaks_english_with_the_same_figures(any_case):
    for now in DATES:
        french = in_language("fr", _check_text, any_case, now)
        english = in_language("en", _check_text, any_case, now)
        assert french.startswith("EST-CE LE MOMENT DE SAISIR LE JUGE DES RÉFÉRÉS ?")
        assert english.startswith("IS IT TIME TO GO TO THE URGENT-APPLICATIONS JUDGE")
        left = FRENCH.findall(without_notes(english.replace("JUGE DES RÉFÉRÉS", ""), any_case))
        assert not left, (left, english)
        assert numbers(english) == numbers(french)


def test_the_weeks_said_in_english_are_the_weeks_of_french(case):
    """One line per week in both languages, each with the same counts."""
    status_fr = in_language("fr", _status, Case(case), NOW)
    text_en = in_language(
        "en", render_status, in_language("en", _status, Case(case), NOW), NOW.date()
    )
    weeks = [line for line in text_en.splitlines() if line.startswith("  week of ")]
    assert len(weeks) == len(status_fr.weeks) == 11
    for line, week in zip(weeks, status_fr.weeks, strict=True):
        assert weekday_day_en(week["lundi"]) in line
        made, proven = week["demarches"], week["avec_justificatif"]
        assert f" {made} ({proven} with proof)" in line


def weekday_day_en(d: date) -> str:
    return in_language("en", weekday_day, d)


def test_local_dates_are_frdates_in_french_and_english_otherwise():
    start = date(2026, 1, 1)
    with i18n.using("fr"):
        for offset in range(0, 400, 3):
            d = start + timedelta(days=offset)
            moment = datetime(d.year, d.month, d.day, 9, 5, tzinfo=PARIS)
            assert day(d) == jour(d) and weekday_day(d) == jour_complet(d)
            assert short(d) == date_courte(d) and day_month(d) == f"{d:%d/%m}"
            assert time(moment) == heure(moment)
    with i18n.using("en"):
        assert day(date(2026, 12, 1)) == "1 December 2026"
        assert weekday_day(date(2026, 12, 1)) == "Tuesday 1 December 2026"
        assert time(datetime(2026, 12, 1, 9, 5, tzinfo=PARIS)) == "9:05"


def test_french_context_restores_the_language_even_on_error():
    with i18n.using("en"):
        with pytest.raises(ValueError), i18n.french():
            assert i18n.current() == "fr"
            raise ValueError
        assert i18n.current() == "en"

        @i18n.french()
        def inside() -> str:
            return i18n.gettext("Où en suis-je ?")

        assert inside() == "Où en suis-je ?" and i18n.gettext("Où en suis-je ?") != inside()


# --- documents stay French ---------------------------------------------------------------


def _copies(folder: Path, tmp_path: Path) -> tuple[Case, Case]:
    """Two identical copies of a case: one worked on in French, one in English."""
    import shutil

    out = []
    for lang in ("fr", "en"):
        target = tmp_path / f"copy-{lang}"
        shutil.copytree(folder, target)
        out.append(Case(target))
    return out[0], out[1]


def _prepare(case: Case, kind: str, fmt: str, now: datetime):
    """Any document as its command makes it (the requête through the court layer, with its
    notes: both are given, the requête first)."""
    if kind == "requete":
        return prepare_requete(case, fmt, now)
    return (prepare(case, kind, fmt, now),)


@pytest.mark.parametrize("kind", ["courriel", "lettre", "saisine", "requete"])
def test_documents_are_the_same_bytes_whatever_the_language(any_case, tmp_path, kind):
    french, english = _copies(any_case.root, tmp_path)
    now = datetime(2026, 12, 20, 9, 0, tzinfo=PARIS)
    made_fr = in_language("fr", _prepare, french, kind, "text", now)
    made_en = in_language("en", _prepare, english, kind, "text", now)
    for fr, en in zip(made_fr, made_en, strict=True):
        assert en.path.read_bytes() == fr.path.read_bytes()
    if kind == "requete":  # the notes repeat the référé check: French, not English
        page = made_fr[1].path.read_bytes().decode().replace("\u00a0", " ")
        assert "CE QUI N'EST PAS ENCORE RÉUNI" in page
        assert "Difficulté actuelle (dernière démarche il y a 7 jours au plus)" in page
        assert "Current difficulty" not in page and "latest attempt" not in page


def test_requete_docx_is_the_same_bytes_whatever_the_language(case, tmp_path):
    french, english = _copies(case, tmp_path)
    now = datetime(2026, 12, 20, 9, 0, tzinfo=PARIS)
    made_fr = in_language("fr", prepare_requete, french, "docx", now)
    made_en = in_language("en", prepare_requete, english, "docx", now)
    for fr, en in zip(made_fr, made_en, strict=True):  # the requête, then its notes
        assert en.path.read_bytes() == fr.path.read_bytes()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@needs_pdf_tools
def test_dossier_is_the_same_bytes_whatever_the_language(case, tmp_path):
    folder = _more_steps(Case(case)).root
    french, english = _copies(folder, tmp_path)
    now = datetime(2026, 12, 20, 9, 0, tzinfo=PARIS)
    in_language("fr", write_bundle, french, tmp_path / "dossier-fr", now)
    in_language("en", write_bundle, english, tmp_path / "dossier-en", now)
    files_fr, files_en = _tree(tmp_path / "dossier-fr"), _tree(tmp_path / "dossier-en")
    assert files_en == files_fr
    checklist = files_fr["Ne_pas_deposer/Liste_de_controle.txt"].decode()
    assert "LISTE DE CONTRÔLE" in checklist
    from docx import Document

    fiche = Document(str(tmp_path / "dossier-en" / "Ne_pas_deposer" / "Fiche_de_synthese.docx"))
    cells = [c.text for t in fiche.tables for row in t.rows for c in row.cells]
    verdict = cells[cells.index("Référé (repères)") + 1].replace("\u00a0", " ")
    assert verdict.startswith("manque : ") and "Lettre recommandée envoyée" in verdict


def test_errors_before_the_content_keep_the_persons_language(case, tmp_path):
    """The profile is read before the French content is built: its errors are English."""
    edit_profile(case, ("nature: premiere_demande", "nature: renouvellement"))
    with i18n.using("en"), pytest.raises(RdvError) as caught:
        prepare(Case(case), "lettre", "text", datetime(2026, 12, 20, 9, 0, tzinfo=PARIS))
    assert "for a renewal, give the expiry date" in str(caught.value)


# --- the web page ------------------------------------------------------------------------

TOKEN = "t" * 32


def _page(folder: Path, lang: str) -> str:
    app = create_app(Registry(folder, False), token=TOKEN, lang=lang)
    app.config["TESTING"] = True
    client = app.test_client()
    assert client.get(f"/?token={TOKEN}").status_code == 200
    html = client.get("/c/cas/status").get_data(as_text=True)
    return html.replace("&#39;", "'").replace("&#x27;", "'").replace("&#34;", '"')


def _visible(html: str) -> str:
    """The page's text, without what is marked French on purpose (lang="fr")."""
    html = re.sub(r"<(\w+)[^>]*lang=\"fr\"[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<title>.*?</title>|<desc.*?</desc>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def fixed_now(monkeypatch):
    """The web pages' clock, so that the page and the test count the same days."""
    from rdvletters.web import pages

    monkeypatch.setattr(pages, "now_paris", lambda: NOW)


@pytest.mark.parametrize("any_case", ["rdv_more", "anef"], indirect=True)
def test_web_status_page_in_english_and_in_french(any_case, fixed_now):
    html_en, html_fr = _page(any_case.root, "en"), _page(any_case.root, "fr")
    with i18n.using("en"):
        status = _status(any_case, NOW)
    for rung in status.ladder:
        assert f"<strong>{rung.name}</strong> — {rung.detail}" in html_en
    for criterion in status.recours["criteres"]:
        assert f"<strong>{criterion['name']}</strong> — {criterion['figure']}" in html_en
    assert f'<p class="next-step">{status.next_step.text}</p>' in html_en
    text = _visible(html_en.split("<main", 1)[1])
    legal = r"Défenseur des droits|préfecture|Conseil d'État|référé|point d'accueil numérique"
    left = FRENCH.findall(re.sub(legal, "", without_notes(text, any_case)))
    assert not left, left
    # one section for the référé, not two: the check, with the legal floor and the advice in it
    assert html_en.count("Is it time to go to the judge?") == 1
    assert "Towards an urgent court application" not in html_en
    assert "These are not rules of law" in html_en
    assert (
        "The minimum required by the Conseil d'État: attempts with proof in different weeks"
        in html_en
    )
    # French: the library's French sentences, unchanged
    with i18n.using("fr"):
        status_fr = _status(any_case, NOW)
    assert f'<p class="next-step">{status_fr.next_step.text}</p>' in html_fr
    for rung in status_fr.ladder:
        assert f"<strong>{rung.name}</strong> — {rung.detail}" in html_fr
    assert "Ce ne sont pas des règles de droit" in html_fr


def test_web_cases_list_next_step_in_english(case, tmp_path, fixed_now):
    root = tmp_path / "permanence"
    root.mkdir()
    import shutil

    shutil.copytree(case, root / "DIALLO_Aminata")
    app = create_app(Registry(root, True), token=TOKEN, lang="en")
    client = app.test_client()
    client.get(f"/?token={TOKEN}")
    html = client.get("/").get_data(as_text=True).replace("&#39;", "'")
    with i18n.using("en"):
        step = _status(Case(root / "DIALLO_Aminata"), NOW).next_step.text
    assert f'<td class="nextstep" data-label="Next step">{step}</td>' in html
    # the person's own words (an urgency fact « don't wait » names) stay as written
    profile = Case(root / "DIALLO_Aminata").load().profile
    for fact in profile.demande.urgence:
        step = step.replace(fact.fait, "")
    assert not FRENCH.findall(step)


def test_installed_status_in_english(case):
    """The installed command, its language from the environment (``LANG``)."""
    from .conftest import run_installed

    french = run_installed("-C", case, "status")
    english = run_installed("-C", case, "status", env={"LANG": "en_US.UTF-8"})
    assert english.returncode == 0 and "WHERE DO YOU STAND?" in english.stdout
    assert "Appointment website, with screenshots" in english.stdout
    assert not FRENCH.findall(without_notes(english.stdout, Case(case)))
    assert numbers(english.stdout) == numbers(french.stdout)
    assert "Site de rendez-vous, avec captures" in french.stdout
