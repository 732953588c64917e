"""One e-mail is one e-mail: the text and the .eml draft of the same week are one
document in two forms, marked sent once; status asks to mark a waiting draft sent; a
message meant for one page does not follow the person to another."""

from __future__ import annotations

import html
import re
from datetime import datetime

from rdvletters.case import Case
from rdvletters.delivery.eml import render_eml
from rdvletters.documents.pipeline import prepare
from rdvletters.prepared import document_groups

from .conftest import edit_profile, journal_lines
from .test_web import csrf, make_client, when


def test_text_and_eml_of_the_same_week_are_one_document_sent_once(case, run):
    c = Case(case)
    text = prepare(c, "courriel", "text").entry.n
    eml = prepare(c, "courriel", "eml", render=render_eml).entry.n  # delivery makes .eml
    (group,) = [g for g in document_groups(c.journal.read()) if g.n == text]
    assert group.numbers == (text, eml)
    assert run("-C", case, "sent", str(eml)).exit_code == 0
    again = run("-C", case, "sent", str(text))
    assert again.exit_code == 2
    assert f"le document n° {text} est le même document que le n° {eml}" in again.stderr
    sendings = [
        e for e in journal_lines(case) if e["type"] == "envoi" and e["document"] == "courriel"
    ]
    assert len(sendings) == 1  # once, for both forms


def test_a_letter_in_pdf_and_word_is_one_letter(case):
    c = Case(case)
    first = prepare(c, "lettre", "text").entry.n
    second = prepare(c, "lettre", "docx").entry.n
    c.record("web", c.when("2026-11-30 09:00"), "Aucun créneau")
    third = prepare(c, "lettre", "text").entry.n  # new facts: a new letter
    numbers = [g.numbers for g in document_groups(c.journal.read()) if g.kind == "lettre"]
    assert numbers == [(first, second), (third,)]


def test_status_says_mark_the_waiting_email_sent(case, run):
    # weeks still to come (once the benchmark is met, the step is the first missing marker)
    # and no dated urgency (the step would be « n'attendez pas »)
    edit_profile(
        case,
        ("      date: 2027-01-04\n", ""),
        (
            "lieu_signature: Bobigny",
            "lieu_signature: Bobigny\nseuils:\n  semaines_premiere_demande: 20",
        ),
    )
    c = Case(case)
    c.record("web", c.when("2026-11-30 09:00"), "Aucun créneau", [])
    c.record("web", c.when("2026-11-30 09:30"), "Aucun créneau", [])
    before = run("-C", case, "status").stdout
    assert "Envoyez le courriel de la semaine" in before
    n = prepare(c, "courriel", "text").entry.n
    after = run("-C", case, "status").stdout
    assert f"Marquez le courriel n° {n} comme envoyé" in after
    assert "Envoyez le courriel de la semaine" not in after.split("FAIRE")[-1][:200]
    _, client = make_client(case)
    page = html.unescape(client.get("/c/cas/status").get_data(as_text=True))
    assert f"Marquez le courriel n° {n} comme envoyé" in page
    assert f'href="/c/cas/documents#doc-{n}">Noter l\'envoi' in page


def test_preparing_again_while_an_earlier_email_is_unsent_says_so(case):
    c = Case(case)
    first = prepare(c, "courriel", "text").entry.n
    c.record("web", c.when("2026-11-30 09:00"), "Aucun créneau", [])
    prepare(c, "courriel", "text")
    _, client = make_client(case)
    page = html.unescape(client.get("/c/cas/documents").get_data(as_text=True))
    assert f"Le courriel n° {first}, préparé le" in page and "n'est pas noté comme envoyé" in page
    assert f'href="#doc-{first}">Noter l\'envoi du courriel n° {first}' in page


def test_the_documents_page_shows_both_forms_once(case):
    _, client = make_client(case)
    token = csrf(client, "/c/cas/documents")
    for fmt in ("text", "eml"):
        client.post(
            "/c/cas/documents/prepare", data={"csrf": token, "kind": "courriel", "format": fmt}
        )
    n = journal_lines(case)[-2]["n"]
    at = datetime.fromisoformat(journal_lines(case)[-1]["date"])  # sent after both forms
    page = client.get("/c/cas/documents").get_data(as_text=True)
    doc = re.search(rf'<li class="doc card" id="doc-{n}">.*?</li>', page, re.S).group(0)
    assert "Un seul document, sous 2 formes" in html.unescape(doc)
    assert f"/c/cas/documents/{n}/file" in doc and f"/c/cas/documents/{n + 1}/file" in doc
    assert f'id="doc-{n + 1}"' not in page  # not a second card
    sent = client.post(
        f"/c/cas/documents/{n}/sent",
        data={"csrf": token, **when(f"{at:%Y-%m-%d}", f"{at:%H:%M}", f"sd-{n}")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    page = client.get("/c/cas/documents").get_data(as_text=True)
    doc = re.search(rf'<li class="doc card" id="doc-{n}">.*?</li>', page, re.S).group(0)
    assert "Envoyé le" in html.unescape(doc) and "Noter l&#39;envoi" not in doc


def test_a_message_does_not_follow_the_person_to_another_page(case):
    _, client = make_client(case)
    token = csrf(client, "/c/cas/documents")
    download = client.post(
        "/c/cas/documents/prepare", data={"csrf": token, "kind": "courriel", "format": "eml"}
    )
    assert "/file" in download.headers["Location"]  # straight to the download
    for url in ("/c/cas/status", "/c/cas/documents", "/c/cas/record"):
        assert 'class="flashes"' not in client.get(url).get_data(as_text=True), url
    client.post(
        "/c/cas/documents/prepare", data={"csrf": token, "kind": "lettre", "format": "text"}
    )
    assert 'class="flashes"' not in client.get("/c/cas/status").get_data(as_text=True)
    assert 'class="flashes"' not in client.get("/c/cas/documents").get_data(as_text=True)
