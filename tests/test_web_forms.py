"""Forms that never lose work or hide an error (Flask's test client): the error summary
and its links, « Erreur : » titles, fields marked; what was typed and the files sent kept
after a refusal; no command-line word in a page; no answer chosen for the person."""

from __future__ import annotations

import html
import re
import stat
import time
from datetime import datetime
from html.parser import HTMLParser

import pytest

from rdvletters.case import Case
from rdvletters.web import pending

from .conftest import journal_lines
from .test_web import PNG, csrf, make_client, upload, when


@pytest.fixture
def client(case):
    return make_client(case)[1]


class _Form(HTMLParser):
    """The fields of a page's POST form as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._area: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post":
            self._in_form = True
        if not self._in_form or "name" not in a or "disabled" in a:
            return
        if tag == "input" and a.get("type") in ("radio", "checkbox"):
            if "checked" in a:
                self.data[a["name"]] = a.get("value", "on")
        elif tag == "input" and a.get("type") != "file":
            self.data[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._area = a["name"]
            self.data[self._area] = ""

    def handle_data(self, data):
        if self._area:
            self.data[self._area] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._area = None
        if tag == "form":
            self._in_form = False


def form_data(page: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(page)
    return {k: v.lstrip("\n") for k, v in parser.data.items()}


def _main(page: str) -> str:
    return page.split('<main id="main">', 1)[1]


def test_a_refused_record_keeps_the_text_and_the_file_then_records_both(client, case):
    before = journal_lines(case)
    data = {
        "csrf": csrf(client, "/c/cas/record"),
        **when("2026-02-31", "10:00"),  # no such day
        "channel": "web",
        "message": "Aucun créneau disponible",
        "proofs": [upload(PNG, "capture du 27.png")],
    }
    refused = client.post("/c/cas/record", data=data, content_type="multipart/form-data")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "<title>Erreur : Noter une démarche" in page
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert 'href="#f-date-day"' in summary and "ce jour n&#39;existe pas" in summary
    assert 'id="f-date-day-error"' in page and 'aria-invalid="true"' in page
    assert "Aucun créneau disponible" in page  # the text typed
    assert "capture du 27.png" in page and 'name="keep" value="0" checked' in page
    ref = re.search(r'name="pending" value="([^"]+)"', page).group(1)
    area = case / pending.AREA
    assert stat.S_IMODE(area.stat().st_mode) == 0o700
    (kept,) = [p for p in (area / ref).iterdir() if p.suffix == ".png"]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert journal_lines(case) == before

    again = client.post(
        "/c/cas/record",
        data={**data, **when("2026-11-27", "10:00"), "pending": ref, "keep": "0", "proofs": []},
        content_type="multipart/form-data",
    )
    assert again.status_code == 303
    entry = journal_lines(case)[-1]
    assert entry["description"] == "Aucun créneau disponible"
    assert entry["pieces"][0]["original"] == "capture du 27.png"
    assert (case / entry["pieces"][0]["fichier"]).read_bytes() == PNG
    assert not area.exists()  # the waiting copy is gone once recorded


def test_a_bad_upload_is_named_and_the_good_one_is_kept(client, case):
    data = {
        "csrf": csrf(client, "/c/cas/record"),
        **when("2026-11-27", "10:00"),
        "channel": "web",
        "proofs": [upload(PNG, "bonne.png"), upload(b"<html>", "mauvaise.png")],
    }
    page = client.post("/c/cas/record", data=data, content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'href="#f-proofs"' in text and "mauvaise.png" in text
    assert 'name="keep" value="0" checked> bonne.png' in text


def test_kept_files_expire_and_a_reference_is_never_a_path(case):
    ref = pending.keep(case, "", [(".png", "a.png", PNG)])
    assert pending.kept(case, ref)[0].name == "a.png"
    assert pending.kept(case, "../../etc") == [] and pending.kept(case, "x" * 30) == []
    pending.purge(case, now=time.time() + pending.LIFETIME - 60)
    assert pending.kept(case, ref) != []  # still waiting
    pending.purge(case, now=time.time() + pending.LIFETIME + 1)
    assert pending.kept(case, ref) == []


def test_the_new_case_form_keeps_the_name_typed(tmp_path):
    root = tmp_path / "permanence"
    root.mkdir()
    _, client = make_client(root, many=True)
    response = client.post(
        "/nouveau", data={"csrf": csrf(client, "/"), "nom": "Koné", "prenom": ""}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Erreur : Dossiers" in page
    assert 'value="Koné"' in page and 'href="#prenom"' in page
    assert list(root.iterdir()) == []


def _prepare(client, kind="lettre", fmt="text"):
    token = csrf(client, "/c/cas/documents")
    client.post("/c/cas/documents/prepare", data={"csrf": token, "kind": kind, "format": fmt})
    return token


def test_a_bad_tracking_number_keeps_the_sent_form_open_with_the_number(client, case):
    token = _prepare(client)
    prepared = journal_lines(case)[-1]
    n, at = prepared["n"], datetime.fromisoformat(prepared["date"])  # never before it
    response = client.post(
        f"/c/cas/documents/{n}/sent",
        data={
            "csrf": token,
            **when(f"{at:%Y-%m-%d}", f"{at:%H:%M}", f"sd-{n}"),
            "tracking": "1A 12",
        },
        content_type="multipart/form-data",
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert f'href="#tr-{n}"' in page and "Numéro de suivi La Poste « 1A 12 »" in page
    assert "--tracking" not in page
    doc = re.search(rf'<li class="doc card" id="doc-{n}">.*?</li>', page, re.S).group(0)
    assert "<details open>" in doc and 'value="1A 12"' in doc
    assert journal_lines(case)[-1]["n"] == n  # nothing recorded


COMMAND_WORDS = re.compile(r"--[a-z]|\brdvletters (?:record|sent|email|letter|bundle|init)\b")
PROFILE_KEYS = re.compile(r"\b(?:demandeur|demande|prefecture|defenseur|seuils)\.[a-z_]+")


def _visible(page: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", "", _main(page), flags=re.S)
    body = re.sub(r'\s(?:href|id|name|for|aria-[a-z]+|data-[a-z-]+|value|action)="[^"]*"', "", body)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_command_line_word_nor_profile_key_in_any_page(tmp_path, run, lang):
    """Status (the example at several stages), the profile, its check, the documents:
    every message names the form's field, never an option or a key of profil.yaml."""
    Case(tmp_path / "aminata").init(example="rdv")
    Case(tmp_path / "kofi").init(example="anef")
    Case(tmp_path / "nouveau").init()
    # a case with what status reports as missing: no e-mail copy, a CCC ticket without number
    assert run("-C", tmp_path / "kofi", "record", "ccc", "-m", "appel").exit_code == 0
    _, client = make_client(tmp_path, many=True)
    client.get(f"/langue/{lang}")
    _prepare_in = csrf(client, "/c/aminata/documents")
    client.post(
        "/c/aminata/documents/prepare",
        data={"csrf": _prepare_in, "kind": "courriel", "format": "text"},
    )
    pages = [
        "/",
        "/c/aminata/status",
        "/c/kofi/status",
        "/c/aminata/documents",
        "/c/aminata/profile/verifier",
        "/c/nouveau/profile/verifier",
        "/c/nouveau/profile/demande?checked=1",
        "/c/nouveau/status",
        "/c/aminata/entry/3/correct",
        "/c/aminata/dossier",
    ]
    for url in pages:
        text = _visible(client.get(url).get_data(as_text=True))
        assert not COMMAND_WORDS.findall(text), (url, COMMAND_WORDS.findall(text))
        assert not PROFILE_KEYS.findall(text), (url, PROFILE_KEYS.findall(text))


