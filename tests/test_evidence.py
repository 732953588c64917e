"""status, verify and bundle on a journal of known shape.

The journal: 13 recorded attempts over 9 weeks (week 5 empty), two of them with a
screenshot (weeks 1 and 6), one a counter visit with a witness, plus a registered
letter sent with its tracking number but no proof of posting in week 9: 14
attempts towards the préfecture, of which 2 have a proof file.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta

import pytest
from docx import Document as open_docx

from rdvletters.case import Case
from rdvletters.court.status import compute_status
from rdvletters.court.status_text import render_status
from rdvletters.evidence.proofs.verify import verify
from rdvletters.facts import Facts
from rdvletters.frdates import PARIS

from .conftest import EXAMPLE, chronology_of, edit_profile, needs_pdf_tools, pdf_text

# (week index from Monday 7 September 2026, weekday, hour, channel, with a screenshot)
SHAPE = [
    (0, 0, 9, "web", True),
    (0, 3, 21, "web", False),
    (1, 1, 8, "web", False),
    (1, 4, 18, "email", False),
    (2, 2, 12, "web", False),
    (3, 0, 7, "web", False),
    (3, 3, 22, "web", False),
    # week 4: nothing
    (5, 1, 9, "web", True),
    (5, 4, 10, "email", False),
    (6, 0, 8, "counter", False),
    (6, 2, 20, "web", False),
    (7, 3, 9, "web", False),
    (8, 0, 9, "web", False),
]
NOW = datetime(2026, 11, 6, 18, 0, tzinfo=PARIS)  # Friday of week 8 (the ninth week)


@pytest.fixture
def shaped(tmp_path):
    root = tmp_path / "cas"
    case = Case(root)
    root.mkdir()
    (root / "profil.yaml").write_bytes((EXAMPLE / "profil.yaml").read_bytes())
    proof = tmp_path / "capture.png"
    for i, (week, day, hour, channel, screenshot) in enumerate(SHAPE):
        when = datetime(2026, 9, 7, hour, 0, tzinfo=PARIS) + timedelta(days=7 * week + day)
        proof.write_bytes(f"capture {i}".encode())
        case.record(
            channel,
            when,
            f"essai {i}",
            [proof] if screenshot else [],
            witness="Jean MARTIN" if channel == "counter" else None,
        )
    from rdvletters.documents.pipeline import prepare

    letter = prepare(case, "lettre", "text", now=datetime(2026, 11, 3, 9, 0, tzinfo=PARIS))
    case.record_sent(
        letter.entry.n, datetime(2026, 11, 3, 11, 0, tzinfo=PARIS), "1A 123 456 7890 1"
    )
    return case


def _status(case, now=NOW):
    facts = Facts.from_journal(case.journal.read())
    return compute_status(case.load().profile, facts, now, case.root, verify(case))


def test_status_figures(shaped):
    status = _status(shaped)
    assert status.attempts == 14  # 13 recorded + the registered letter
    assert status.attempts_with_proof == 2
    assert status.weeks_covered == 9
    assert status.weeks_with_attempts == 8 and status.weeks_with_proof == 2
    assert [w["demarches"] for w in status.weeks] == [2, 2, 1, 2, 0, 2, 2, 1, 2]
    assert [w["avec_justificatif"] for w in status.weeks] == [1, 0, 0, 0, 0, 1, 0, 0, 0]
    assert status.distinct_days == 14
    assert [(c["canal"], c["demarches"]) for c in status.channels] == [
        ("web", 10), ("counter", 1), ("email", 2), ("letter", 1),
    ]  # fmt: skip
    assert status.legal_floor_met is True  # two different weeks with a proof
    assert status.advice_weeks_needed == 8 and status.advice_weeks_met == 0
    done = {r.name: r.done for r in status.ladder}
    assert done["Guichet avec un témoin"] and not done["Défenseur des droits"]
    assert not done["Lettre recommandée et avis de réception"]  # no card recorded yet
    assert str(status.next_step) == "Envoyez le courriel de la semaine : rdvletters email"
    missing = "\n".join(status.missing)
    assert "12 démarches sans justificatif" in missing
    assert "2 courriels sans copie .eml" in missing
    assert "attestation du témoin de la visite au guichet du 19/10/2026" in missing
    assert "avis de réception de la lettre recommandée du 03/11/2026" in missing
    assert "preuve de dépôt de la lettre recommandée du 03/11/2026" in missing
    assert "justificatif du fait d'urgence « Promesse d'embauche" in missing  # not copied here
    text = render_status(status, NOW.date())
    assert "14 démarches, dont 2 avec justificatif" in text
    assert "semaine du lundi 12 octobre 2026 : " in text and "2026-10-12" not in text
    assert "(s)" not in text


def test_status_freshness_comes_first(shaped):
    later = NOW + timedelta(days=10)
    status = _status(shaped, later)
    assert status.days_since_last == 13  # the registered letter, 3 November
    text = render_status(status, later.date())
    assert text.index("Votre dernière démarche date du mardi 3 novembre 2026") < text.index(
        "14 démarches"
    )


def test_next_step_follows_the_week_and_the_ladder(shaped):
    next_week = NOW + timedelta(days=3)  # Monday: nothing tried yet this week
    step = str(_status(shaped, next_week).next_step)
    assert step.startswith("Cette semaine : essayez encore 2 fois le site de rendez-vous")
    for hour in (9, 18):
        shaped.record("web", next_week.replace(hour=hour), "rien")
    shaped.record("email", next_week.replace(hour=19), "courriel envoyé")
    step = str(_status(shaped, next_week.replace(hour=20)).next_step)
    assert step.startswith("Quand l'avis de réception revient")  # letter sent, no card yet
    shaped.record("ar", next_week.replace(hour=19, minute=30), "avis signé le 5/11")
    step = str(_status(shaped, next_week.replace(hour=20)).next_step)
    assert step == "Saisissez le Défenseur des droits : rdvletters referral"


def test_receipt_before_the_letter_is_refused(shaped, run):
    result = run("-C", shaped.root, "record", "ar", "--at", "2026-11-02 10:00")
    assert result.exit_code == 2 and "avant l'envoi de la lettre recommandée" in result.stderr


def test_status_cli_text_and_json(shaped, run):
    text = run("-C", shaped.root, "status")
    assert text.exit_code == 0
    assert "LES ÉTAPES" in text.output and "À FAIRE MAINTENANT" in text.output
    assert "CE, 10 juin 2020" in text.output and "Ce n'est pas une règle de droit" in text.output
    # one référé section: the legal floor is said once, with the associations' advice below
    assert text.output.count("435594") == 1 and "EST-CE LE MOMENT" in text.output
    assert "Conseil des associations (note La Cimade / Gisti, 2019)" in text.output
    data = json.loads(run("-C", shaped.root, "status", "--json").output)
    assert data["attempts"] == 14 and data["attempts_with_proof"] == 2
    assert data["weeks_with_attempts"] == 8
    head = hashlib.sha256((shaped.root / "journal.jsonl").read_bytes().split(b"\n")[-2]).hexdigest()
    assert data["journal_head"] == head


def test_renewal_close_to_expiry_puts_the_letter_first(shaped):
    edit_profile(
        shaped.root,
        ("nature: premiere_demande", "nature: renouvellement"),
        ("titre_actuel_expire_le:", "titre_actuel_expire_le: 2026-12-20"),
    )
    # a case where the letter has not gone yet
    fresh = Case(shaped.root.parent / "sans_lettre")
    fresh.root.mkdir()
    (fresh.root / "profil.yaml").write_bytes((shaped.root / "profil.yaml").read_bytes())
    fresh.record("web", NOW - timedelta(days=1), "rien")
    status = _status(fresh)
    assert status.days_until_expiry == 44 and status.advice_weeks_needed == 4
    assert status.next_step.text.startswith("Envoyez d'abord la lettre recommandée")
    text = render_status(status, NOW.date())
    assert "20 décembre 2026 (dans 44 jours) – Expiration du titre de séjour" in text
    assert "du 20 octobre 2026 au 20 décembre 2026" in text  # the two months before expiry


def test_expired_permit_is_past_not_near(shaped):
    edit_profile(
        shaped.root,
        ("nature: premiere_demande", "nature: renouvellement"),
        ("titre_actuel_expire_le:", "titre_actuel_expire_le: 2026-10-01"),
    )
    status = _status(shaped)
    text = render_status(status, NOW.date())
    assert "Échéance dépassée : votre titre a expiré le 1er octobre 2026" in text
    assert "arrive à échéance" not in text and "expire ce jour-là" not in text
    assert (
        "1er octobre 2026 (passée depuis 36 jours) – Expiration du titre de séjour\n"
        "      Votre titre de séjour a expiré" in text
    )
    # first attempt 7 September: inside the two months before 1 October
    assert status.window["etat"] == "dans_le_delai"


def test_referral_notes_deadlines_and_legal_aid(shaped):
    shaped.record("defenseur", NOW, "formulaire en ligne envoyé")
    notes = " ".join(_status(shaped).notes)
    assert "ne suspend aucun délai" in notes
    assert "L'aide juridictionnelle ne dépend pas de la régularité du séjour" in notes


def test_oqtf_is_said_plainly(shaped, run):
    edit_profile(shaped.root, ("  oqtf: non", "  oqtf: oui"))
    status = _status(shaped)
    assert any("obligation de quitter le territoire" in a for a in status.alerts)
    assert status.next_step.text.startswith("Voyez dès maintenant un avocat")
    check = run("-C", shaped.root, "check")
    assert "demande.oqtf : oui" in check.stderr and "453391" in check.stderr


def _lines(case):
    return (case.root / "journal.jsonl").read_bytes().split(b"\n")


def _write(case, lines):
    (case.root / "journal.jsonl").write_bytes(b"\n".join(lines))


def test_verify_intact(shaped, run):
    result = run("-C", shaped.root, "verify")
    assert result.exit_code == 0 and "Journal intact : 15 entrées, " in result.output
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
    assert result.exit_code == 1 and "entrée n° 5 supprimée" in result.output


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
    assert any("fichier manquant" in m for m in _status(shaped).missing)


def test_verify_torn_last_line(shaped, run):
    with open(shaped.root / "journal.jsonl", "ab") as handle:
        handle.write(b'{"n": 16, "type": "tent')
    result = run("-C", shaped.root, "verify")
    assert result.exit_code == 1 and "ligne 16 : dernière ligne incomplète" in result.output


def test_old_unchained_journal_verifies_and_gets_chained(shaped, run):
    # A journal made by another tool: neither links nor rdvletters' recording time.
    old = []
    for line in _lines(shaped)[:-1]:
        data = json.loads(line)
        data.pop("precedent")
        data.pop("enregistre_le")
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


@needs_pdf_tools
def test_bundle_names_order_inventory_and_idempotence(shaped, run, tmp_path):
    journal_before = (shaped.root / "journal.jsonl").read_bytes()
    pieces_before = _tree(shaped.root / "pieces")
    first, second = tmp_path / "d1", tmp_path / "d2"
    assert run("-C", shaped.root, "bundle", "-o", first).exit_code == 0
    assert run("-C", shaped.root, "bundle", "-o", second).exit_code == 0
    assert _tree(first) == _tree(second)  # the same journal gives the same dossier
    names = sorted(p.name for p in first.iterdir())
    numbered = [n for n in names if n[:2].isdigit()]
    assert numbered[:2] == ["00_Inventaire.docx", "01_Chronologie_des_demarches.pdf"]
    private = sorted(p.name for p in (first / "Ne_pas_deposer").iterdir())
    assert private == [
        "00_Inventaire.txt", "Attestation_temoin_a_completer_Jean_MARTIN_2026-10-19.docx",
        "Fiche_de_synthese.docx", "Liste_de_controle.txt", "Rapport_de_verification.pdf",
    ]  # fmt: skip
    pieces = numbered[2:]
    # 2 screenshots, the letter, the urgency fact's piece (its file not in this folder: to
    # add under n° 5) and the list of the application's pieces: continuous numbers
    # after the chronology (piece 1), as PDF
    assert [int(n[:2]) for n in pieces] == [2, 3, 4, 6]
    assert pieces[0].startswith("02_Capture_site_2026_09_07")
    assert pieces[1].startswith("03_Capture_site_2026_10_13")
    assert pieces[2].startswith("04_Lettre_recommandee_AR_2026_11_03")
    assert pieces[3] == "06_Liste_des_pieces_du_dossier.pdf"
    assert all(n.endswith(".pdf") and len(n) <= 80 and n.isascii() for n in pieces)
    for name in numbered[1:]:  # « Pièce n° N » on every page of every piece
        pages = pdf_text(first / name).split("\f")[:-1]
        assert pages and all(f"Pièce n° {int(name[:2])}" in page for page in pages), name
    inventory = (first / "Ne_pas_deposer" / "00_Inventaire.txt").read_text(encoding="utf-8")
    for name in numbered[1:]:
        assert f"Pièce n°\u00a0{int(name[:2])}\u00a0: " in inventory and name in inventory
    assert "n°\u00a01A12345678901" in inventory
    form = "\n".join(
        p.text
        for p in open_docx(
            first / "Ne_pas_deposer" / "Attestation_temoin_a_completer_Jean_MARTIN_2026-10-19.docx"
        ).paragraphs
    )
    assert "production en justice" in form and "sanctions pénales" in form
    assert "pièce d'identité officielle portant sa signature" in form
    checklist = (first / "Ne_pas_deposer" / "Liste_de_controle.txt").read_text(encoding="utf-8")
    checklist = checklist.replace("\u00a0", " ")
    assert "[x] Captures d'écran datées : 2 démarches sur 10" in checklist
    assert "[ ] Copies des courriels envoyés : 0 courriel sur 2" in checklist
    assert "[ ] Lettre recommandée et sa preuve de dépôt" in checklist  # no proof of posting
    assert "[ ] Avis de réception signé" in checklist
    assert "[ ] Attestation du témoin" in checklist  # a witness, but no statement yet
    summary = "\n".join(
        c.text.replace("\u00a0", " ")
        for row in open_docx(first / "Ne_pas_deposer" / "Fiche_de_synthese.docx").tables[0].rows
        for c in row.cells
    )
    assert "14 démarches, dont 2 avec justificatif" in summary
    assert "née le 12 avril 1990, de nationalité malienne" in summary
    assert "Tribunal administratif de Montreuil" in summary
    assert "manque :" in summary and "Lettre recommandée envoyée, reçue" in summary
    # the bundle never touches the journal or pieces/
    assert (shaped.root / "journal.jsonl").read_bytes() == journal_before
    assert _tree(shaped.root / "pieces") == pieces_before
    assert run("-C", shaped.root, "bundle", "-o", first).exit_code == 5  # never overwritten


def test_checklist_ticks_only_what_the_dossier_holds(tmp_path, run):
    root = tmp_path / "cas"
    case = Case(root)
    root.mkdir()
    (root / "profil.yaml").write_bytes((EXAMPLE / "profil.yaml").read_bytes())
    case.record("web", NOW - timedelta(days=2), "rien")  # no counter visit, no e-mail
    assert run("-C", root, "bundle", "-o", tmp_path / "d").exit_code == 0
    checklist = (tmp_path / "d" / "Ne_pas_deposer" / "Liste_de_controle.txt").read_text(
        encoding="utf-8"
    )
    checklist = checklist.replace("\u00a0", " ")
    assert "Attestation du témoin" not in checklist  # nothing to attest
    assert "[ ] Captures d'écran datées : 0 démarche sur 1 en ont une" in checklist
    assert "Copies des courriels" not in checklist  # no e-mail: no « 0 sur 0 » line


def test_bundle_chronology_table_and_weekly_chart(shaped):
    chronology = chronology_of(shaped.root)
    text = "\n".join(chronology.intro)
    assert "14 démarches, dont 2 avec justificatif, sur 9 semaines" in text
    assert "8 semaines avec au moins une démarche, 2 semaines avec au moins un justificatif" in text
    # the weeks from the first attempt to the last one, as in status
    counts = [(made, proven) for _, made, proven in chronology.weeks]
    assert counts == [(2, 1), (2, 0), (1, 0), (2, 0), (0, 0), (2, 1), (2, 0), (1, 0), (2, 0)]
    heading, columns, rows, _ = chronology.tables[0]
    assert columns[-1] == "Justificatif"
    assert len(rows) == 14
    assert rows[0][0] == "07/09/2026" and rows[0][4] == "n°\u00a02"
    assert rows[1][4] == "aucun"
    assert rows[9][3] == "essai 9 (témoin\u00a0: Jean MARTIN)"  # a note, not quoted
    assert "https://rdv.example.gouv.fr/seine-saint-denis/titre-sejour" in text


@needs_pdf_tools
def test_bundle_chronology_is_piece_1_in_pdf(shaped, run, tmp_path):
    assert run("-C", shaped.root, "bundle", "-o", tmp_path / "d").exit_code == 0
    text = " ".join(pdf_text(tmp_path / "d" / "01_Chronologie_des_demarches.pdf").split())
    assert "Pièce n° 1" in text and "14 démarches, dont 2 avec justificatif" in text
    assert "sem. du 07/09/2026 2 (1)" in text and "aucune démarche" in text  # the chart
    assert "essai 9 (témoin : Jean MARTIN)" in text.replace("\u00a0", " ")  # the dated table


def test_one_definition_of_weeks_in_every_output(shaped, run, tmp_path):
    """Letter, referral, status and chronology print the same figures for one journal."""
    status = _status(shaped)
    assert run("-C", shaped.root, "letter", "--format", "text").exit_code == 0
    assert run("-C", shaped.root, "referral", "--format", "text").exit_code == 0
    docs = sorted((shaped.root / "documents").glob("*.txt"))
    letter = " ".join(docs[-2].read_text(encoding="utf-8").split()).replace("\u00a0", " ")
    referral = " ".join(docs[-1].read_text(encoding="utf-8").split()).replace("\u00a0", " ")
    chronology = "\n".join(chronology_of(shaped.root).intro)
    made, proven = status.attempts, status.attempts_with_proof
    weeks, covered = status.weeks_with_attempts, status.weeks_covered
    phrase = f"{made} démarches, dont {proven} avec un justificatif"
    assert (
        f"{phrase}, au cours de {weeks} semaines différentes sur une période de {covered}" in letter
    )
    assert (
        f"{phrase}, au cours de {weeks} semaines différentes sur une période de {covered}"
        in referral
    )
    assert (
        f"{made} démarches, dont {proven} avec justificatif, sur {covered} semaines" in chronology
    )
    assert f"{weeks} semaines avec au moins une démarche" in chronology


def test_bundle_flags_a_piece_over_the_court_limit(shaped, run, tmp_path):
    first = json.loads(_lines(shaped)[0])["pieces"][0]["fichier"]
    with open(shaped.root / first, "r+b") as handle:
        handle.truncate(33 * 1024 * 1024)
    result = run("-C", shaped.root, "bundle", "-o", tmp_path / "d")
    assert result.exit_code == 0, result.stderr
    inventory = (tmp_path / "d" / "Ne_pas_deposer" / "00_Inventaire.txt").read_text(
        encoding="utf-8"
    )
    assert "Pièce n°\u00a02\u00a0:" in inventory and "plus de 32 Mo" in inventory


def test_bundle_refuses_a_journal_path_outside_the_case(shaped, run, tmp_path):
    lines = _lines(shaped)
    data = json.loads(lines[0])
    data["pieces"][0]["fichier"] = "../../../../etc/hostname"
    lines[0] = json.dumps(data, ensure_ascii=False).encode()
    _write(shaped, lines)
    result = run("-C", shaped.root, "bundle", "-o", tmp_path / "d")
    assert result.exit_code == 2 and "sort du dossier" in result.stderr
    assert not (tmp_path / "d").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dossier")]


def test_piece_names_sort_in_order_beyond_99_pieces(tmp_path):
    """With 100 pieces or more, every number has as many digits, the inventory's too."""
    from rdvletters.court.dossier.bundle import write_bundle

    root = tmp_path / "cas"
    root.mkdir()
    (root / "profil.yaml").write_bytes((EXAMPLE / "profil.yaml").read_bytes())
    case = Case(root)
    proof = tmp_path / "capture.txt"
    start = datetime(2026, 1, 5, 9, 0, tzinfo=PARIS)
    for i in range(105):
        proof.write_text(f"capture {i}", encoding="utf-8")
        case.record("web", start + timedelta(hours=7 * i), f"rien {i}", [proof])
    write_bundle(case, tmp_path / "d")
    names = sorted(p.name for p in (tmp_path / "d").iterdir() if p.name[0].isdigit())
    numbers = [int(n.split("_", 1)[0]) for n in names]
    assert numbers == sorted(numbers)  # plain name order is the pieces' order
    inventory = (tmp_path / "d" / "Ne_pas_deposer" / "00_Inventaire.txt").read_text("utf-8")
    to_add = {int(n) for n in re.findall(r"Pièce n°\s*(\d+)\s*:.*à joindre par vous", inventory)}
    assert sorted(set(numbers) | to_add) == list(range(len(numbers) + len(to_add)))
    assert names[0] == "000_Inventaire.docx" and names[1].startswith("001_Chronologie")
    assert all(len(n.split("_", 1)[0]) == 3 for n in names)


