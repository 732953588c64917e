"""The three documents, checked through the files written."""

from __future__ import annotations

import re
from datetime import date

from docx import Document as open_docx
from docx.shared import Mm

from rdvletters.frdates import jour, now_paris

from .conftest import EXAMPLE, journal_lines

TWIPS_PER_MM = 1440 / 25.4


def _documents(case, pattern):
    return sorted((case / "documents").glob(pattern))


def test_email_lists_attempts_since_last_email_and_counts_relances(case, run):
    result = run("-C", case, "email")
    assert result.exit_code == 0, result.output
    [path] = _documents(case, "*_courriel_relance-04.txt")
    text = path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o777 == 0o600
    assert (
        "Objet : Demande de rendez-vous – DIALLO Aminata – née le 12/04/1990 – relance n° 4" in text
    )
    assert "À : pref-etrangers@example.gouv.fr" in text
    # the four web attempts after the e-mail of 13 November, not the earlier ones
    assert "- mardi 17 novembre 2026 à 08 h 05 – site de rendez-vous de la préfecture" in text
    assert "mercredi 25 novembre 2026 à 18 h 45" in text
    assert "12 novembre 2026" not in text
    assert "Au total, depuis le 14 septembre 2026, j'ai fait 25 démarches" in text
    assert "Mon dossier est complet" in text
    assert "me convoquer" in text
    assert "2026-11-24_0910_web_capture_aucun_creneau_2.png" in text  # this week's proof
    assert text in result.output  # printed for the user too
    entry = journal_lines(case)[-1]
    assert entry["type"] == "document" and entry["document"] == "courriel"
    assert entry["relance"] == 4 and entry["tentatives"] == [23, 24, 25, 26]
    assert entry["fichier"] == f"documents/{path.name}"


def test_generated_is_not_sent_and_sent_moves_the_count(case, run):
    run("-C", case, "email")
    first = journal_lines(case)[-1]["n"]
    # generating again without sending: same relance number, new file, old one intact
    run("-C", case, "email")
    files = _documents(case, "*_courriel_relance-04*.txt")
    assert len(files) == 2 and files[1].name.endswith("relance-04_2.txt")
    assert run("-C", case, "sent", str(first), "--at", "2026-11-26 10:00").exit_code == 0
    run("-C", case, "record", "web", "--at", "2026-11-26 12:00", "-m", "Toujours rien")
    result = run("-C", case, "email")
    text = _documents(case, "*_courriel_relance-05.txt")[0].read_text(encoding="utf-8")
    assert "relance n° 5" in text
    assert "jeudi 26 novembre 2026 à 12 h 00" in text
    assert "17 novembre" not in text  # already reported in the sent e-mail
    assert "Je vous ai écrit pour la dernière fois le 26 novembre 2026" in text
    assert result.exit_code == 0


def test_email_without_new_facts_warns(case, run):
    run("-C", case, "record", "email", "--at", "2026-11-26 09:00", "-m", "Envoyé à la main")
    result = run("-C", case, "email")
    assert result.exit_code == 0
    assert "Aucune nouvelle démarche" in result.stderr


def test_letter_docx_geometry_and_content(case, run):
    result = run("-C", case, "letter")
    assert result.exit_code == 0, result.output
    [path] = _documents(case, "*_lettre-recommandee.docx")
    doc = open_docx(path)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)

    frames = {}
    for p in doc.paragraphs:
        frame = p._p.find(
            ".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}framePr"
        )
        if frame is not None and p.text.strip():
            attrs = {k.split("}")[1]: v for k, v in frame.attrib.items()}
            frames[p.text.splitlines()[0]] = {
                k: int(attrs[k]) / TWIPS_PER_MM for k in ("x", "y", "w") if k in attrs
            } | {"anchor": (attrs["hAnchor"], attrs["vAnchor"]), "text": p.text}
    recipient = frames["Préfecture de la Seine-Saint-Denis"]
    assert abs(recipient["x"] - 110) < 0.1 and abs(recipient["y"] - 50) < 0.1
    assert abs(recipient["w"] - 85) < 0.1 and recipient["anchor"] == ("page", "page")
    assert recipient["text"].splitlines()[-1] == "93007 BOBIGNY CEDEX"  # last line in capitals
    assert all(len(line) <= 38 for line in recipient["text"].splitlines())
    mention = frames["Lettre recommandée avec accusé de réception"]
    assert abs(mention["x"] - 110) < 0.1 and 35 <= mention["y"] < 50
    sender = frames["Aminata DIALLO"]
    assert sender["x"] < 100 and abs(sender["y"] - 15) < 0.1

    body = [p.text for p in doc.paragraphs]
    today = jour(now_paris().date())
    assert f"Bobigny, le {today}" in body
    date_paragraph = doc.paragraphs[body.index(f"Bobigny, le {today}")]
    assert abs(date_paragraph.paragraph_format.space_before - Mm(88 - 15)) < Mm(0.1)
    text = "\n".join(body)
    assert "Objet : Demande de convocation pour le dépôt d'une demande de titre de séjour" in text
    assert "ne constitue pas ma demande de titre de séjour" in text  # CE 493514
    assert "L.\u00a0112-3" in text and "L.\u00a0521-3" in text and "435594" in text
    assert "R. 311" not in text and "R.\u00a0311" not in text  # obsolete numbering
    assert "Défenseur des droits" in text
    assert "Fatou KONÉ" in text and "25 démarches" in text
    assert "P.J. :" in text


