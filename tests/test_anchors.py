"""``verify`` against tampering a hash chain alone cannot show, thanks to anchors.

Each test builds an anchor the way a person would (an e-mail, a dossier, a
timestamp), then tampers with the journal in one of the shapes the security pass
tried: tail cut on a line boundary, last entry edited, forged entries appended,
``precedent`` links removed.
"""

from __future__ import annotations

import email
import hashlib
import json
import shutil
from email.policy import default

import pytest

from rdvletters.journal_anchor import HEADER

from .conftest import journal_lines
from .test_email_out import PASSWORD, configure, smtp_server  # noqa: F401 - a real SMTP server


def _lines(case) -> list[bytes]:
    return (case / "journal.jsonl").read_bytes().split(b"\n")[:-1]


def _write(case, lines: list[bytes]) -> None:
    (case / "journal.jsonl").write_bytes(b"".join(line + b"\n" for line in lines))


def _forge(previous: bytes, data: dict) -> bytes:
    """A forged entry with a correctly recomputed link: the chain alone sees nothing."""
    data["precedent"] = hashlib.sha256(previous).hexdigest()
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": ")).encode()


def _verify(run, case):
    result = run("-C", case, "verify")
    return result.exit_code, result.output


def test_email_carries_the_journal_head_in_its_headers(case, run):
    head_before = _lines(case)[-1]
    assert run("-C", case, "email", "--format", "eml").exit_code == 0
    [draft] = (case / "documents").glob("*.eml")
    message = email.message_from_bytes(draft.read_bytes(), policy=default)
    n, digest = str(message[HEADER]).split()
    assert int(n) == 30 and digest == hashlib.sha256(head_before).hexdigest()
    code, out = _verify(run, case)
    assert code == 0
    assert "journal ancré jusqu'à l'entrée n° 30" in out
    assert "à partir de l'entrée n° 31, il n'est pas ancré" in out


def test_sent_email_copy_keeps_the_anchor(case, run, smtp_server, monkeypatch):  # noqa: F811
    handler, port = smtp_server()
    configure(case, port)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    result = run("-C", case, "email", "--send", "--yes")
    assert result.exit_code == 0, result.output + result.stderr
    [envelope] = handler.envelopes
    received = email.message_from_bytes(envelope.content, policy=default)
    n, digest = str(received[HEADER]).split()
    document = journal_lines(case)[-2]  # the draft journaled just before sending
    assert document["type"] == "document" and int(n) == document["n"]
    assert digest == hashlib.sha256(_lines(case)[-2]).hexdigest()
    saved = journal_lines(case)[-1]["fichier"]
    assert (case / saved).read_bytes() == envelope.content  # the copy keeps the header
    lines = _lines(case)
    _write(case, lines[: int(n) - 1])  # cut on a line boundary, before the anchored entry
    code, out = _verify(run, case)
    assert code == 1
    assert f"atteste l'entrée n° {n}, mais le journal s'arrête à l'entrée n° {int(n) - 1}" in out


def test_tail_cut_on_a_line_boundary_is_caught_by_the_dossier(case, run, tmp_path):
    assert run("-C", case, "bundle", "-o", case / "dossier_association").exit_code == 0
    [path] = (case / "dossier_association").rglob("00_Inventaire.txt")
    inventory = path.read_text(encoding="utf-8").replace("\u00a0", " ")
    head = hashlib.sha256(_lines(case)[-1]).hexdigest()
    assert (
        f"Journal des démarches : 30 entrées, dernière entrée n° 30, empreinte SHA-256 {head}"
        in inventory
    )
    assert _verify(run, case)[0] == 0
    _write(case, _lines(case)[:-3])  # the last three entries removed, nothing torn
    code, out = _verify(run, case)
    assert code == 1
    assert "l'inventaire du dossier dossier_association atteste l'entrée n° 30" in out
    assert "le journal s'arrête à l'entrée n° 27" in out


def test_last_entry_edited_is_caught(case, run):
    assert run("-C", case, "bundle", "-o", case / "dossier_1").exit_code == 0
    lines = _lines(case)
    lines[-1] = lines[-1].replace(b"18:45:00", b"18:40:00")  # still valid JSON, chain intact
    _write(case, lines)
    code, out = _verify(run, case)
    assert code == 1
    assert "fixe l'entrée n° 30 avec l'empreinte" in out


def test_tail_replaced_by_forged_entries_with_a_recomputed_chain(case, run):
    assert run("-C", case, "bundle", "-o", case / "dossier_1").exit_code == 0
    lines = _lines(case)[:-2]
    for n in (29, 30, 31):
        forged = {"n": n, "type": "tentative", "canal": "web", "date": "2026-11-20T09:00:00+01:00",
                  "description": "inventé", "pieces": [], "enregistre_le": "2026-11-20T09:00:00+01:00"}  # fmt: skip
        lines.append(_forge(lines[-1], forged))
    _write(case, lines)
    code, out = _verify(run, case)
    assert code == 1
    assert "fixe l'entrée n° 30" in out and "réécrit" in out
    assert "supprimée" not in out and "modifiée" not in out  # the chain itself holds


def test_appended_entries_are_said_to_be_unanchored(case, run):
    assert run("-C", case, "bundle", "-o", case / "dossier_1").exit_code == 0
    lines = _lines(case)
    forged = {"n": 31, "type": "tentative", "canal": "counter", "date": "2026-09-15T09:00:00+02:00",
              "description": "antidaté", "pieces": [], "enregistre_le": "2026-09-15T09:05:00+02:00"}  # fmt: skip
    lines.append(_forge(lines[-1], forged))
    _write(case, lines)
    code, out = _verify(run, case)
    assert code == 0  # an appended entry may be genuine: verify cannot call it forged…
    assert "journal ancré jusqu'à l'entrée n° 30" in out  # …but says it is not anchored
    assert "à partir de l'entrée n° 31, il n'est pas ancré" in out


