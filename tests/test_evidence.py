"""status, verify and bundle on a journal of known shape.

The journal: 13 recorded attempts over 9 weeks (week 5 empty), one of them a
counter visit with a witness, plus a registered letter sent with its tracking
number in week 9: 14 steps towards the préfecture.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import pytest
from docx import Document as open_docx

from rdvletters.case import Case
from rdvletters.evidence.status import compute_status
from rdvletters.evidence.verify import verify
from rdvletters.facts import Facts
from rdvletters.frdates import PARIS

from .conftest import EXAMPLE

# (week index from Monday 7 September 2026, weekday, hour, channel)
SHAPE = [
    (0, 0, 9, "web"),
    (0, 3, 21, "web"),
    (1, 1, 8, "web"),
    (1, 4, 18, "email"),
    (2, 2, 12, "web"),
    (3, 0, 7, "web"),
    (3, 3, 22, "web"),
    # week 4: nothing
    (5, 1, 9, "web"),
    (5, 4, 10, "email"),
    (6, 0, 8, "counter"),
    (6, 2, 20, "web"),
    (7, 3, 9, "web"),
    (8, 0, 9, "web"),
]
NOW = datetime(2026, 11, 6, 18, 0, tzinfo=PARIS)  # Friday of week 8 (the ninth week)


@pytest.fixture
def shaped(tmp_path):
    root = tmp_path / "cas"
    case = Case(root)
    root.mkdir()
    (root / "profil.yaml").write_bytes((EXAMPLE / "profil.yaml").read_bytes())
    proof = tmp_path / "capture.png"
    for i, (week, day, hour, channel) in enumerate(SHAPE):
        when = datetime(2026, 9, 7, hour, 0, tzinfo=PARIS) + timedelta(days=7 * week + day)
        proof.write_bytes(f"capture {i}".encode())
        case.record(
            channel,
            when,
            f"essai {i}",
            [proof] if channel == "web" else [],
            witness="Jean MARTIN" if channel == "counter" else None,
        )
    from rdvletters.documents.pipeline import prepare

    letter = prepare(case, "lettre", "text", now=datetime(2026, 11, 3, 9, 0, tzinfo=PARIS))
    proof.write_bytes(b"preuve de depot")
    case.record_sent(
        letter.entry.n, datetime(2026, 11, 3, 11, 0, tzinfo=PARIS), "1A 123 456 7890 1", [proof]
    )
    return case


def test_status_figures(shaped):
    facts = Facts.from_journal(shaped.journal.read())
    status = compute_status(shaped.load().profile, facts, NOW)
    assert status.attempts == 14  # 13 recorded + the registered letter
    assert status.weeks_covered == 9
    assert status.weeks_with_attempts == 8
    assert [w["tentatives"] for w in status.weeks] == [2, 2, 1, 2, 0, 2, 2, 1, 2]
    assert status.distinct_days == 14
    assert status.channels == {"web": 10, "email": 2, "counter": 1, "letter": 1}
    assert status.legal_floor_met is True
    assert status.advice_weeks_needed == 8 and status.advice_weeks_met == 6
    assert status.advice_met is False
    done = {r.name: r.done for r in status.ladder}
    assert done["Guichet avec un témoin"] and not done["Défenseur des droits"]
    assert not done["Lettre recommandée, avis de réception reçu"]  # no card recorded yet
    assert status.next_step == "Envoyez le courriel de la semaine : rdvletters email"
    assert any("attestation du témoin" in m for m in status.missing)
    assert any("avis de réception" in m for m in status.missing)


def test_next_step_follows_the_week_and_the_ladder(shaped):
    profile = shaped.load().profile
    next_week = NOW + timedelta(days=3)  # Monday: nothing tried yet this week
    facts = Facts.from_journal(shaped.journal.read())
    step = compute_status(profile, facts, next_week).next_step
    assert step.startswith("Cette semaine : essayez le site de rendez-vous 2 fois de plus")
    for hour in (9, 18):
        shaped.record("web", next_week.replace(hour=hour), "rien")
    shaped.record("email", next_week.replace(hour=19), "courriel envoyé")
    facts = Facts.from_journal(shaped.journal.read())
    step = compute_status(profile, facts, next_week.replace(hour=20)).next_step
    assert step.startswith("Notez l'avis de réception")  # letter sent, card not recorded
    shaped.record("ar", next_week.replace(hour=19, minute=30), "avis signé le 5/11")
    facts = Facts.from_journal(shaped.journal.read())
    step = compute_status(profile, facts, next_week.replace(hour=20)).next_step
    assert step == "Saisissez le Défenseur des droits : rdvletters referral"


def test_status_cli_text_and_json(shaped, run):
    text = run("-C", shaped.root, "status")
    assert text.exit_code == 0
    assert "LES ÉTAPES" in text.output and "À FAIRE CETTE SEMAINE" in text.output
    assert "CE 10 juin 2020" in text.output and "Ce n'est pas une règle de droit" in text.output
    data = json.loads(run("-C", shaped.root, "status", "--json").output)
    assert data["attempts"] == 14 and data["weeks_with_attempts"] == 8
    head = hashlib.sha256((shaped.root / "journal.jsonl").read_bytes().split(b"\n")[-2]).hexdigest()
    assert data["journal_head"] == head


def test_renewal_close_to_expiry_is_urgent(shaped, run):
    profile = (shaped.root / "profil.yaml").read_text(encoding="utf-8")
    (shaped.root / "profil.yaml").write_text(
        profile.replace("nature: premiere_demande", "nature: renouvellement").replace(
            "titre_actuel_expire_le:", "titre_actuel_expire_le: 2026-12-20"
        ),
        encoding="utf-8",
    )
    facts = Facts.from_journal(shaped.journal.read())
    status = compute_status(shaped.load().profile, facts, NOW)
    assert status.days_until_expiry == 44 and status.advice_weeks_needed == 4
    assert status.advice_met is True
    out = run("-C", shaped.root, "status").output
    assert "Votre titre expire dans" in out and "échéance proche" in out


def _lines(case):
    return (case.root / "journal.jsonl").read_bytes().split(b"\n")


def _write(case, lines):
    (case.root / "journal.jsonl").write_bytes(b"\n".join(lines))


def test_verify_intact(shaped, run):
    result = run("-C", shaped.root, "verify")
    assert result.exit_code == 0 and "Journal intact : 15 entrée(s)" in result.output
    assert verify(shaped).ok


def test_verify_one_byte_edited(shaped, run):
    lines = _lines(shaped)
    lines[2] = lines[2].replace(b"essai 2", b"essai 9")  # still valid JSON
    _write(shaped, lines)
    result = run("-C", shaped.root, "verify")
    assert result.exit_code == 1
    assert "ligne 3 : l'entrée qui précède l'entrée n° 4 a été modifiée" in result.output


def test_verify_line_deleted(shaped, run):
    lines = _lines(shaped)
    del lines[4]
    _write(shaped, lines)
    result = run("-C", shaped.root, "verify")
    assert result.exit_code == 1 and "entrée(s) n° 5 supprimée(s)" in result.output


def test_verify_lines_swapped(shaped, run):
    lines = _lines(shaped)
    lines[3], lines[4] = lines[4], lines[3]
    _write(shaped, lines)
    result = run("-C", shaped.root, "verify")
    assert result.exit_code == 1
    assert "entrée n° 4 hors de sa place" in result.output
    assert "supprimée" not in result.output


def test_verify_proof_changed_or_missing(shaped, run):
    first = json.loads(_lines(shaped)[0])["pieces"][0]["fichier"]
    (shaped.root / first).write_bytes(b"retouche")
    result = run("-C", shaped.root, "verify")
    assert result.exit_code == 1 and f"entrée n° 1 : fichier modifié {first}" in result.output
    (shaped.root / first).unlink()
    assert f"fichier manquant {first}" in run("-C", shaped.root, "verify").output
    assert any(
        "fichier manquant" in m
        for m in compute_status(
            shaped.load().profile, Facts.from_journal(shaped.journal.read()), NOW, verify(shaped)
        ).missing
    )


def test_verify_torn_last_line(shaped, run):
    with open(shaped.root / "journal.jsonl", "ab") as handle:
        handle.write(b'{"n": 16, "type": "tent')
    result = run("-C", shaped.root, "verify")
    assert result.exit_code == 1 and "ligne 16 : dernière ligne incomplète" in result.output


def test_old_unchained_journal_verifies_and_gets_chained(shaped, run):
    old = []
    for line in _lines(shaped)[:-1]:
        data = json.loads(line)
        data.pop("precedent")
        old.append(json.dumps(data, ensure_ascii=False).encode())
    _write(shaped, [*old, b""])
    result = run("-C", shaped.root, "verify")
    assert result.exit_code == 0 and "avant le chaînage" in result.output
    assert run("-C", shaped.root, "record", "web", "--at", "2026-11-06 10:00").exit_code == 0
    lines = _lines(shaped)
    assert json.loads(lines[-2])["precedent"] == hashlib.sha256(lines[-3]).hexdigest()
    assert run("-C", shaped.root, "verify").exit_code == 0


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_bundle_names_order_inventory_and_idempotence(shaped, run, tmp_path):
    journal_before = (shaped.root / "journal.jsonl").read_bytes()
    pieces_before = _tree(shaped.root / "pieces")
    first, second = tmp_path / "d1", tmp_path / "d2"
    assert run("-C", shaped.root, "bundle", "-o", first).exit_code == 0
    assert run("-C", shaped.root, "bundle", "-o", second).exit_code == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())  # same result twice
    assert (first / "00_Inventaire.txt").read_text() == (second / "00_Inventaire.txt").read_text()
    numbered = [n for n in names if n[:2].isdigit()]
    assert numbered[:3] == ["00_Inventaire.docx", "00_Inventaire.txt", "01_Chronologie.docx"]
    pieces = numbered[3:]
    # 10 screenshots, the letter, its proof of posting: continuous numbers from 02
    assert [int(n[:2]) for n in pieces] == list(range(2, 14))
    assert pieces[0].startswith("02_Capture_site_rendez_vous_2026_09_07")
    assert pieces[-2].startswith("12_Lettre_recommandee_AR_2026_11_03")
    assert pieces[-1].startswith("13_Preuve_depot_LRAR_2026_11_03")
    assert all(len(n) <= 80 and n.isascii() and n.count(".") == 1 for n in pieces)
    inventory = (first / "00_Inventaire.txt").read_text(encoding="utf-8")
    for name in pieces:
        assert f"Pièce n° {name[:2]} : " in inventory and name in inventory
    assert "n° 1A12345678901" in inventory
    assert "Attestation_temoin_a_completer_Jean_MARTIN_2026-10-19.docx" in names
    form = "\n".join(
        p.text
        for p in open_docx(
            first / "Attestation_temoin_a_completer_Jean_MARTIN_2026-10-19.docx"
        ).paragraphs
    )
    assert "production en justice" in form and "sanctions pénales" in form
    assert "pièce d'identité officielle portant sa signature" in form
    checklist = (first / "Liste_de_controle.txt").read_text(encoding="utf-8")
    assert "[x] Lettre recommandée et preuve de dépôt" in checklist
    assert "[ ] Avis de réception signé" in checklist
    # the bundle never touches the journal or pieces/
    assert (shaped.root / "journal.jsonl").read_bytes() == journal_before
    assert _tree(shaped.root / "pieces") == pieces_before
    assert run("-C", shaped.root, "bundle", "-o", first).exit_code == 5  # never overwritten


def test_bundle_chronology_table_and_weekly_chart(shaped, run, tmp_path):
    assert run("-C", shaped.root, "bundle", "-o", tmp_path / "d").exit_code == 0
    doc = open_docx(tmp_path / "d" / "01_Chronologie.docx")
    chart, table = doc.tables
    counts = [row.cells[1].text for row in chart.rows]
    # nine weeks of the journal, then the weeks since, up to today, without attempts
    assert counts[:9] == ["2", "2", "1", "2", "0", "2", "2", "1", "2"]
    assert set(counts[9:]) <= {"0"}
    assert "aucune tentative" in chart.rows[4].cells[2].text
    rows = table.rows[1:]
    assert len(rows) == 14
    assert rows[0].cells[0].text == "07/09/2026" and rows[0].cells[4].text == "02"
    assert "témoin : Jean MARTIN" in rows[9].cells[3].text


def test_bundle_flags_a_piece_over_the_court_limit(shaped, run, tmp_path):
    first = json.loads(_lines(shaped)[0])["pieces"][0]["fichier"]
    with open(shaped.root / first, "r+b") as handle:
        handle.truncate(33 * 1024 * 1024)
    assert run("-C", shaped.root, "bundle", "-o", tmp_path / "d").exit_code == 0
    inventory = (tmp_path / "d" / "00_Inventaire.txt").read_text(encoding="utf-8")
    assert "Pièce n° 02 :" in inventory and "plus de 32 Mo" in inventory
