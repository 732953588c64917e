"""A hostile profile or template cannot add a header to an e-mail (RFC 2047 encoded
words, line breaks), through ``check``, the .eml draft and real sending on 127.0.0.1."""

from __future__ import annotations

import email
from email.policy import default

import pytest

from .conftest import edit_profile, journal_lines, run_installed
from .test_email_out import configure, smtp_server  # noqa: F401 - the fixture

INJECTED = "=?utf-8?q?Aminata=0D=0AReply-To=3A_attacker=40evil.example?="


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("prenom: Aminata", f'prenom: "{INJECTED}"', "demandeur.prenom"),
        ("nom: DIALLO", "nom: DIALLO =?utf-8?b?DQpCY2M6IGV2aWxAeC5leGFtcGxl?=", "demandeur.nom"),
        (
            "aminata.diallo@example.org",
            "=?utf-8?q?a=0D=0ABcc=3A_evil=40x.example?=@example.org",
            "demandeur.courriel",
        ),
    ],
)
def test_encoded_word_is_refused_by_check_and_no_draft_is_written(case, old, new, field):
    edit_profile(case, (old, new))
    before = (case / "journal.jsonl").read_bytes()
    checked = run_installed("-C", case, "check")
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert f"champ « {field} »" in checked.stderr and "profil.yaml, ligne" in checked.stderr
    assert "Traceback" not in checked.stderr
    drafted = run_installed("-C", case, "email", "--format", "eml")
    assert drafted.returncode == 2 and field in drafted.stderr
    assert not list((case / "documents").glob("*.eml"))
    assert (case / "journal.jsonl").read_bytes() == before


def _template_with_subject(case, subject: str) -> None:
    from rdvletters.resources import data_dir

    text = (data_dir("templates") / "courriel.j2").read_text(encoding="utf-8")
    start = text.index("[[objet]]\n") + len("[[objet]]\n")
    end = text.index("\n[[corps]]")
    (case / "modeles").mkdir()
    (case / "modeles" / "courriel.j2").write_text(
        text[:start] + subject + "\n" + text[end:], encoding="utf-8"
    )


@pytest.mark.parametrize(
    "subject",
    [
        "Demande =?utf-8?q?x=0D=0ABcc=3A_evil=40x.example?=",
        "Demande {{ '=?UTF-8?B?' }}DQpCY2M6IGV2aWxAeC5leGFtcGxl?=",
    ],
)
def test_a_template_cannot_add_a_header_at_send_time(case, smtp_server, subject):  # noqa: F811
    _template_with_subject(case, subject)
    handler, port = smtp_server()
    configure(case, port, user=None)
    before = journal_lines(case)
    sent = run_installed("-C", case, "email", "--send", "--yes")
    assert sent.returncode == 2, sent.stdout + sent.stderr
    assert "en-tête de courriel" in sent.stderr and "objet du courriel" in sent.stderr
    assert "Traceback" not in sent.stderr
    assert handler.envelopes == []  # nothing reached the server
    assert journal_lines(case) == before
    assert not list((case / "documents").glob("*.eml"))


def test_what_is_decoded_can_never_become_a_header(monkeypatch):
    """Even with the text rule gone, the message read back refuses a header it did not set."""
    from rdvletters.delivery import eml
    from rdvletters.documents.model import Document
    from rdvletters.errors import InputError

    doc = Document("courriel", {"objet": ["Objet"], "corps": ["Bonjour."]})
    doc.email_from = (INJECTED, "aminata.diallo@example.org")
    doc.email_to = "pref-etrangers@example.gouv.fr"
    with pytest.raises(InputError, match="demandeur.prenom"):
        eml.build(doc, draft=True)
    monkeypatch.setattr(eml, "header_problem", lambda text: None)
    with pytest.raises(InputError, match="reply-to"):
        eml.build(doc, draft=True)


def test_an_honest_name_with_accents_and_signs_still_goes_out(case, smtp_server):  # noqa: F811
    edit_profile(case, ("prenom: Aminata", 'prenom: "Aminata =? Éloïse"'))
    handler, port = smtp_server()
    configure(case, port, user=None)
    sent = run_installed("-C", case, "email", "--send", "--yes")
    assert sent.returncode == 0, sent.stderr
    [envelope] = handler.envelopes
    received = email.message_from_bytes(envelope.content, policy=default)
    assert received["From"].addresses[0].display_name == "Aminata =? Éloïse DIALLO"
    assert received["Reply-To"] is None and received["Bcc"] is None