def test_a_profile_key_in_a_message_becomes_the_question_linked_to_its_field(tmp_path):
    from rdvletters.profile_edit import update_profile

    folder = tmp_path / "aminata"
    Case(folder).init(example="rdv")
    update_profile(folder / "profil.yaml", {("demande", "dossier_complet"): "non"})
    _, client = make_client(folder)
    page = client.get("/c/cas/status").get_data(as_text=True)
    link = '« <a href="/c/cas/profile/demande#f-demande.dossier_complet">Avez-vous toutes les pièces demandées ?</a> »'
    assert link in page


def test_nothing_is_answered_for_the_person(tmp_path):
    """« Avez-vous toutes les pièces demandées ? », the route and the nature have no default
    (the template neither): an unanswered question is never a claim in a letter."""
    folder = tmp_path / "n"
    Case(folder).init()
    text = (folder / "profil.yaml").read_text(encoding="utf-8")
    assert re.search(r"^situation:\s+#", text, re.M)
    assert re.search(r"^  nature:\s+#", text, re.M)
    assert re.search(r"^  dossier_complet:\s+#", text, re.M)
    _, client = make_client(folder)
    for section in ("situation", "demande"):
        page = client.get(f"/c/cas/profile/{section}").get_data(as_text=True)
        for name in ("situation", "demande.nature", "demande.dossier_complet"):
            assert not re.search(rf'name="{re.escape(name)}" value="[^"]+" checked', page), name