@pytest.mark.parametrize("which", ["one later entry", "every entry"])
def test_removed_precedent_links_are_tampering(case, run, which):
    lines = _lines(case)
    chosen = range(10, 11) if which == "one later entry" else range(len(lines))
    for i in chosen:
        data = json.loads(lines[i])
        del data["precedent"]
        lines[i] = json.dumps(data, ensure_ascii=False, separators=(", ", ": ")).encode()
    _write(case, lines)
    code, out = _verify(run, case)
    assert code == 1
    assert "entrée n° 11 sans lien « precedent »" in out and "lien retiré" in out
    assert "intact" not in out


def test_no_anchor_is_said_plainly(case, run):
    code, out = _verify(run, case)
    assert code == 0
    assert "aucune ancre dans le dossier" in out
    head = hashlib.sha256(_lines(case)[-1]).hexdigest()
    assert f"empreinte actuelle (entrée n° 30) : {head}" in out


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")
def test_timestamp_token_catches_a_cut_even_when_its_entry_is_cut_too(case, run, tmp_path_factory):
    from .tsa_server import LocalTSA, make_pki

    pki = make_pki(tmp_path_factory.mktemp("pki"))
    with LocalTSA(pki) as tsa:
        result = run("-C", case, "timestamp", "--tsa", tsa.url, "--tsa-cert", pki.ca)
    assert result.exit_code == 0, result.output
    assert _verify(run, case)[0] == 0
    _write(case, _lines(case)[:-3])  # the token's entry and the two entries before it
    code, out = _verify(run, case)
    assert code == 1
    assert "le jeton d'horodatage horodatage/" in out
    assert "qu'aucune de ses lignes n'a plus" in out


# --- only the person's own anchors count, and only while their entry is there (issue 21) ---


def _received_mail(header: str) -> bytes:
    return (
        "From: Service des étrangers <pref@example.gouv.fr>\r\nTo: aminata@example.org\r\n"
        "Subject: Re: demande\r\nDate: Fri, 27 Nov 2026 11:00:00 +0100\r\n"
        f"{HEADER}: {header}\r\n\r\nNous avons bien reçu votre message.\r\n"
    ).encode()


def test_a_received_email_with_the_header_is_not_an_anchor(case, run, tmp_path):
    """A proof someone else sent may carry the header, by chance or on purpose."""
    forged = tmp_path / "reponse.eml"
    forged.write_bytes(_received_mail("12 " + "ab" * 32))
    assert run("-C", case, "record", "reply", "--proof", forged).exit_code == 0
    code, out = _verify(run, case)
    assert code == 0, out
    assert "MODIFIÉ" not in out and "reponse" not in out
    assert "aucune ancre dans le dossier" in out


def test_the_persons_own_copy_of_a_sent_email_is_an_anchor(case, run, tmp_path):
    assert run("-C", case, "email", "--format", "eml").exit_code == 0
    [draft] = (case / "documents").glob("*.eml")
    copy = tmp_path / "envoye.eml"
    copy.write_bytes(draft.read_bytes())
    assert run("-C", case, "record", "email", "--proof", copy).exit_code == 0
    assert run("-C", case, "record", "reply", "--proof", copy).exit_code == 0  # not theirs
    code, out = _verify(run, case)
    assert code == 0
    assert "journal ancré jusqu'à l'entrée n° 30 (2 ancres concordantes)" in out


def test_a_sent_copy_whose_entry_was_cut_shows_the_cut(case, run, smtp_server, monkeypatch):  # noqa: F811
    handler, port = smtp_server()
    configure(case, port)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    assert run("-C", case, "email", "--send", "--yes").exit_code == 0
    sent = journal_lines(case)[-1]
    assert sent["type"] == "envoi"
    assert _verify(run, case)[0] == 0
    _write(case, _lines(case)[:-1])  # only the sending is cut: the header's entry is still there
    code, out = _verify(run, case)
    assert code == 1
    assert f"le courriel {sent['fichier']} n'est noté par aucune entrée du journal" in out
    assert "il ne compte pas comme ancre" in out


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")
def test_a_token_whose_entry_was_cut_shows_the_cut(case, run, tmp_path_factory):
    from .tsa_server import LocalTSA, make_pki

    pki = make_pki(tmp_path_factory.mktemp("pki"))
    with LocalTSA(pki) as tsa:
        assert run("-C", case, "timestamp", "--tsa", tsa.url, "--tsa-cert", pki.ca).exit_code == 0
    token = journal_lines(case)[-1]["fichier"]
    _write(case, _lines(case)[:-1])  # the token's entry alone: the token matches entry 30
    code, out = _verify(run, case)
    assert code == 1
    assert f"le jeton d'horodatage {token} n'est noté par aucune entrée du journal" in out
    assert "journal ancré" not in out


def test_a_copy_kept_elsewhere_is_compared_on_demand(case, run, tmp_path):
    assert run("-C", case, "email", "--format", "eml").exit_code == 0
    [draft] = (case / "documents").glob("*.eml")
    kept = tmp_path / "recu_par_la_prefecture.eml"
    kept.write_bytes(draft.read_bytes())
    result = run("-C", case, "verify", "--copy", kept)
    assert result.exit_code == 0 and "journal ancré jusqu'à l'entrée n° 30" in result.output
    _write(case, _lines(case)[:-3])
    result = run("-C", case, "verify", "--copy", kept)
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if f"la copie {kept}" in ln)
    assert "atteste l'entrée n° 30, mais le journal s'arrête à l'entrée n° 28" in line