def test_two_visits_with_one_witness_on_one_day_get_two_forms(tmp_path):
    from rdvletters.court.dossier.bundle import write_bundle

    root = tmp_path / "cas"
    root.mkdir()
    (root / "profil.yaml").write_bytes((EXAMPLE / "profil.yaml").read_bytes())
    case = Case(root)
    for hour in (9, 14):
        when = datetime(2026, 10, 19, hour, 0, tzinfo=PARIS)
        case.record("counter", when, "refus", witness="Jean MARTIN")
    write_bundle(case, tmp_path / "d")
    forms = sorted(p.name for p in (tmp_path / "d" / "Ne_pas_deposer").glob("Attestation*"))
    assert forms == [
        "Attestation_temoin_a_completer_Jean_MARTIN_2026-10-19_09h00.docx",
        "Attestation_temoin_a_completer_Jean_MARTIN_2026-10-19_14h00.docx",
    ]


def test_a_proof_copied_without_extension_keeps_a_name():
    """Older versions could store a copy without an extension: the piece still gets one."""
    from rdvletters.court.pieces import Piece

    piece = Piece(3, "Capture", "Capture", None, ("pieces/2026-01-05_capture",), (4,), "preuve")
    assert piece.file_name == "03_Capture.bin"
    assert Piece(3, "C", "C", None, ("pieces/a.B.PNG",), (4,), "preuve").file_name == "03_C.png"