def test_badges_only_on_visited_steps_or_after_the_check(tmp_path):
    folder = tmp_path / "n"
    Case(folder).init()
    _, client = make_client(folder)
    first = client.get("/c/cas/profile/situation").get_data(as_text=True)
    assert first.count('class="badge"') == 1  # only the step being shown
    client.get("/c/cas/profile/demandeur")
    assert client.get("/c/cas/profile/demandeur").get_data(as_text=True).count('class="badge"') == 2
    check = client.get("/c/cas/profile/verifier").get_data(as_text=True)
    assert check.count('class="badge"') == 5  # every step with something to review


def test_check_your_answers_with_change_links_and_back_links(web_example):
    client = web_example
    page = html.unescape(client.get("/c/cas/profile/verifier").get_data(as_text=True))
    assert "Vérification de vos réponses" in page
    assert "<dt>Date de naissance</dt><dd>12 avr. 1990</dd>" in page
    assert 'href="/c/cas/profile/demandeur#f-demandeur.date_naissance-day">Modifier' in page
    assert "Date d'expiration de votre titre actuel" not in page  # a first application
    demande = client.get("/c/cas/profile/demande").get_data(as_text=True)
    assert '<a class="back" href="/c/cas/profile/demandeur">' in demande
    assert 'data-reveals="f-demande.titre_actuel_expire_le-wrap"' in demande
    assert 'type="date"' not in demande


@pytest.fixture
def web_example(case):
    return make_client(case)[1]


def test_an_urgency_fact_with_its_file_from_the_form(tmp_path, run):
    folder = tmp_path / "aminata"
    Case(folder).init(example="rdv")
    _, client = make_client(folder)
    page = client.get("/c/cas/profile/demande").get_data(as_text=True)
    data = form_data(page)  # what the browser sends: every field as shown
    new = sum(1 for k, v in data.items() if k.endswith("-fait") and v)
    data[f"urgence-{new}-fait"] = "Certificat médical du 2 novembre 2026"
    data[f"urgence-{new}-file"] = upload(b"%PDF-1.4\n%%EOF\n", "certificat.pdf")
    response = client.post("/c/cas/profile/demande", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    text = (folder / "profil.yaml").read_text(encoding="utf-8")
    assert "- fait: Certificat médical du 2 novembre 2026" in text
    stored = re.search(r"justificatif: (pieces/urgence_Certificat\S*\.pdf)", text).group(1)
    assert (folder / stored).read_bytes() == b"%PDF-1.4\n%%EOF\n"
    assert "justificatif: pieces/promesse_embauche.pdf" in text  # the other fact keeps its file
    assert run("-C", folder, "check").exit_code == 0
    status = run("-C", folder, "status").stdout
    assert "Certificat médical du 2 novembre 2026" in status