def test_letter_and_referral_text_format(case, run):
    assert run("-C", case, "letter", "--format", "text").exit_code == 0
    letter = _documents(case, "*_lettre-recommandee.txt")[0].read_text(encoding="utf-8")
    assert "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION" in letter
    assert max(len(line) for line in letter.splitlines()) <= 78
    assert run("-C", case, "referral", "--format", "text").exit_code == 0
    referral = _documents(case, "*_saisine-defenseur.txt")[0].read_text(encoding="utf-8")
    assert "MES DÉMARCHES AUPRÈS DE LA PRÉFECTURE" in referral
    assert "mauvais fonctionnement du service public" in referral
    assert "Aucune procédure juridictionnelle n'est en cours" in referral


def test_referral_docx_has_dated_chronology_and_delegate(case, run):
    assert run("-C", case, "referral").exit_code == 0
    doc = open_docx(_documents(case, "*_saisine-defenseur.docx")[0])
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Délégué(e) du Défenseur des droits" in text and "Permanence de Bobigny" in text
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    dated = [b for b in bullets if " à " in b and " h " in b]
    assert len(dated) == 26  # every step of the example journal
    assert dated[0].startswith("lundi 14 septembre 2026 à 09 h 05")
    assert any("témoin, Fatou KONÉ" in b for b in dated)


def test_referral_goes_to_national_address_without_delegate(case, run):
    profile = (EXAMPLE / "profil.yaml").read_text(encoding="utf-8")
    profile = profile.replace("  delegue: Permanence de Bobigny\n", "").replace(
        "  adresse: [Maison de la justice et du droit, 10 avenue Exemple, 93000 Bobigny]\n", ""
    )
    (case / "profil.yaml").write_text(profile, encoding="utf-8")
    assert run("-C", case, "referral", "--format", "text").exit_code == 0
    text = _documents(case, "*_saisine-defenseur.txt")[0].read_text(encoding="utf-8")
    assert "Libre réponse 71120" in text and "75342 PARIS CEDEX 07" in text


def test_anef_renewal_variant(case, run):
    profile = (EXAMPLE / "profil.yaml").read_text(encoding="utf-8")
    profile = (
        profile.replace("situation: rdv", "situation: anef")
        .replace("nature: premiere_demande", "nature: renouvellement")
        .replace("titre_actuel_expire_le:", "titre_actuel_expire_le: 2027-01-01")
    )
    (case / "profil.yaml").write_text(profile, encoding="utf-8")
    assert run("-C", case, "letter", "--format", "text").exit_code == 0
    letter = _documents(case, "*_lettre-recommandee.txt")[0].read_text(encoding="utf-8")
    flat = re.sub(r"\s*\n\s*", " ", letter)
    assert "solution de substitution" in flat and "R.\u00a0431-2" in flat
    assert "R.\u00a0431-3" not in flat  # in-person rule is for the rdv situation
    assert "qui expire le 1er janvier 2027" in flat
    result = run("-C", case, "email")
    days = (date(2027, 1, 1) - now_paris().date()).days
    assert f"expire le 1er janvier 2027 (dans {days} jours)" in result.output
    assert "– ANEF – relance n° 4" in result.output
    assert "accueil et de l'accompagnement" in result.output


def test_case_templates_override_bundled_ones(case, run):
    (case / "modeles").mkdir()
    (case / "modeles" / "courriel.j2").write_text(
        "[[a]]\nx@example.org\n[[objet]]\nObjet maison {{ relance }}\n[[corps]]\nBonjour.\n",
        encoding="utf-8",
    )
    result = run("-C", case, "email")
    assert result.exit_code == 0 and "Objet : Objet maison 4" in result.output


def test_template_errors_name_the_template_line(case, run):
    (case / "modeles").mkdir()
    (case / "modeles" / "courriel.j2").write_text(
        "[[objet]]\nok\n[[corps]]\n{{ variable_inconnue }}\n", encoding="utf-8"
    )
    before = journal_lines(case)
    result = run("-C", case, "email")
    assert result.exit_code == 1
    assert "courriel.j2, ligne 4" in result.stderr and "variable_inconnue" in result.stderr
    assert journal_lines(case) == before
    assert not list((case / "documents").iterdir())


def test_letter_footer_fixes_the_journal_state(case, run):
    import hashlib

    last_line = (case / "journal.jsonl").read_bytes().split(b"\n")[-2]
    head = hashlib.sha256(last_line).hexdigest()[:16]
    assert run("-C", case, "letter").exit_code == 0
    doc = open_docx(_documents(case, "*_lettre-recommandee.docx")[0])
    footer = doc.sections[0].footer.paragraphs[0].text
    assert f"26 entrées, empreinte {head}" in footer


def test_expired_permit_is_said_in_the_past(case, run):
    profile = (EXAMPLE / "profil.yaml").read_text(encoding="utf-8")
    (case / "profil.yaml").write_text(
        profile.replace("nature: premiere_demande", "nature: renouvellement").replace(
            "titre_actuel_expire_le:", "titre_actuel_expire_le: 2026-11-01"
        ),
        encoding="utf-8",
    )
    result = run("-C", case, "email")
    assert "qui a expiré le 1er novembre 2026" in result.output
    assert "Mon titre actuel a expiré le 1er novembre 2026." in result.output
