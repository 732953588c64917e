"""From the dossier to the court: the readiness check, the draft requête, the pieces."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from docx import Document as open_docx

from rdvletters.case import Case
from rdvletters.court import readiness
from rdvletters.court.requete import court
from rdvletters.departements import find, from_postcode
from rdvletters.facts import Facts
from rdvletters.frdates import PARIS, now_paris
from rdvletters.profile_load import load_profile

from .conftest import EXAMPLE, edit_profile, needs_pdf_tools, pdf_text

NBSP = "\u00a0"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


def _requete_text(run, folder) -> str:
    result = run("-C", folder, "recours", "--format", "text")
    assert result.exit_code == 0, result.stderr
    return sorted((folder / "documents").glob("*_projet-requete-refere.txt"))[-1].read_text(
        encoding="utf-8"
    )


def _notes_text(folder) -> str:
    """What the person reads before filing: the file beside the requête."""
    return sorted((folder / "documents").glob("*_a_lire_avant_depot.txt"))[-1].read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("code", "tribunal", "prefet", "address"),
    [
        ("93", "Tribunal administratif de Montreuil", "préfet de la Seine-Saint-Denis", True),
        ("75", "Tribunal administratif de Paris", "préfet de police", True),
        ("69", "Tribunal administratif de Lyon", "préfet du Rhône", True),
        ("01", "Tribunal administratif de Lyon", "préfet de l'Ain", True),
        ("971", "Tribunal administratif de la Guadeloupe (siège : Basse-Terre)",
         "préfet de la Guadeloupe", False),
        ("976", "Tribunal administratif de Mayotte (siège : Mamoudzou)", "préfet de Mayotte", False),
        ("94", "Tribunal administratif de Melun", "préfet du Val-de-Marne", True),
        ("2A", "Tribunal administratif de Bastia", "préfet de la Corse-du-Sud", False),
    ],
)  # fmt: skip
def test_competent_tribunal_and_defendant(tmp_path, code, tribunal, prefet, address):
    text = (EXAMPLE / "profil.yaml").read_text(encoding="utf-8")
    path = tmp_path / "profil.yaml"
    path.write_text(text.replace('departement: "93"', f'departement: "{code}"'), encoding="utf-8")
    found = court(load_profile(path).profile)
    assert found.name == tribunal and found.prefet == prefet
    # unverified addresses are not printed; of contradicted ones, only what the sources share
    assert bool(found.address) is address


def test_departement_from_the_home_postcode():
    assert from_postcode("93000") == "93" and from_postcode("20090") == "2A"
    assert from_postcode("20200") == "2B" and from_postcode("97600") == "976"
    assert find("75").prefet == "préfet de police"


def test_requete_rdv_structure_and_pieces(case, run, tmp_path):
    rest = _requete_text(run, case)
    notes = _notes_text(case)
    assert "CE FICHIER N'EST PAS À DÉPOSER" in notes
    assert "Lettre recommandée envoyée, reçue, et son délai écoulé" in notes  # not met
    assert "Lettre recommandée" not in rest.split("BORDEREAU")[0]  # no weakness to the judge
    requete, bordereau = rest.split("BORDEREAU DES PIÈCES")
    assert requete.startswith("REQUÊTE EN RÉFÉRÉ")  # R. 522-3: the first line
    flat = _flat(requete)
    assert "article L. 521-3 du code de justice administrative" in flat
    assert (
        "juge des référés du Tribunal administratif de Montreuil, [numéro et rue à vérifier sur "
        "le site du tribunal], 93100 Montreuil [code postal et cedex à vérifier]" in flat
    )
    assert "CONTRE Le préfet de la Seine-Saint-Denis" in flat
    assert (
        "d'enjoindre au préfet de la Seine-Saint-Denis de me communiquer, dans un délai de quinze "
        "jours à compter de la notification de l'ordonnance, une date de rendez-vous permettant "
        "l'enregistrement de ma demande de titre de séjour, ce rendez-vous devant avoir lieu dans "
        "un délai maximal de trente jours à compter de la même notification." in flat
    )
    assert "aide juridictionnelle" not in flat  # the profile does not ask for it
    assert "(CE, 10 juin 2020, n° 435594)" in flat and "n° 461694)" in flat
    assert "Je ne fais l'objet d'aucune obligation de quitter le territoire français" in flat
    assert "Légifrance" not in notes + rest  # CE 453391 settled: 9 June 2022, tables
    assert "(CE, 9 juin 2022, n° 453391, mentionné aux tables du recueil Lebon)" in flat
    # every piece cited in the requête is in the list, numbered from 1, and in the dossier
    cited = {
        int(n)
        for group in re.findall(r"pièces? n° ([\d, et]+)", flat)
        for n in re.findall(r"\d+", group)
    }
    listed = [int(n) for n in re.findall(r"Pièce n° (\d+) :", _flat(bordereau))]
    assert listed == list(range(1, len(listed) + 1))
    assert cited and cited <= set(listed)
    assert run("-C", case, "bundle", "-o", tmp_path / "d").exit_code == 0
    files = {
        int(p.name[:2])
        for p in (tmp_path / "d").iterdir()
        if p.name[:2].isdigit() and p.name[:2] != "00"
    }
    items = _flat(bordereau).split("- Pièce n° ")[1:]
    to_add = {int(item.split(" ")[0]) for item in items if "[à joindre]" in item}
    assert to_add and set(listed) == files | to_add  # the rest the person adds, numbered
    inventory = (tmp_path / "d" / "Ne_pas_deposer" / "00_Inventaire.txt").read_text(
        encoding="utf-8"
    )
    for line in _flat(bordereau).split("- Pièce n° ")[1:]:
        number, label = line.split(" : ", 1)
        label = label.split(" Pièces numérotées")[0].replace(" [à joindre]", "").strip()
        assert f"Pièce n° {number} : {label}" in _flat(inventory)


def test_requete_anef_renewal_asks_the_substitute_filing(anef_case, run):
    edit_profile(
        anef_case,
        ("  oqtf: non", "  oqtf: non\n"),
        (
            "lieu_signature: Lyon",
            "lieu_signature: Lyon\nrecours:\n  aide_juridictionnelle: oui\n  astreinte_euros_par_jour: 50",
        ),
    )
    requete = _requete_text(run, anef_case)
    flat = _flat(requete)
    assert "rendez-vous" not in re.sub(r"«[^»]*»", "", flat)
    # the cedex the table marks « à vérifier » is another court's: left to check
    assert (
        "Tribunal administratif de Lyon, Palais des juridictions administratives, 184 rue "
        "Duguesclin [code postal et cedex à vérifier]" in flat
    )
    assert (
        "d'enjoindre au préfet du Rhône de me communiquer, dans un délai de quinze jours à compter "
        "de la notification de l'ordonnance, une date de convocation à un accueil physique "
        "permettant l'enregistrement de ma demande de renouvellement de titre de séjour, au titre "
        "de la solution de substitution prévue par l'article R. 431-2 du CESEDA, cette "
        "convocation devant avoir lieu dans un délai maximal de trente jours à compter de la même "
        "notification, sous astreinte de 50 euros par jour de retard ;" in flat
    )
    # lawful stay is asked too: a registration gives an attestation de dépôt only
    assert (
        "de lui enjoindre, dès l'enregistrement de ma demande, de me délivrer l'attestation de "
        "prolongation de l'instruction prévue à l'article R. 431-15-1 du CESEDA ou, à défaut, tout "
        "document provisoire justifiant de la régularité de mon séjour jusqu'à ce qu'il ait statué "
        "sur ma demande." in flat.split("III. CONCLUSIONS")[1]
    )
    assert "R. 431-12" not in flat  # the récépissé is the rdv route's
    assert (
        "de m'admettre, à titre provisoire, au bénéfice de l'aide juridictionnelle (article 20 de la loi n° 91-647"
        in flat
    )
    assert (
        "l'urgence est alors en principe constatée (CE, 9 juin 2022, n° 453391, mentionné aux "
        "tables du recueil Lebon)" in flat
    )
    assert "L. 436-5" not in flat  # force majeure: asked of the préfet, never of the judge
    # each CCC ticket, with its answer and both pieces
    assert "demande n° 2610-48213" in flat and "(pièces n° 4 et 6)" in flat


def test_oqtf_case_is_not_presented_as_urgent(case, run):
    edit_profile(case, ("  oqtf: non", "  oqtf: oui"))
    requete = _requete_text(run, case)
    assert "ATTENTION : OBLIGATION DE QUITTER LE TERRITOIRE" in _flat(_notes_text(case))
    discussion = _flat(requete).split("II. DISCUSSION")[1].split("La mesure demandée est utile")[0]
    assert (
        "[À rédiger avec un avocat : une obligation de quitter le territoire français" in discussion
    )
    assert "ne fait obstacle à l'exécution d'aucune décision" not in discussion
    assert "Promesse d'embauche" not in discussion  # no urgency argued
    check = json.loads(run("-C", case, "recours", "--check", "--json").output)
    assert check["bloquant"] is True and check["pret"] is False


def _case_with_letter(tmp_path, posted: datetime, receipt: datetime | None) -> Case:
    root = tmp_path / "cas"
    root.mkdir()
    (root / "profil.yaml").write_bytes((EXAMPLE / "profil.yaml").read_bytes())
    (root / "pieces").mkdir()
    (root / "pieces" / "promesse_embauche.pdf").write_bytes(b"%PDF-1.4 promesse")
    case = Case(root)
    proof = tmp_path / "capture.png"
    start = posted - timedelta(weeks=9)
    for week in range(10):
        for day in (0, 3):
            proof.write_bytes(f"capture {week} {day}".encode())
            case.record("web", start + timedelta(weeks=week, days=day), "rien", [proof])
    from rdvletters.documents.pipeline import prepare

    letter = prepare(case, "lettre", "text", now=posted - timedelta(hours=2))
    case.record_sent(letter.entry.n, posted, "1A 123 456 7890 1")
    if receipt:
        case.record("ar", receipt, "avis signé")
    return case


def test_readiness_counts_from_the_receipt_and_the_delay_asked(tmp_path):
    posted = datetime(2026, 11, 2, 10, 0, tzinfo=PARIS)
    case = _case_with_letter(tmp_path, posted, posted + timedelta(days=3))
    profile, facts = case.load().profile, Facts.from_journal(case.journal.read())
    assert facts.letters_sent[-1].delay == 15  # kept in the journal with the letter
    early = readiness.check(profile, facts, datetime(2026, 11, 15).date(), case.root)
    letter = next(c for c in early.criteria if c.key == "lettre")
    assert not letter.met and "délai demandé écoulé le 20 novembre 2026" in letter.figure
    late = readiness.check(profile, facts, datetime(2026, 11, 21).date(), case.root)
    by_key = {c.key: c for c in late.criteria}
    assert by_key["lettre"].met and by_key["semaines"].met and by_key["urgence"].met
    assert not by_key["actualite"].met  # the last attempt was on 5 November
    assert "dernière démarche le 5 novembre 2026 (16 jours)" in by_key["actualite"].figure


def test_readiness_without_receipt_waits_fifteen_days(tmp_path):
    posted = datetime(2026, 11, 2, 10, 0, tzinfo=PARIS)
    case = _case_with_letter(tmp_path, posted, None)
    profile, facts = case.load().profile, Facts.from_journal(case.journal.read())
    on_day_10 = readiness.check(profile, facts, datetime(2026, 11, 12).date(), case.root)
    letter = next(c for c in on_day_10.criteria if c.key == "lettre")
    assert not letter.met and "Notez l'avis de réception" in letter.todo
    # taken as received after 15 days, then the 15 days asked
    done = readiness.check(profile, facts, datetime(2026, 12, 3).date(), case.root)
    assert next(c for c in done.criteria if c.key == "lettre").met


def test_recours_check_cli_and_status_block(case, run):
    result = run("-C", case, "recours", "--check")
    assert result.exit_code == 0
    assert (
        "[ ] Lettre recommandée envoyée, reçue, et son délai écoulé : pas encore envoyée"
        in result.output
    )
    assert "[x] Démarches justifiées sur plusieurs semaines différentes" in result.output
    status = run("-C", case, "status").output
    assert "EST-CE LE MOMENT DE SAISIR LE JUGE ?" in status
    data = json.loads(run("-C", case, "status", "--json").output)
    assert data["recours"]["pret"] is False


def test_requete_docx_is_for_the_judge_and_the_notes_apart(case, run):
    result = run("-C", case, "recours")
    assert result.exit_code == 0
    doc = open_docx(sorted((case / "documents").glob("*_projet-requete-refere.docx"))[-1])
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "REQUÊTE EN RÉFÉRÉ"  # nothing before the title
    body = " ".join(texts)
    for said_to_the_person in ("relisez", "Retirez", "rdvletters", "permanence"):
        assert said_to_the_person not in body, said_to_the_person
    assert not re.search(r"(?<!-)\bvous\b", body)  # « rendez-vous » is not addressed to anyone
    # one section, its pages numbered « page N / M » (nothing is removed before filing)
    assert len(doc.sections) == 1
    footer = doc.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert doc.core_properties.author == "Aminata DIALLO"
    # « Signature : » for paper filing, room to sign, then the name
    at = texts.index(f"Signature{NBSP}:")
    assert texts[at + 1] == "Aminata DIALLO"
    assert doc.paragraphs[at].paragraph_format.space_after.mm > 20
    # the notes: a file of their own, said by the command, journaled with their hash
    notes_path = sorted((case / "documents").glob("*_a_lire_avant_depot.docx"))[-1]
    notes = " ".join(p.text for p in open_docx(notes_path).paragraphs)
    assert "Ce fichier n'est pas à déposer" in notes
    assert notes_path.name in result.output and "ne pas déposer" in result.output
    entries = [e for e in map(json.loads, (case / "journal.jsonl").read_text().splitlines())]
    assert [e["document"] for e in entries[-2:]] == ["requete", "requete_a_lire"]


@needs_pdf_tools
def test_bundle_series_per_week(case, run, tmp_path):
    result = run("-C", case, "bundle", "--series", "week", "-o", tmp_path / "d")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "d").iterdir())
    series = [n for n in names if "Captures_semaine_du" in n]
    assert len(series) == 11  # one per week with screenshots
    first = pdf_text(tmp_path / "d" / series[0])
    pages = first.split("\f")[:-1]
    assert len(pages) == 2  # 14 and 16 September: two screenshots that week
    assert all("Pièce n° 2" in page for page in pages)
    assert "Capture du lundi 14 septembre 2026 à 9 h 05" in pages[0]
    inventory = (tmp_path / "d" / "Ne_pas_deposer" / "00_Inventaire.txt").read_text(
        encoding="utf-8"
    )
    assert "semaine du lundi 14 septembre 2026 (2 captures)" in inventory


def test_requete_is_french_whatever_happens(case, run):
    text = _requete_text(run, case)
    assert f"Fait à Bobigny, le {now_paris().day}" in text.replace("1er", "1")
